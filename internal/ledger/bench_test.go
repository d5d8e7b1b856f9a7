package ledger

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// openBench opens a new ledger for a benchmark.
func openBench(b *testing.B, opts ...Option) *Ledger {
	b.Helper()
	l, err := Open(context.Background(), filepath.Join(b.TempDir(), "ledger.db"), opts...)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	return l
}

// submitted returns n histories of requests waiting for a decision at
// version 2 (create, submit).
func submitted(n int) []instruct.History {
	hs := histories(n, "api_particulier", "api_entreprise", "franceconnect")
	for i := range hs {
		hs[i].Events = hs[i].Events[:3:3]
		hs[i].Events[1] = instruct.Event{Kind: instruct.KindSubmit, Actor: applicant, At: hs[i].Events[1].At}
		hs[i].Events = hs[i].Events[:2]
		hs[i].Request.Status, hs[i].Request.Version = instruct.StatusSubmitted, 2
	}
	return hs
}

// BenchmarkApplyDecisions has 64 concurrent clients approve distinct
// submitted requests, each decision with If-Match and an Idempotency-Key
// as the server sends them, and reports decisions per second and the
// 99th percentile latency of Apply.
// On PostgreSQL (INSTRUCT_TEST_POSTGRES), compare with pgbench's
// simple-update run on the same server: pgbench -N -c 64 -j 2.
//
// With one client, each decision waits for its own commit: the cost of
// synchronous=FULL shows whole there.
func BenchmarkApplyDecisions(b *testing.B) {
	for _, clients := range []int{64, 1} {
		for _, mode := range []string{"FULL", "NORMAL"} {
			b.Run(fmt.Sprintf("sqlite/synchronous=%s/clients=%d", mode, clients), func(b *testing.B) {
				benchDecisions(b, clients, openBench(b, withSynchronous(mode)))
			})
		}
	}
	b.Run("postgres/clients=64", func(b *testing.B) { benchDecisions(b, 64, openPostgresBench(b)) })
}

// openPostgresBench opens a new ledger in a schema of its own on the test
// PostgreSQL server.
func openPostgresBench(b *testing.B) *Ledger {
	l, err := OpenPostgres(context.Background(), postgresSchema(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	return l
}

func benchDecisions(b *testing.B, clients int, l *Ledger) {
	ctx := context.Background()
	if err := l.Import(ctx, submitted(b.N)); err != nil {
		b.Fatal(err)
	}
	var next atomic.Int64
	latencies := make([][]time.Duration, clients)
	var wg sync.WaitGroup
	b.ResetTimer()
	start := time.Now()
	for c := range clients {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(b.N); i = next.Add(1) - 1 {
				m := instruct.Mutation{RequestID: instruct.RequestID(firstRequestNumber + i), IfMatch: 2, Now: t0,
					IdempotencyKey: fmt.Sprintf("bench-%d", i), Fingerprint: "approve",
					Change: change(instruct.KindApprove, reviewer, "")}
				began := time.Now()
				if _, err := l.Apply(ctx, m); err != nil {
					b.Error(err)
					return
				}
				latencies[c] = append(latencies[c], time.Since(began))
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "decisions/s")
	b.ReportMetric(percentile(slices.Concat(latencies...), 0.99).Seconds()*1000, "p99-ms")
}

// percentile returns the q-quantile of ds.
func percentile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(float64(len(ds))*q))]
}

// BenchmarkImport imports 100,000 histories of six events each into a
// new ledger per iteration and reports histories per second.
func BenchmarkImport(b *testing.B) {
	const n = 100_000
	hs := histories(n, "api_particulier", "api_entreprise", "franceconnect")
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		l := openBench(b)
		b.StartTimer()
		if err := l.Import(ctx, hs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "histories/s")
}

// BenchmarkChangesPull pulls the whole feed of 100,000 requests (six
// events and a habilitation each) in pages of 1,000, as a first sync
// does, and reports requests per second.
func BenchmarkChangesPull(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	l := openBench(b)
	if err := l.Import(ctx, withHabilitations(histories(n, "api_particulier", "api_entreprise", "franceconnect"))); err != nil {
		b.Fatal(err)
	}
	all := instruct.Viewer{All: true}
	b.ResetTimer()
	for b.Loop() {
		var cursor int64
		got := 0
		for more := true; more; {
			items, m, err := l.ChangesFrom(ctx, all, 0, cursor, 1000)
			if err != nil {
				b.Fatal(err)
			}
			got, more, cursor = got+len(items), m, items[len(items)-1].Seq
		}
		if got != n {
			b.Fatalf("pulled %d requests, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "requests/s")
}

// BenchmarkChangesIncremental serves the page of the last 100 changes
// over 100,000 requests, as an incremental sync does.
func BenchmarkChangesIncremental(b *testing.B) {
	const n = 100_000
	ctx := context.Background()
	l := openBench(b)
	if err := l.Import(ctx, histories(n, "api_particulier", "api_entreprise", "franceconnect")); err != nil {
		b.Fatal(err)
	}
	last, _ := l.LastSeq(ctx)
	after := last - 600 // the last 100 requests, six events each
	v := instruct.Viewer{Definitions: []string{"api_particulier", "api_entreprise"}}
	for b.Loop() {
		items, more, err := l.Changes(ctx, v, after, 1000)
		if err != nil || more || len(items) < 60 {
			b.Fatalf("Changes() = %d items, more %v, %v", len(items), more, err)
		}
	}
}

// withHabilitations gives each of hs, validated, the habilitation its
// approval (its last event) issued.
func withHabilitations(hs []instruct.History) []instruct.History {
	for i := range hs {
		last := len(hs[i].Events) - 1
		hab := instruct.FreezeHabilitation(hs[i].Request, reviewer, "", hs[i].Events[last].At)
		hab.ID = instruct.HabilitationID(firstHabilitationNumber + i)
		hs[i].Events[last].HabilitationID = hab.ID
		hs[i].Habilitations = []instruct.Habilitation{hab}
	}
	return hs
}

// BenchmarkDecisionsWithWebhook sets the cost a webhook adds to a
// decision's commit beside the same run without one: 64 clients
// approving, each approval also writing a delivery when the definitions
// have a webhook subscribed to approve.
func BenchmarkDecisionsWithWebhook(b *testing.B) {
	for _, hooks := range []bool{false, true} {
		b.Run(fmt.Sprintf("sqlite/webhook=%v", hooks), func(b *testing.B) {
			benchDecisions(b, 64, withWebhooks(b, openBench(b), hooks))
		})
	}
	for _, hooks := range []bool{false, true} {
		b.Run(fmt.Sprintf("postgres/webhook=%v", hooks), func(b *testing.B) {
			benchDecisions(b, 64, withWebhooks(b, openPostgresBench(b), hooks))
		})
	}
}

// withWebhooks gives the definitions of the benchmarks' requests a
// webhook each, subscribed to approve, when hooks is set.
func withWebhooks(b *testing.B, l *Ledger, hooks bool) *Ledger {
	for _, def := range []string{"api_particulier", "api_entreprise", "franceconnect"} {
		if !hooks {
			break
		}
		if _, _, err := l.AddWebhook(context.Background(), def, "https://hooks.example.gouv.fr/"+def, []instruct.Kind{instruct.KindApprove}); err != nil {
			b.Fatal(err)
		}
	}
	return l
}
