package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
)

// testCatalogue is a small catalogue with real DataPass identifiers.
func testCatalogue() []instruct.Definition {
	return []instruct.Definition{
		{ID: "api_particulier", Name: "API Particulier", Provider: "dinum",
			Scopes: []instruct.Scope{
				{ID: "cnaf_quotient_familial", Label: "Quotient familial CAF & MSA", Group: "CNAF & MSA"},
				{ID: "cnaf_enfants", Label: "Identités enfants", Group: "CNAF & MSA"},
			},
			Templates: []instruct.Template{{Kind: instruct.KindRequestChanges, Title: "Cadre juridique",
				Body: "Merci de préciser le cadre juridique (article, code ou délibération) qui fonde votre demande."}}},
		{ID: "api_entreprise", Name: "API Entreprise", Provider: "dinum",
			Scopes: []instruct.Scope{
				{ID: "unites_legales_etablissements_insee", Label: "Données unités légales et établissements du répertoire Sirene", Group: "Informations générales"},
				{ID: "open_data_extrait_rcs_infogreffe", Label: "Extrait RCS - Infogreffe | Open Data", Group: "Informations générales", Included: true},
			}},
	}
}

// testEnv is a server on a real SQLite ledger in a temp dir, served over
// real HTTP.
type testEnv struct {
	t      testing.TB
	path   string
	cfg    Config
	ledger *ledger.Ledger
	server *Server
	http   *httptest.Server
	logs   *syncBuffer
	now    *testClock
	// wrap, when set, wraps the ledger the server is given.
	wrap   func(Storage) Storage
	quotas instruct.Quotas
	// mail makes the ledger plan mails, as under serve --smtp.
	mail bool
}

// roomyQuotas let the tests of other behaviour than quotas create as
// many requests as they need as one applicant, at one instant.
var roomyQuotas = instruct.Quotas{OpenDrafts: 1 << 20, Bytes: 1 << 40, CreationsPerHour: 1 << 20, DocumentBytes: 1 << 40}

// withQuotas serves a ledger with quotas q instead of roomyQuotas.
func withQuotas(q instruct.Quotas) envOption { return func(e *testEnv) { e.quotas = q } }

// envOption tunes a test environment's server configuration.
type envOption func(*testEnv)

func withRateLimit(perSecond float64, burst int) envOption {
	return func(e *testEnv) { e.cfg.RateLimit = RateLimit{PerSecond: perSecond, Burst: burst} }
}

func withLimits(l Limits) envOption {
	return func(e *testEnv) { e.cfg.Limits = l }
}

func withStreamTiming(heartbeat, poll time.Duration) envOption {
	return func(e *testEnv) { e.cfg.Heartbeat, e.cfg.StreamPoll = heartbeat, poll }
}

// withMail makes the ledger plan mails, as under serve --smtp.
func withMail() envOption { return func(e *testEnv) { e.mail = true } }

// withStorage wraps the ledger the server is given.
func withStorage(wrap func(Storage) Storage) envOption {
	return func(e *testEnv) { e.wrap = wrap }
}

func newEnv(t testing.TB, opts ...envOption) *testEnv {
	t.Helper()
	e := &testEnv{t: t, path: filepath.Join(t.TempDir(), "ledger.db"), logs: &syncBuffer{},
		now: &testClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}, quotas: roomyQuotas}
	e.cfg = Config{Catalogue: testCatalogue(), RateLimit: RateLimit{PerSecond: NoRateLimit},
		Logger: slog.New(slog.NewJSONHandler(e.logs, nil)), Now: e.now.Now}
	for _, o := range opts {
		o(e)
	}
	e.start()
	t.Cleanup(e.stop)
	return e
}

// use makes the environment report to t (a subtest) until the returned
// function restores its parent.
func (e *testEnv) use(t testing.TB) func() {
	parent := e.t
	e.t = t
	return func() { e.t = parent }
}

// start opens the ledger and serves it.
func (e *testEnv) start() {
	e.t.Helper()
	opts := []ledger.Option{ledger.WithQuotas(e.quotas), ledger.WithLogger(e.cfg.Logger)}
	if e.mail {
		opts = append(opts, ledger.WithMail())
	}
	l, err := ledger.Open(context.Background(), e.path, opts...)
	if err != nil {
		e.t.Fatalf("ledger.Open(%s) = %v", e.path, err)
	}
	e.ledger = l
	cfg := e.cfg
	cfg.Storage = l
	if e.wrap != nil {
		cfg.Storage = e.wrap(l)
	}
	e.server = New(cfg)
	e.http = serveReal(e.server)
	e.http.Client().Transport.(*http.Transport).MaxIdleConnsPerHost = 128
}

// stop closes the server, then the ledger.
func (e *testEnv) stop() {
	if e.http == nil {
		return
	}
	e.server.Close()
	e.http.Close()
	e.closeLedger()
	e.http = nil
}

// closeLedger closes the ledger under the running server, once.
func (e *testEnv) closeLedger() {
	if e.ledger != nil {
		e.ledger.Close()
		e.ledger = nil
	}
}

// restart closes the server and the ledger and opens both again on the
// same database file.
func (e *testEnv) restart() {
	e.stop()
	e.start()
}

// testClock is a clock tests move by hand.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Millisecond)
	return c.t
}

// syncBuffer is a bytes.Buffer safe for the logger's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// caller is a user with a token.
type caller struct {
	env   *testEnv
	user  instruct.User
	token string
}

// addUser stores a user with the given grants ("api_particulier:instructor",
// "*:admin"; none for an applicant) and gives them a token.
func (e *testEnv) addUser(name string, grants ...string) *caller {
	e.t.Helper()
	u := instruct.User{Name: name, Email: strings.ToLower(strings.ReplaceAll(name, " ", ".")) + "@example.gouv.fr", Roles: parseGrants(grants)}
	u, err := e.ledger.AddUser(context.Background(), u)
	if err != nil {
		e.t.Fatalf("AddUser(%s) = %v", name, err)
	}
	token, err := e.ledger.CreateToken(context.Background(), u.ID)
	if err != nil {
		e.t.Fatalf("CreateToken(%s) = %v", name, err)
	}
	return &caller{env: e, user: u, token: token}
}

func parseGrants(specs []string) []instruct.Grant {
	grants := []instruct.Grant{}
	for _, s := range specs {
		def, role, _ := strings.Cut(s, ":")
		grants = append(grants, instruct.Grant{Definition: def, Role: instruct.Role(role)})
	}
	return grants
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   []byte
}

// hdr is a request header for do.
type hdr struct{ name, value string }

func key(k string) hdr        { return hdr{api.HeaderIdempotencyKey, k} }
func ifMatch(v int64) hdr     { return hdr{api.HeaderIfMatch, etag(v)} }
func header(n, v string) hdr  { return hdr{n, v} }
func rawBody(s string) []byte { return []byte(s) }

// do sends method path (under /api/v1 unless it starts with /healthz)
// with body (nil, []byte sent as is, or a value encoded as JSON).
func (c *caller) do(method, path string, body any, headers ...hdr) response {
	c.env.t.Helper()
	req := c.env.newRequest(method, path, body, headers...)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return c.env.send(req)
}

func (e *testEnv) newRequest(method, path string, body any, headers ...hdr) *http.Request {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatalf("encode %T: %v", body, err)
		}
		r = bytes.NewReader(data)
	}
	if !strings.HasPrefix(path, "/healthz") {
		path = api.BasePath + path
	}
	req, err := http.NewRequest(method, e.http.URL+path, r)
	if err != nil {
		e.t.Fatalf("NewRequest(%s %s) = %v", method, path, err)
	}
	for _, h := range headers {
		req.Header.Set(h.name, h.value)
	}
	return req
}

func (e *testEnv) send(req *http.Request) response {
	e.t.Helper()
	res, err := e.http.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		e.t.Fatalf("read %s %s: %v", req.Method, req.URL.Path, err)
	}
	return response{status: res.StatusCode, header: res.Header, body: body}
}

// decodeAs decodes a JSON answer of the wanted status into a T.
func decodeAs[T any](t testing.TB, r response, status int) T {
	t.Helper()
	var v T
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, r.body, err)
	}
	return v
}

// problem checks that r is a problem answer of the status and code, and
// returns it.
func problem(t testing.TB, r response, status int, code instruct.Code) api.Problem {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != api.ProblemContentType {
		t.Errorf("Content-Type = %q, want %q (status %d, body %s)", ct, api.ProblemContentType, r.status, r.body)
	}
	p := decodeAs[api.Problem](t, r, status)
	if p.Code != code || p.Status != status {
		t.Errorf("problem = %d %s (%s), want %d %s", p.Status, p.Code, p.Detail, status, code)
	}
	return p
}

// fullPatch returns the fields of a complete request for definition def,
// ready to submit.
func fullPatch(def, title string) instruct.RequestPatch {
	scopes := map[string][]string{
		"api_particulier": {"cnaf_quotient_familial", "cnaf_enfants"},
		"api_entreprise":  {"unites_legales_etablissements_insee"},
	}[def]
	months, yes := 12, true
	return instruct.RequestPatch{
		Definition:   &def,
		Title:        &title,
		Description:  ptr("Calcul du tarif de la cantine scolaire selon le quotient familial, sans justificatif papier."),
		Organization: &instruct.Organization{SIRET: "21690123100011", Name: "Ville de Lyon", City: "Lyon"},
		Contacts: &[]instruct.Contact{
			{Role: instruct.ContactDPO, Name: "Nora Benali", Email: "dpo@mairie-lyon.fr", Phone: "0472100000", JobTitle: "Déléguée à la protection des données"},
		},
		LegalBasis:      &instruct.LegalBasis{Nature: "Code de l'éducation, article R531-52", URL: "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000020743006"},
		Scopes:          &scopes,
		DataRecipients:  ptr("Agents du service Éducation"),
		RetentionMonths: &months,
		Volumetry:       ptr("1 000 appels par jour"),
		ProductionDate:  ptr("2027-01-15"),
		TermsAccepted:   &yes,
		DPOInformed:     &yes,
	}
}

func ptr[T any](v T) *T { return &v }

// draft creates a complete draft of applicant a over HTTP.
func (a *caller) draft(def, title string) instruct.Request {
	a.env.t.Helper()
	return decodeAs[instruct.Request](a.env.t, a.do("POST", "/requests", fullPatch(def, title)), http.StatusCreated)
}

// submitted creates and submits a complete request of applicant a.
func (a *caller) submitted(def, title string) instruct.Request {
	a.env.t.Helper()
	r := a.draft(def, title)
	return decodeAs[instruct.Request](a.env.t, a.do("POST", "/requests/"+r.ID.String()+"/submit", nil, ifMatch(r.Version)), http.StatusOK)
}

// decide posts a decision with a fresh key.
func (c *caller) decide(id string, version int64, kind instruct.Kind, comment string) response {
	c.env.t.Helper()
	return c.do("POST", "/requests/"+id+"/decisions", api.DecisionInput{Kind: kind, Comment: comment},
		key(newKey()), ifMatch(version))
}

// newKey returns a fresh idempotency key, as clients make them.
func newKey() string { return uuid.Must(uuid.NewV7()).String() }

// events reads the events of request id through the ledger.
func (e *testEnv) events(id instruct.RequestID) []instruct.Event {
	e.t.Helper()
	evs, err := e.ledger.Events(context.Background(), id)
	if err != nil {
		e.t.Fatalf("Events(%s) = %v", id, err)
	}
	return evs
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// httptestServer serves srv over real HTTP until the test ends and
// returns its URL.
func httptestServer(t testing.TB, srv *Server) string {
	t.Helper()
	h := serveReal(srv)
	t.Cleanup(h.Close)
	return h.URL
}

// serveReal serves srv on a loopback port as "instruct serve" does: its
// HTTPServer, with its limits, on its Listener.
func serveReal(srv *Server) *httptest.Server {
	h := httptest.NewUnstartedServer(nil)
	h.Config = srv.HTTPServer(nil)
	h.Listener = srv.Listener(h.Listener)
	h.Start()
	return h
}

// decodeBody decodes a JSON answer's body into v.
func decodeBody(res *http.Response, v any) error {
	return json.NewDecoder(res.Body).Decode(v)
}
