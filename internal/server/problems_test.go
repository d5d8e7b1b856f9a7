package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// cast is the set of users most tests need.
type cast struct {
	admin, instructor, reporter, outsider, applicant, other *caller
}

func newCast(e *testEnv) cast {
	return cast{
		admin:      e.addUser("Alice Admin", "*:admin"),
		instructor: e.addUser("Ines Instructrice", "api_particulier:instructor"),
		reporter:   e.addUser("Rémi Support", "api_particulier:reporter"),
		outsider:   e.addUser("Oscar Entreprise", "api_entreprise:instructor"),
		applicant:  e.addUser("Camille Martin"),
		other:      e.addUser("Jean Dupont"),
	}
}

// TestProblems provokes every row of API.md's error table that one
// server can show at once, and checks status, media type and code.
func TestProblems(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	decisions := func(r instruct.Request) string { return "/requests/" + r.ID.String() + "/decisions" }
	approve := api.DecisionInput{Kind: instruct.KindApprove}
	tests := []struct {
		name   string
		call   func() response
		status int
		code   instruct.Code
	}{
		{"malformed JSON", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			return c.instructor.do("POST", decisions(r), rawBody(`{"kind":`), key(newKey()), ifMatch(r.Version))
		}, 400, instruct.CodeInvalid},
		{"unknown field", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			return c.instructor.do("POST", decisions(r), rawBody(`{"kind":"approve","urgent":true}`), key(newKey()), ifMatch(r.Version))
		}, 400, instruct.CodeInvalid},
		{"wrong type", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			return c.instructor.do("POST", decisions(r), rawBody(`{"kind":"approve","comment":5}`), key(newKey()), ifMatch(r.Version))
		}, 400, instruct.CodeInvalid},
		{"trailing data", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			return c.instructor.do("POST", decisions(r), rawBody(`{"kind":"approve"} {}`), key(newKey()), ifMatch(r.Version))
		}, 400, instruct.CodeInvalid},
		{"unknown decision kind", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			return c.instructor.do("POST", decisions(r), rawBody(`{"kind":"note","comment":"x"}`), key(newKey()), ifMatch(r.Version))
		}, 400, instruct.CodeInvalid},
		{"missing Idempotency-Key", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			return c.instructor.do("POST", decisions(r), approve, ifMatch(r.Version))
		}, 400, instruct.CodeInvalid},
		{"weak If-Match", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			return c.instructor.do("POST", decisions(r), approve, key(newKey()), header(api.HeaderIfMatch, `W/"1"`))
		}, 400, instruct.CodeInvalid},
		{"bad limit", func() response { return c.instructor.do("GET", "/requests?limit=0", nil) }, 400, instruct.CodeInvalid},
		{"bad status", func() response { return c.instructor.do("GET", "/requests?status=pending", nil) }, 400, instruct.CodeInvalid},
		{"garbage cursor", func() response { return c.instructor.do("GET", "/changes?after=xyz", nil) }, 400, instruct.CodeInvalid},
		{"no token", func() response {
			anon := &caller{env: e}
			return anon.do("GET", "/me", nil)
		}, 401, instruct.CodeUnauthorized},
		{"bad token", func() response {
			forged := &caller{env: e, token: "ins_" + strings.Repeat("A", 43)}
			return forged.do("GET", "/requests", nil)
		}, 401, instruct.CodeUnauthorized},
		{"reporter decides", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			return c.reporter.decide(r.ID.String(), r.Version, instruct.KindApprove, "")
		}, 403, instruct.CodeForbidden},
		{"reviewer edits an applicant's request", func() response {
			r := c.applicant.draft("api_particulier", "Cantine")
			return c.admin.do("PATCH", "/requests/"+r.ID.String(), instruct.RequestPatch{Title: ptr("Autre")}, ifMatch(r.Version))
		}, 403, instruct.CodeForbidden},
		{"instructor reads the audit log", func() response { return c.instructor.do("GET", "/audit", nil) }, 403, instruct.CodeForbidden},
		{"no such request", func() response { return c.admin.do("GET", "/requests/D999999", nil) }, 404, instruct.CodeNotFound},
		{"request of another definition", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			return c.outsider.do("GET", "/requests/"+r.ID.String(), nil)
		}, 404, instruct.CodeNotFound},
		{"another applicant's request", func() response {
			r := c.applicant.draft("api_particulier", "Cantine")
			return c.other.do("GET", "/requests/"+r.ID.String(), nil)
		}, 404, instruct.CodeNotFound},
		{"unknown route", func() response { return c.admin.do("GET", "/nothing/here", nil) }, 404, instruct.CodeNotFound},
		{"method not allowed", func() response { return c.admin.do("DELETE", "/requests/D1", nil) }, 405, instruct.CodeInvalid},
		{"stale version", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			return c.instructor.decide(r.ID.String(), r.Version-1, instruct.KindApprove, "")
		}, 412, instruct.CodeStaleVersion},
		{"body over 1 MiB", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			big := `{"kind":"approve","comment":"` + strings.Repeat("a", api.MaxBodyBytes) + `"}`
			return c.instructor.do("POST", decisions(r), rawBody(big), key(newKey()), ifMatch(r.Version))
		}, 413, instruct.CodeTooLarge},
		{"refusal without comment", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			return c.instructor.decide(r.ID.String(), r.Version, instruct.KindRefuse, "  \n")
		}, 422, instruct.CodeCommentRequired},
		{"revoking a submitted request", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			return c.instructor.decide(r.ID.String(), r.Version, instruct.KindRevoke, "Fin du marché")
		}, 422, instruct.CodeInvalidTransition},
		{"comment over 10,000 characters", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			return c.instructor.decide(r.ID.String(), r.Version, instruct.KindApprove, strings.Repeat("é", instruct.MaxCommentLength+1))
		}, 422, instruct.CodeInvalid},
		{"submitting without accepting the terms", func() response {
			p := fullPatch("api_particulier", "Cantine")
			p.TermsAccepted = nil
			r := decodeAs[instruct.Request](t, c.applicant.do("POST", "/requests", p), http.StatusCreated)
			return c.applicant.do("POST", "/requests/"+r.ID.String()+"/submit", nil, ifMatch(r.Version))
		}, 422, instruct.CodeInvalid},
		{"creating for an unknown definition", func() response {
			return c.applicant.do("POST", "/requests", fullPatch("api_inconnue", "Cantine"))
		}, 422, instruct.CodeInvalid},
		{"decision without If-Match", func() response {
			r := c.applicant.submitted("api_particulier", "Cantine")
			return c.instructor.do("POST", decisions(r), approve, key(newKey()))
		}, 428, instruct.CodePreconditionRequired},
		{"edit without If-Match", func() response {
			r := c.applicant.draft("api_particulier", "Cantine")
			return c.applicant.do("PATCH", "/requests/"+r.ID.String(), instruct.RequestPatch{Title: ptr("Autre")})
		}, 428, instruct.CodePreconditionRequired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer e.use(t)()
			p := problem(t, tt.call(), tt.status, tt.code)
			if p.Detail == "" || p.Type == "" || p.Title == "" {
				t.Errorf("problem %+v lacks detail, type or title", p)
			}
		})
	}
}

// TestRateLimit: past its burst a token gets 429 rate_limited with
// Retry-After, while another token is still served.
func TestRateLimit(t *testing.T) {
	e := newEnv(t, withRateLimit(0.5, 3))
	greedy := e.addUser("Ines Instructrice", "api_particulier:instructor")
	calm := e.addUser("Rémi Support", "api_particulier:reporter")
	for i := range 3 {
		if r := greedy.do("GET", "/me", nil); r.status != http.StatusOK {
			t.Fatalf("GET /me #%d = %d, want 200", i+1, r.status)
		}
	}
	r := greedy.do("GET", "/me", nil)
	problem(t, r, http.StatusTooManyRequests, instruct.CodeRateLimited)
	if got := r.header.Get(api.HeaderRetryAfter); got != "2" {
		t.Errorf("Retry-After = %q, want \"2\" (one token at 0.5/s)", got)
	}
	if r := calm.do("GET", "/me", nil); r.status != http.StatusOK {
		t.Errorf("another token: GET /me = %d, want 200", r.status)
	}
}

// TestInternalError: a database failure is a 500 internal problem that
// names the request ID, logged with it, without the error's text in the
// answer.
func TestInternalError(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	token := c.instructor.token
	e.closeLedger()
	// The token was checked before: the user lookup itself fails now.
	res := (&caller{env: e, token: token}).do("GET", "/requests/"+r.ID.String(), nil)
	p := problem(t, res, http.StatusInternalServerError, instruct.CodeInternal)
	if p.RequestID == "" || p.RequestID != res.header.Get(api.HeaderRequestID) {
		t.Errorf("request_id = %q, header %q: want the same, non-empty", p.RequestID, res.header.Get(api.HeaderRequestID))
	}
	if strings.Contains(strings.ToLower(p.Detail), "sql") || strings.Contains(p.Detail, "closed") {
		t.Errorf("detail %q leaks the database error", p.Detail)
	}
	if !strings.Contains(e.logs.String(), `"request_id":"`+p.RequestID+`"`) {
		t.Errorf("log lacks request %s:\n%s", p.RequestID, e.logs.String())
	}
	problem(t, (&caller{env: e}).do("GET", "/healthz", nil), http.StatusServiceUnavailable, instruct.CodeUnavailable)
}

// panickingStorage is the real ledger whose Request panics, to prove the
// server's recovery.
type panickingStorage struct{ Storage }

func (panickingStorage) Request(context.Context, instruct.RequestID) (instruct.Request, string, error) {
	panic("boom: 21690123100011")
}

// TestPanic: a panic in a handler is a 500 problem with a request ID;
// the log has the stack but not the panic's value.
func TestPanic(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	cfg := e.cfg
	cfg.Storage = panickingStorage{e.ledger}
	srv := New(cfg)
	defer srv.Close()
	h := httptestServer(t, srv)
	req, _ := http.NewRequest("GET", h+api.BasePath+"/requests/"+r.ID.String(), nil)
	req.Header.Set("Authorization", "Bearer "+c.admin.token)
	res := e.send(req)
	p := problem(t, res, http.StatusInternalServerError, instruct.CodeInternal)
	if p.RequestID == "" {
		t.Errorf("problem %+v names no request", p)
	}
	logs := e.logs.String()
	if !strings.Contains(logs, `"msg":"panic"`) || strings.Contains(logs, "21690123100011") {
		t.Errorf("log should record the panic without its value:\n%s", logs)
	}
	if r := e.send(mustRequest(t, "GET", h+"/healthz")); r.status != http.StatusOK {
		t.Errorf("after a panic GET /healthz = %d, want 200", r.status)
	}
}

// TestCursorExpired: a cursor is refused with 410 once the caller's roles
// changed, and when it is older than the feed's horizon.
func TestCursorExpired(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	c.applicant.submitted("api_particulier", "Cantine")
	page := decodeAs[api.ChangesPage](t, c.instructor.do("GET", "/changes", nil), http.StatusOK)
	if len(page.Changes) != 1 {
		t.Fatalf("feed = %d changes, want 1", len(page.Changes))
	}
	again := c.instructor.do("GET", "/changes?after="+page.Cursor, nil)
	if again.status != http.StatusOK {
		t.Fatalf("GET /changes?after=%s = %d, want 200", page.Cursor, again.status)
	}
	grants := []instruct.Grant{{Definition: "api_particulier", Role: instruct.RoleInstructor}, {Definition: "api_entreprise", Role: instruct.RoleReporter}}
	if err := e.ledger.SetRoles(context.Background(), c.instructor.user.ID, grants); err != nil {
		t.Fatal(err)
	}
	problem(t, c.instructor.do("GET", "/changes?after="+page.Cursor, nil), http.StatusGone, instruct.CodeCursorExpired)
	fresh := decodeAs[api.ChangesPage](t, c.instructor.do("GET", "/changes?after=0", nil), http.StatusOK)
	if len(fresh.Changes) != 1 || fresh.Cursor == page.Cursor {
		t.Errorf("resync from 0 = %d changes, cursor %q; want 1 and a new cursor", len(fresh.Changes), fresh.Cursor)
	}
	t.Run("before the horizon", func(t *testing.T) {
		defer e.use(t)()
		horizon := purgeBefore(t, e)
		old := cursor{seq: horizon - 1, base: horizon - 1, roles: rolesFingerprint(mustUser(t, e, c.admin))}
		problem(t, c.admin.do("GET", "/changes?after="+old.String(), nil), http.StatusGone, instruct.CodeCursorExpired)
		ok := cursor{seq: horizon, base: horizon, roles: old.roles}
		if r := c.admin.do("GET", "/changes?after="+ok.String(), nil); r.status != http.StatusOK {
			t.Errorf("cursor at the horizon %d: status %d, want 200", horizon, r.status)
		}
	})
}

func mustUser(t *testing.T, e *testEnv, c *caller) instruct.User {
	t.Helper()
	u, err := e.ledger.UserByID(context.Background(), c.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func mustRequest(t *testing.T, method, url string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// purgeBefore runs the ledger's retention purge over every event so far
// and returns the new feed horizon.
func purgeBefore(t *testing.T, e *testEnv) int64 {
	t.Helper()
	res, err := e.ledger.PurgeBefore(context.Background(), e.now.Now())
	if err != nil || res.LastSeq == 0 {
		t.Fatalf("PurgeBefore = %+v, %v; want events purged", res, err)
	}
	return res.LastSeq
}

// TestMuxProblems: the mux's own answers are problems too: an unknown
// path 404, a known one with another method 405 with Allow; a 401 names
// the Bearer scheme.
func TestMuxProblems(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	res := c.admin.do("PUT", "/requests/D1", nil)
	problem(t, res, http.StatusMethodNotAllowed, instruct.CodeInvalid)
	if allow := res.header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "PATCH") {
		t.Errorf("Allow = %q, want GET and PATCH", allow)
	}
	problem(t, c.admin.do("GET", "/requests/D1/attachments", nil), http.StatusNotFound, instruct.CodeNotFound)
	unauth := (&caller{env: e}).do("GET", "/changes", nil)
	problem(t, unauth, http.StatusUnauthorized, instruct.CodeUnauthorized)
	if got := unauth.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
		t.Errorf("WWW-Authenticate = %q, want the Bearer scheme", got)
	}
}

// TestLimiter: a bucket refills at its rate, says how long to wait, and
// a flood of distinct tokens doesn't grow memory without bound.
func TestLimiter(t *testing.T) {
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	l := newLimiter(RateLimit{PerSecond: 10, Burst: 2}, func() time.Time { return now })
	k := [32]byte{1}
	for i := range 2 {
		if err := l.allow(k); err != nil {
			t.Fatalf("call %d of the burst of 2 = %v", i+1, err)
		}
	}
	err := l.allow(k)
	var limited *rateLimitedError
	if !errors.As(err, &limited) || limited.retryAfter != 1 || instruct.ErrorCode(err) != instruct.CodeRateLimited {
		t.Fatalf("third call = %v, want rate_limited retrying after 1 s", err)
	}
	now = now.Add(100 * time.Millisecond)
	if err := l.allow(k); err != nil {
		t.Errorf("after 100 ms at 10/s: %v, want one more call", err)
	}
	for i := range 3 * maxBuckets {
		l.allow([32]byte{byte(i), byte(i >> 8), byte(i >> 16), 2})
	}
	if len(l.buckets) > maxBuckets {
		t.Errorf("buckets = %d, want at most %d", len(l.buckets), maxBuckets)
	}
}

// heldStorage, once armed, holds the next Apply until release is closed,
// telling held when it arrives; the others pass.
type heldStorage struct {
	Storage
	armed   atomic.Bool
	held    chan struct{}
	release chan struct{}
}

func (h *heldStorage) Apply(ctx context.Context, m instruct.Mutation) (instruct.Outcome, error) {
	if h.armed.CompareAndSwap(true, false) {
		h.held <- struct{}{}
		<-h.release
	}
	return h.Storage.Apply(ctx, m)
}

// TestKeyInFlightAnswers409: a retry of a decision whose first call is
// still being written gets 409 in_flight at once, and the first call
// then lands.
func TestKeyInFlightAnswers409(t *testing.T) {
	hold := &heldStorage{held: make(chan struct{}, 1), release: make(chan struct{})}
	e := newEnv(t, withStorage(func(s Storage) Storage { hold.Storage = s; return hold }))
	applicant := e.addUser("Agnès Lambert")
	instructor := e.addUser("Marie Dupont", "api_particulier:instructor")
	r := applicant.submitted("api_particulier", "Cantine")
	var once sync.Once
	release := func() { once.Do(func() { close(hold.release) }) }
	t.Cleanup(release)
	hold.armed.Store(true)
	k := newKey()
	approve := api.DecisionInput{Kind: instruct.KindApprove}
	first := make(chan response, 1)
	path := "/requests/" + r.ID.String() + "/decisions"
	go func() { first <- instructor.do("POST", path, approve, key(k), ifMatch(r.Version)) }()
	<-hold.held
	problem(t, instructor.do("POST", path, approve, key(k), ifMatch(r.Version)), 409, instruct.CodeInFlight)
	release()
	if got := <-first; got.status != 201 {
		t.Fatalf("first call = %d %s, want 201", got.status, got.body)
	}
}
