package server

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
)

// TestStreamAnnouncesChanges: a decision is announced at once with its
// seq; heartbeats flow while idle; Close ends the stream cleanly.
func TestStreamAnnouncesChanges(t *testing.T) {
	e := newEnv(t, withStreamTiming(20*time.Millisecond, time.Hour))
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	s := openStream(t, c.reporter)
	d := decodeAs[api.DecisionResult](t, c.instructor.decide(r.ID.String(), r.Version, instruct.KindApprove, ""), http.StatusCreated)
	if !s.waitSeq(d.Event.Seq) {
		t.Fatalf("stream never announced the decision (seq %d)", d.Event.Seq)
	}
	if !s.waitUntil(func() bool { return s.heartbeats >= 2 }) {
		t.Errorf("no heartbeats while idle")
	}
	e.server.Close()
	if !s.waitUntil(func() bool { return s.ended }) {
		t.Errorf("the stream did not end when the server closed")
	}
	problem(t, c.reporter.do("GET", "/stream", nil), http.StatusServiceUnavailable, instruct.CodeUnavailable)
}

// TestStreamOtherInstance: a change written through another server
// instance on the same database reaches the stream by its poll.
func TestStreamOtherInstance(t *testing.T) {
	e := newEnv(t, withStreamTiming(time.Hour, 20*time.Millisecond))
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	s := openStream(t, c.reporter)
	other := otherInstance(t, e)
	res := other.do(c.instructor, "POST", "/requests/"+r.ID.String()+"/decisions", api.DecisionInput{Kind: instruct.KindApprove}, key(newKey()), ifMatch(r.Version))
	d := decodeAs[api.DecisionResult](t, res, http.StatusCreated)
	if !s.waitSeq(d.Event.Seq) {
		t.Fatalf("stream never announced the other instance's decision (seq %d)", d.Event.Seq)
	}
	outsider := openStream(t, c.outsider)
	n := decodeAs[api.NoteResult](t, other.do(c.instructor, "POST", "/requests/"+r.ID.String()+"/notes",
		api.NoteInput{Kind: instruct.KindNote, Comment: "RAS"}, key(newKey())), http.StatusCreated)
	if !s.waitSeq(n.Event.Seq) {
		t.Fatalf("stream never announced the note (seq %d)", n.Event.Seq)
	}
	if outsider.saw(n.Event.Seq) {
		t.Errorf("a user without a role on %s heard of its note", r.Definition)
	}
}

// TestStreamResume: a client reconnecting with Last-Event-ID hears at
// once of the changes it missed.
func TestStreamResume(t *testing.T) {
	e := newEnv(t, withStreamTiming(time.Hour, time.Hour))
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	before := r.Version
	d := decodeAs[api.DecisionResult](t, c.instructor.decide(r.ID.String(), before, instruct.KindApprove, ""), http.StatusCreated)
	s := openStream(t, c.reporter, header("Last-Event-ID", itoa(d.Event.Seq-1)))
	if !s.waitSeq(d.Event.Seq) {
		t.Fatalf("resumed stream never announced seq %d", d.Event.Seq)
	}
}

// instance is a second server on the same database file, as when several
// instances share one database.
type instance struct {
	env *testEnv
	url string
}

func otherInstance(t *testing.T, e *testEnv) instance {
	l, err := ledger.Open(context.Background(), e.path, ledger.WithQuotas(e.quotas))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	srv := New(Config{Storage: l, Catalogue: testCatalogue(), Logger: slog.New(slog.DiscardHandler), RateLimit: RateLimit{PerSecond: NoRateLimit}})
	t.Cleanup(srv.Close)
	h := httptest.NewServer(srv.Handler())
	t.Cleanup(h.Close)
	return instance{env: e, url: h.URL}
}

// do sends a call as c to the other instance.
func (in instance) do(c *caller, method, path string, body any, headers ...hdr) response {
	req := in.env.newRequest(method, path, body, headers...)
	req.URL.Host = in.url[len("http://"):]
	req.Header.Set("Authorization", "Bearer "+c.token)
	return in.env.send(req)
}

// TestShutdownWithOpenStream: with a stream open, Close then
// http.Server.Shutdown returns without waiting for the stream's client.
func TestShutdownWithOpenStream(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	srv := New(Config{Storage: e.ledger, Catalogue: testCatalogue(), RateLimit: RateLimit{PerSecond: NoRateLimit}})
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.Start()
	defer hs.Close()
	s := openStream(t, &caller{env: &testEnv{t: t, http: hs}, token: c.reporter.token})
	srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), streamWait)
	defer cancel()
	if err := hs.Config.Shutdown(ctx); err != nil {
		t.Errorf("Shutdown with a stream open = %v, want nil", err)
	}
	if !s.waitUntil(func() bool { return s.ended }) {
		t.Errorf("the stream's client never saw the end")
	}
}

// TestStreamEndsWhenAccessChanges: a stream opened with a token that is
// then revoked, or by a user whose roles then change, ends at its next
// heartbeat; a stream whose access did not change goes on.
func TestStreamEndsWhenAccessChanges(t *testing.T) {
	e := newEnv(t, withStreamTiming(20*time.Millisecond, time.Hour))
	c := newCast(e)
	ctx := context.Background()
	steady := openStream(t, c.reporter)
	revoked := openStream(t, c.outsider)
	regranted := openStream(t, c.instructor)

	if _, err := e.ledger.RevokeTokens(ctx, c.outsider.user.ID); err != nil {
		t.Fatal(err)
	}
	if !revoked.waitUntil(func() bool { return revoked.ended }) {
		t.Errorf("the stream of a revoked token is still open")
	}
	grants := []instruct.Grant{{Definition: "api_entreprise", Role: instruct.RoleReporter}}
	if err := e.ledger.SetRoles(ctx, c.instructor.user.ID, grants); err != nil {
		t.Fatal(err)
	}
	if !regranted.waitUntil(func() bool { return regranted.ended }) {
		t.Errorf("the stream of a user whose roles changed is still open")
	}
	before := steady.heartbeatCount()
	if !steady.waitUntil(func() bool { return steady.heartbeats >= before+3 && !steady.ended }) {
		t.Errorf("the stream of a user whose access did not change stopped")
	}
}

// heartbeatCount returns how many heartbeats the stream brought so far.
func (r *sseReader) heartbeatCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.heartbeats
}
