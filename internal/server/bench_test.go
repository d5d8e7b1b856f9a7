package server

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// submittedHistories returns n submitted requests of applicant, with
// their create and submit events, for ledger.Import.
func submittedHistories(n int, applicant instruct.User) []instruct.History {
	towns := []struct{ siret, name, city string }{
		{"21690123100011", "Ville de Lyon", "Lyon"},
		{"21750001600019", "Ville de Paris", "Paris"},
		{"21130055300016", "Ville de Marseille", "Marseille"},
	}
	start := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	hs := make([]instruct.History, n)
	for i := range hs {
		town := towns[i%len(towns)]
		created := start.Add(time.Duration(i) * time.Minute)
		submitted := created.Add(time.Hour)
		p := fullPatch("api_particulier", fmt.Sprintf("Tarification sociale de la cantine scolaire n°%d", i))
		p.Organization = &instruct.Organization{SIRET: town.siret, Name: town.name, City: town.city}
		var r instruct.Request
		p.Apply(&r)
		r.Status, r.CreatedAt, r.UpdatedAt, r.SubmittedAt = instruct.StatusSubmitted, created, submitted, &submitted
		actor := applicant.Actor()
		hs[i] = instruct.History{Request: r, CreatedBy: applicant.ID, Events: []instruct.Event{
			{Kind: instruct.KindCreate, Actor: actor, At: created},
			{Kind: instruct.KindSubmit, Actor: actor, At: submitted},
		}}
	}
	return hs
}

// importSubmitted imports n submitted requests and returns their IDs in
// order.
func importSubmitted(b testing.TB, e *testEnv, n int) []string {
	applicant := e.addUser("Camille Martin")
	if err := e.ledger.Import(context.Background(), submittedHistories(n, applicant.user)); err != nil {
		b.Fatalf("Import(%d) = %v", n, err)
	}
	list, err := e.ledger.Requests(context.Background(), instruct.ListQuery{Viewer: instruct.Viewer{All: true}, Limit: n})
	if err != nil || len(list) != n {
		b.Fatalf("Requests after import = %d, %v; want %d", len(list), err, n)
	}
	ids := make([]string, n)
	for i, r := range list {
		ids[i] = r.ID.String()
	}
	return ids
}

// BenchmarkDecisions measures decisions per second with 64 concurrent
// HTTP clients on a real SQLite file (synchronous=FULL), each posting its
// next decision as soon as the last is answered, and the latency of one
// decision at that saturation. Target: >= 1,000 decisions/s.
func BenchmarkDecisions(b *testing.B) {
	runDecisions(b, 0)
}

// BenchmarkDecisionsAt1000 offers the target load, 1,000 decisions/s
// spread over 64 clients, and measures each decision's latency from the
// moment it was due (so a stalled server can't hide its backlog).
// Target: p99 <= 50 ms.
func BenchmarkDecisionsAt1000(b *testing.B) {
	runDecisions(b, 1000)
}

// BenchmarkDecisionsWithPrerequisite is BenchmarkDecisions where the
// definition decided requires another, so that every decision's answer
// reads the organisation's active habilitations for its checks: the
// worst case of what a decision pays for them.
func BenchmarkDecisionsWithPrerequisite(b *testing.B) {
	runDecisions(b, 0, func(e *testEnv) {
		defs := testCatalogue()
		defs[0].Prerequisites = []string{"france_connect"}
		e.cfg.Catalogue = defs
	})
}

// runDecisions has 64 clients approve b.N requests, at rate decisions a
// second in all, or as fast as they can when rate is 0, on a server
// configured by opts.
func runDecisions(b *testing.B, rate float64, opts ...envOption) {
	const clients = 64
	e := newEnv(b, opts...)
	reviewer := e.addUser("Ines Instructrice", "api_particulier:instructor")
	ids := importSubmitted(b, e, b.N)
	latencies := make([]time.Duration, b.N)
	var next atomic.Int64
	var failures atomic.Int64
	b.ResetTimer()
	start := time.Now()
	due := func(i int64) time.Time {
		if rate == 0 {
			return time.Now()
		}
		return start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
	}
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(b.N); i = next.Add(1) - 1 {
				t0 := due(i)
				time.Sleep(time.Until(t0))
				if !postApproval(e, reviewer, ids[i]) {
					failures.Add(1)
				}
				latencies[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failures.Load() > 0 {
		b.Fatalf("%d decisions failed", failures.Load())
	}
	reportLatencies(b, latencies, elapsed)
}

// reportLatencies reports the rate and the latency percentiles.
func reportLatencies(b *testing.B, latencies []time.Duration, elapsed time.Duration) {
	slices.Sort(latencies)
	ms := func(q int) float64 {
		return float64(latencies[min(len(latencies)-1, len(latencies)*q/100)].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "decisions/s")
	b.ReportMetric(ms(50), "p50_ms")
	b.ReportMetric(ms(90), "p90_ms")
	b.ReportMetric(ms(99), "p99_ms")
	b.ReportMetric(ms(100), "max_ms")
}

// postApproval approves request id at version 2 (submitted), without the
// test helpers that fail the test from a goroutine.
func postApproval(e *testEnv, c *caller, id string) bool {
	req := e.newRequest("POST", "/requests/"+id+"/decisions", api.DecisionInput{Kind: instruct.KindApprove, Comment: "Cadre juridique conforme."},
		key(newKey()), ifMatch(2))
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := e.http.Client().Do(req)
	if err != nil {
		return false
	}
	defer res.Body.Close()
	var out api.DecisionResult
	return res.StatusCode == http.StatusCreated && decodeBody(res, &out) == nil && out.Request.Status == instruct.StatusValidated
}

// BenchmarkFeedPull measures pulling the whole change feed of 100,000
// requests over HTTP in pages of 1,000, as a first sync does.
func BenchmarkFeedPull(b *testing.B) {
	const total = 100000
	e := newEnv(b)
	reader := e.addUser("Rémi Support", "*:reporter")
	importSubmitted(b, e, total)
	b.ResetTimer()
	for b.Loop() {
		n, pages := pullAll(b, e, reader)
		if n != total {
			b.Fatalf("pulled %d requests in %d pages, want %d", n, pages, total)
		}
	}
	b.ReportMetric(float64(total*b.N)/b.Elapsed().Seconds(), "requests/s")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/pull")
}

// pullAll pages through the whole feed and returns the requests and
// pages read.
func pullAll(b testing.TB, e *testEnv, c *caller) (int, int) {
	cursor, n, pages := "", 0, 0
	for {
		req := e.newRequest("GET", "/changes?limit=1000&after="+cursor, nil)
		req.Header.Set("Authorization", "Bearer "+c.token)
		res, err := e.http.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var page api.ChangesPage
		err = decodeBody(res, &page)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("GET /changes = %d, %v", res.StatusCode, err)
		}
		n, pages, cursor = n+len(page.Changes), pages+1, page.Cursor
		if !page.More {
			return n, pages
		}
	}
}
