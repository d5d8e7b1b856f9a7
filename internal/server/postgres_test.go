package server

import (
	"context"
	"crypto/rand"
	"database/sql"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/pgtest"
)

// postgresDSN returns the DSN of a new, empty schema on the test
// PostgreSQL server, dropped when the test ends (see internal/pgtest).
func postgresDSN(t testing.TB) string {
	t.Helper()
	return pgtest.Schema(t, "server_test")
}

// postgresAdmin opens a connection pool to dsn for the test's own
// statements, closed when the test ends.
func postgresAdmin(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// newPostgresEnv serves a ledger opened on PostgreSQL at dsn over real
// HTTP, with event streams that never poll within a test: only the
// database's notifications can wake them for another instance's changes.
// Options may tune its configuration (the catalogue); those of the
// ledger's (quotas, mail) are not applied.
func newPostgresEnv(t testing.TB, dsn string, opts ...envOption) *testEnv {
	t.Helper()
	l, err := ledger.OpenPostgres(context.Background(), dsn, ledger.WithQuotas(roomyQuotas))
	if err != nil {
		t.Fatalf("ledger.OpenPostgres() = %v", err)
	}
	e := &testEnv{t: t, ledger: l, logs: &syncBuffer{}, now: &testClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}, quotas: roomyQuotas}
	e.cfg = Config{Storage: l, Catalogue: testCatalogue(), RateLimit: RateLimit{PerSecond: NoRateLimit},
		Logger: slog.New(slog.NewJSONHandler(e.logs, nil)), Now: e.now.Now,
		Heartbeat: time.Hour, StreamPoll: time.Hour}
	for _, o := range opts {
		o(e)
	}
	e.server = New(e.cfg)
	e.http = httptest.NewServer(e.server.Handler())
	t.Cleanup(e.stop)
	return e
}

// on returns c calling instance e instead.
func (c *caller) on(e *testEnv) *caller { return &caller{env: e, user: c.user, token: c.token} }

// TestPostgresStreamHearsOtherInstanceAtOnce: with two server instances
// on one PostgreSQL database and stream polling off, a client streaming
// from instance B hears at once of what is decided through instance A,
// and only of what its user may see, each change once.
func TestPostgresStreamHearsOtherInstanceAtOnce(t *testing.T) {
	dsn := postgresDSN(t)
	a, b := newPostgresEnv(t, dsn), newPostgresEnv(t, dsn)
	c := newCast(a)
	r := c.applicant.submitted("api_particulier", "Cantine")
	other := c.applicant.submitted("api_entreprise", "Marchés publics")
	reporter, applicant, outsider := openStream(t, c.reporter.on(b)), openStream(t, c.applicant.on(b)), openStream(t, c.outsider.on(b))

	d := decodeAs[api.DecisionResult](t, c.instructor.decide(r.ID.String(), r.Version, instruct.KindRequestChanges, "Merci de préciser le cadre juridique."), http.StatusCreated)
	checkStream(t, reporter, d.Event.Seq, true)
	checkStream(t, applicant, d.Event.Seq, true)
	note := postNote(t, c.instructor, r.ID.String(), instruct.KindNote, "Base légale à vérifier.")
	checkStream(t, reporter, note, true)
	message := postNote(t, c.instructor, r.ID.String(), instruct.KindMessage, "Nous attendons votre réponse.")
	checkStream(t, applicant, message, true)
	checkStream(t, applicant, note, false)
	theirs := postNote(t, c.outsider, other.ID.String(), instruct.KindNote, "RAS")
	checkStream(t, outsider, theirs, true)
	for _, seq := range []int64{d.Event.Seq, note, message} {
		checkStream(t, outsider, seq, false)
	}
	own := decodeAs[api.NoteResult](t, c.instructor.on(b).do("POST", "/requests/"+r.ID.String()+"/notes",
		api.NoteInput{Kind: instruct.KindNote, Comment: "Relancé."}, key(newKey())), http.StatusCreated)
	checkStream(t, reporter, own.Event.Seq, true)
	checkOnce(t, reporter)
}

// TestPostgresStreamAfterListenerKilled: when the connection instance B
// listens on is killed, B connects again and its streams go on hearing
// of instance A's decisions at once. The kill waits for the backend to
// end, so that it cannot pass the decision on while dying.
func TestPostgresStreamAfterListenerKilled(t *testing.T) {
	dsn := postgresDSN(t)
	name := "instruct-test-" + rand.Text()[:8]
	a, b := newPostgresEnv(t, dsn), newPostgresEnv(t, pgtest.WithParam(t, dsn, "application_name", name))
	c := newCast(a)
	r := c.applicant.submitted("api_particulier", "Cantine")
	reporter := openStream(t, c.reporter.on(b))
	var killed int
	err := postgresAdmin(t, dsn).QueryRow(`SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity
		WHERE application_name = $1 AND query LIKE 'LISTEN%'`, name).Scan(&killed)
	if err != nil || killed != 1 {
		t.Fatalf("killing instance B's listener = %d connections, %v; want 1", killed, err)
	}
	d := decodeAs[api.DecisionResult](t, c.instructor.decide(r.ID.String(), r.Version, instruct.KindApprove, ""), http.StatusCreated)
	checkStream(t, reporter, d.Event.Seq, true)
}

// postNote posts a note or message of kind k as c and returns its seq.
func postNote(t testing.TB, c *caller, id string, k instruct.Kind, comment string) int64 {
	t.Helper()
	res := c.do("POST", "/requests/"+id+"/notes", api.NoteInput{Kind: k, Comment: comment}, key(newKey()))
	return decodeAs[api.NoteResult](t, res, http.StatusCreated).Event.Seq
}

// checkOnce checks that the stream announced no seq twice.
func checkOnce(t *testing.T, r *sseReader) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := map[int64]bool{}
	for _, seq := range r.seqs {
		if seen[seq] {
			t.Errorf("the stream announced seq %d twice (%v)", seq, r.seqs)
		}
		seen[seq] = true
	}
}

// BenchmarkPostgresStreamOtherInstance measures how long a change made
// through instance A takes to reach a client streaming from instance B
// on the same PostgreSQL database, stream polling off: from the note's
// POST to its announcement. The notes come 200 ms apart, past the
// relay's pause, as one reviewer's changes do.
func BenchmarkPostgresStreamOtherInstance(b *testing.B) {
	dsn := postgresDSN(b)
	a, other := newPostgresEnv(b, dsn), newPostgresEnv(b, dsn)
	c := newCast(a)
	r := c.applicant.submitted("api_particulier", "Cantine")
	s := openStream(b, c.reporter.on(other))
	latencies := make([]time.Duration, b.N)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		time.Sleep(2 * relayPause)
		b.StartTimer()
		start := time.Now()
		seq := postNote(b, c.instructor, r.ID.String(), instruct.KindNote, "RAS")
		if !s.waitSeq(seq) {
			b.Fatalf("the stream on instance B never announced seq %d", seq)
		}
		latencies[i] = time.Since(start)
	}
	slices.Sort(latencies)
	ms := func(q int) float64 {
		return float64(latencies[min(len(latencies)-1, len(latencies)*q/100)].Microseconds()) / 1000
	}
	b.ReportMetric(ms(50), "p50_ms")
	b.ReportMetric(ms(99), "p99_ms")
	b.ReportMetric(ms(100), "max_ms")
}
