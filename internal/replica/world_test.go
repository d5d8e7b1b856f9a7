package replica

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/server"
	"github.com/instruct-dev/instruct/internal/store"
)

// The real cache and client are what the engine is written against.
var (
	_ Cache = (*store.Store)(nil)
	_ API   = (*client.Client)(nil)
)

// testCatalogue has two APIs, so that roles can split what users see.
func testCatalogue() []instruct.Definition {
	return []instruct.Definition{
		{ID: "api_particulier", Name: "API Particulier", Provider: "dinum",
			Scopes: []instruct.Scope{{ID: "cnaf_quotient_familial", Label: "Quotient familial CAF & MSA", Group: "CNAF & MSA"}}},
		{ID: "api_entreprise", Name: "API Entreprise", Provider: "dinum",
			Scopes: []instruct.Scope{{ID: "unites_legales_etablissements_insee", Label: "Données unités légales et établissements du répertoire Sirene", Group: "Informations générales"}}},
	}
}

// world is a real server — the ledger on a SQLite file, the HTTP API —
// listening on a fixed loopback address, so that tests can stop it and
// start it again where clients expect it.
type world struct {
	tb        testing.TB
	dbPath    string
	addr      string
	catalogue []instruct.Definition

	mu     sync.Mutex
	ledger *ledger.Ledger
	api    *server.Server
	http   *http.Server
	served chan struct{}
}

func newWorld(tb testing.TB) *world {
	tb.Helper()
	return newWorldWith(tb, testCatalogue())
}

// newWorldWith starts a world serving catalogue.
func newWorldWith(tb testing.TB, catalogue []instruct.Definition) *world {
	tb.Helper()
	w := &world{tb: tb, dbPath: filepath.Join(tb.TempDir(), "ledger.db"), catalogue: catalogue}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	w.addr = l.Addr().String()
	if err := w.serve(l); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(w.stop)
	return w
}

// URL is the server's base URL.
func (w *world) URL() string { return "http://" + w.addr }

// Ledger returns the ledger of the running server.
func (w *world) Ledger() *ledger.Ledger {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.ledger
}

func (w *world) serve(l net.Listener) error {
	led, err := ledger.Open(context.Background(), w.dbPath)
	if err != nil {
		l.Close()
		return fmt.Errorf("ledger.Open(%s) = %w", w.dbPath, err)
	}
	api := server.New(server.Config{Storage: led, Catalogue: w.catalogue,
		RateLimit: server.RateLimit{PerSecond: server.NoRateLimit}})
	srv := &http.Server{Handler: api.Handler(), ReadHeaderTimeout: 5 * time.Second}
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(l)
	}()
	w.mu.Lock()
	w.ledger, w.api, w.http, w.served = led, api, srv, served
	w.mu.Unlock()
	return nil
}

// stop closes every connection at once, like a crash of the server
// process, then closes the ledger.
func (w *world) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.http == nil {
		return
	}
	w.api.Close()
	_ = w.http.Close()
	<-w.served
	if err := w.ledger.Close(); err != nil {
		w.tb.Errorf("close ledger: %v", err)
	}
	w.http = nil
}

// start serves again on the same address and database file.
func (w *world) start() {
	w.tb.Helper()
	if err := w.tryStart(); err != nil {
		w.tb.Fatal(err)
	}
}

func (w *world) tryStart() error {
	var l net.Listener
	var err error
	for range 50 { // the old socket may linger a moment
		if l, err = net.Listen("tcp", w.addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		return fmt.Errorf("listen again on %s: %w", w.addr, err)
	}
	return w.serve(l)
}

// restart stops the server and starts it again; it may run outside the
// test's goroutine.
func (w *world) restart() error {
	w.stop()
	return w.tryStart()
}

// user adds a user with grants and returns it with a token.
func (w *world) user(email string, grants ...instruct.Grant) (instruct.User, string) {
	w.tb.Helper()
	ctx := context.Background()
	name, _, _ := strings.Cut(email, "@")
	u, err := w.Ledger().AddUser(ctx, instruct.User{Name: name, Email: email, Roles: grants})
	if err != nil {
		w.tb.Fatalf("AddUser(%s) = %v", email, err)
	}
	token, err := w.Ledger().CreateToken(ctx, u.ID)
	if err != nil {
		w.tb.Fatalf("CreateToken(%s) = %v", email, err)
	}
	return u, token
}

// reviewer adds an instructor of every API.
func (w *world) reviewer(email string) (instruct.User, string) {
	return w.user(email, instruct.Grant{Definition: instruct.AllDefinitions, Role: instruct.RoleInstructor})
}

// seed imports n submitted requests, alternating between the two APIs,
// and returns their IDs.
func (w *world) seed(n int) []instruct.RequestID {
	w.tb.Helper()
	applicant, _ := w.user(fmt.Sprintf("demandeur-%d@lyon.fr", time.Now().UnixNano()))
	hs := make([]instruct.History, n)
	for i := range hs {
		def := testCatalogue()[i%2].ID
		hs[i] = submittedHistory(i, def, applicant)
	}
	if err := w.Ledger().Import(context.Background(), hs); err != nil {
		w.tb.Fatalf("Import(%d histories) = %v", n, err)
	}
	return w.lastIDs(n)
}

// lastIDs returns the IDs of the n requests created last.
func (w *world) lastIDs(n int) []instruct.RequestID {
	w.tb.Helper()
	reqs, err := w.Ledger().Requests(context.Background(), instruct.ListQuery{Viewer: instruct.Viewer{All: true}, Limit: 1 << 30})
	if err != nil {
		w.tb.Fatalf("Requests() = %v", err)
	}
	ids := make([]instruct.RequestID, 0, n)
	for _, r := range reqs[len(reqs)-n:] {
		ids = append(ids, r.ID)
	}
	return ids
}

func submittedHistory(i int, def string, applicant instruct.User) instruct.History {
	at := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
	r := instruct.Request{Definition: def, Status: instruct.StatusSubmitted,
		Title:        fmt.Sprintf("Tarification sociale de la restauration scolaire n°%d", i),
		Description:  "Calcul du tarif de la cantine à partir du quotient familial, sans justificatif papier.",
		Organization: instruct.Organization{SIRET: "21690123100011", Name: "Ville de Lyon", City: "Lyon"},
		Applicant:    instruct.Person{Name: applicant.Name, Email: applicant.Email},
		LegalBasis:   instruct.LegalBasis{Nature: "Article L114-8 du CRPA", URL: "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000031367412"},
		Scopes:       []string{"cnaf_quotient_familial"}, RetentionMonths: 12,
		TermsAccepted: true, DPOInformed: true, CreatedAt: at, UpdatedAt: at, SubmittedAt: &at}
	actor := applicant.Actor()
	return instruct.History{Request: r, CreatedBy: applicant.ID, Events: []instruct.Event{
		{Kind: instruct.KindCreate, Actor: actor, At: at},
		{Kind: instruct.KindSubmit, Actor: actor, At: at},
	}}
}

// decisionEvents returns the decision events the server recorded on
// request id.
func (w *world) decisionEvents(id instruct.RequestID) []instruct.Event {
	w.tb.Helper()
	events, err := w.Ledger().Events(context.Background(), id)
	if err != nil {
		w.tb.Fatalf("Events(%s) = %v", id, err)
	}
	var out []instruct.Event
	for _, e := range events {
		if e.Kind.IsDecision() || e.Kind.IsNote() {
			out = append(out, e)
		}
	}
	return out
}

// replica is a reviewer's side: a real cache file, a real client, and
// the engine between them.
type replica struct {
	cache  *store.Store
	client *client.Client
	engine *Engine
	path   string
}

// fastClient retries quickly, so that tests of failures stay short.
func fastClient() client.Options {
	return client.Options{MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond,
		Timeout: 5 * time.Second}
}

func newReplica(tb testing.TB, baseURL, token string, copts client.Options, opts Options) *replica {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "cache.db")
	cache, err := store.Open(context.Background(), path)
	if err != nil {
		tb.Fatalf("store.Open(%s) = %v", path, err)
	}
	tb.Cleanup(func() { cache.Close() })
	c := client.New(baseURL, token, copts)
	if opts.LockPath == "" {
		opts.LockPath = path + ".lock"
	}
	return &replica{cache: cache, client: c, engine: New(cache, c, opts), path: path}
}

// sync runs one sync and fails the test on error.
func (r *replica) sync(tb testing.TB) {
	tb.Helper()
	if err := r.engine.Sync(context.Background()); err != nil {
		tb.Fatalf("Sync() = %v, want success", err)
	}
}

// record puts a decision, note or message in the outbox.
func (r *replica) record(tb testing.TB, id instruct.RequestID, kind instruct.Kind, comment string) instruct.Operation {
	tb.Helper()
	op, err := r.cache.Record(context.Background(), id, kind, comment)
	if err != nil {
		tb.Fatalf("Record(%s, %s) = %v", id, kind, err)
	}
	return op
}

// op returns the operation id of request requestID as the cache has it.
func (r *replica) op(tb testing.TB, requestID instruct.RequestID, id string) instruct.Operation {
	tb.Helper()
	ops, err := r.cache.Operations(context.Background(), requestID)
	if err != nil {
		tb.Fatalf("Operations(%s) = %v", requestID, err)
	}
	for _, op := range ops {
		if op.ID == id {
			return op
		}
	}
	tb.Fatalf("operation %s of %s is not in the outbox", id, requestID)
	return instruct.Operation{}
}

// cachedIDs returns the IDs of every cached request.
func (r *replica) cachedIDs(tb testing.TB) map[instruct.RequestID]bool {
	tb.Helper()
	items, err := r.cache.Queue(context.Background(), instruct.QueueQuery{})
	if err != nil {
		tb.Fatalf("Queue() = %v", err)
	}
	ids := make(map[instruct.RequestID]bool, len(items))
	for _, it := range items {
		ids[it.ID] = true
	}
	return ids
}

func isCode(err error, code instruct.Code) bool {
	return err != nil && instruct.ErrorCode(err) == code && !errors.Is(err, context.Canceled)
}
