package ledger

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// demoHistories returns the first n histories of the demo generator on
// the default catalogue.
func demoHistories(tb testing.TB, n int) []instruct.History {
	tb.Helper()
	defs, err := catalog.Default()
	if err != nil {
		tb.Fatalf("catalog.Default() = %v", err)
	}
	return demo.New(42, defs, t0.Add(400*24*time.Hour)).Histories(n)
}

// TestImportDemoData imports the demo data as `instruct serve --demo`
// does: every history must be stored as generated, chain and verify, and
// a decision on an imported request that is stale must name exactly what
// came after its version.
func TestImportDemoData(t *testing.T) {
	ctx := context.Background()
	l := openSQLiteTest(t)
	hs := demoHistories(t, 300)
	if err := l.Import(ctx, hs); err != nil {
		t.Fatalf("Import(demo) = %v", err)
	}
	events := 0
	for _, h := range hs {
		n := h.Request.ID
		got, createdBy, err := l.Request(ctx, n)
		if err != nil || got.Version != h.Request.Version || got.Status != h.Request.Status || createdBy != h.CreatedBy {
			t.Fatalf("Request(%s) = v%d %s by %q, %v; want v%d %s by %q", h.Request.ID, got.Version, got.Status, createdBy, err,
				h.Request.Version, h.Request.Status, h.CreatedBy)
		}
		stored, _ := l.Events(ctx, n)
		if !cmpKinds(kinds(stored), kinds(h.Events)) {
			t.Fatalf("Events(%s) kinds = %v, want %v", h.Request.ID, kinds(stored), kinds(h.Events))
		}
		events += len(h.Events)
	}
	if v, err := l.Verify(ctx); err != nil || !v.OK() || v.Checked != int64(events) {
		t.Errorf("Verify() after the demo import = %+v, %v, want %d intact events", v, err, events)
	}
	h := longestHistory(hs)
	m := instruct.Mutation{RequestID: h.Request.ID, IfMatch: 1, Change: change(instruct.KindNote, reviewer, "x")}
	_, err := l.Apply(ctx, m)
	var stale *instruct.StaleError
	if h.Request.Version > 1 && (!errors.As(err, &stale) || len(stale.EventsSince) != len(h.Events)-1) {
		t.Errorf("Apply(If-Match 1) on %s = %v, want stale with the %d events after its creation", h.Request.ID, err, len(h.Events)-1)
	}
}

func cmpKinds(a, b []instruct.Kind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func longestHistory(hs []instruct.History) instruct.History {
	best := hs[0]
	for _, h := range hs {
		if len(h.Events) > len(best.Events) {
			best = h
		}
	}
	return best
}

// BenchmarkImportDemo imports 100,000 demo histories into a new ledger
// per iteration, as `instruct serve --demo` does at scale.
func BenchmarkImportDemo(b *testing.B) {
	const n = 100_000
	hs := demoHistories(b, n)
	events := 0
	for _, h := range hs {
		events += len(h.Events)
	}
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
	b.ReportMetric(float64(events)/float64(n), "events/history")
}
