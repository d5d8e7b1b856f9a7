package demo

import "testing"

// BenchmarkHistories100k streams the 100,000 requests of the benchmark
// data set, as an importer would.
func BenchmarkHistories100k(b *testing.B) {
	g := newTestGenerator(b, 1)
	events := 0
	for b.Loop() {
		events = 0
		for i := range 100_000 {
			events += len(g.History(i).Events)
		}
	}
	b.ReportMetric(float64(events), "events")
	b.ReportMetric(100_000/(b.Elapsed().Seconds()/float64(b.N)), "histories/s")
}
