package server

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// Settings of BenchmarkDecisionSoak.
const (
	soakClients = 64
	soakRate    = 1000 // decisions a second, in all
	soakReaders = 4    // reviewers pulling the feed every second
	soakEvery   = 10 * time.Second
)

// BenchmarkDecisionSoak offers a steady 1,000 decisions a second over 64
// HTTP clients to a server on a real SQLite file (synchronous=FULL),
// while four reviewers pull the change feed every second, for b.N
// decisions: -benchtime 600000x runs ten minutes (scripts/wal-soak.sh).
// Every ten seconds it prints a row: the decisions answered in that
// interval per second, their 99th percentile latency from the moment each
// was due, and the size of the write-ahead log and of the database. The
// log must stay bounded and the rate flat: it reports the largest log
// (wal_max_MB) besides the overall rate and latency.
func BenchmarkDecisionSoak(b *testing.B) {
	e := newEnv(b)
	reviewer := e.addUser("Ines Instructrice", "api_particulier:instructor")
	reporter := e.addUser("Rémi Support", "*:reporter")
	importNumbered(b, e, b.N)
	b.ResetTimer()
	s := &soak{e: e, wal: e.path + "-wal", start: time.Now()}
	s.last = s.start
	stop := make(chan struct{})
	var background sync.WaitGroup
	for range soakReaders {
		background.Go(func() { s.pullEverySecond(b, reporter, stop) })
	}
	background.Go(func() { s.sampleEvery(soakEvery, stop) })
	s.decide(reviewer, b.N)
	elapsed := time.Since(s.start)
	b.StopTimer()
	close(stop)
	background.Wait()
	if time.Since(s.last) >= time.Second {
		s.row() // the last, partial interval
	}
	if n := s.failures.Load(); n > 0 {
		b.Fatalf("%d decisions failed", n)
	}
	b.ReportMetric(s.walMax, "wal_max_MB")
	reportLatencies(b, s.all, elapsed)
}

// importNumbered imports n submitted requests, a batch at a time to keep
// memory flat; they are numbered from D1000 on.
func importNumbered(b testing.TB, e *testEnv, n int) {
	const batch = 20000
	applicant := e.addUser("Camille Martin")
	for done := 0; done < n; done += batch {
		if err := e.ledger.Import(context.Background(), submittedHistories(min(batch, n-done), applicant.user)); err != nil {
			b.Fatalf("Import = %v", err)
		}
	}
}

// soak is the state of one soak run.
type soak struct {
	e        *testEnv
	wal      string
	start    time.Time
	failures atomic.Int64

	mu       sync.Mutex
	interval []time.Duration // the latencies of the current interval
	all      []time.Duration
	rows     int
	walMax   float64
	last     time.Time
}

// decide approves the requests D1000 to D1000+n-1 at soakRate over
// soakClients clients.
func (s *soak) decide(c *caller, n int) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range soakClients {
		wg.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				due := s.start.Add(time.Duration(float64(i) / soakRate * float64(time.Second)))
				time.Sleep(time.Until(due))
				if !postApproval(s.e, c, instruct.RequestID(1000+i).String()) {
					s.failures.Add(1)
				}
				s.answered(time.Since(due))
			}
		})
	}
	wg.Wait()
}

func (s *soak) answered(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.interval = append(s.interval, d)
	s.all = append(s.all, d)
}

// sampleEvery prints a row every period until stop.
func (s *soak) sampleEvery(period time.Duration, stop <-chan struct{}) {
	tick := time.NewTicker(period)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			s.row()
		}
	}
}

// row prints the figures of the interval since the last row.
func (s *soak) row() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	lat := slices.Sorted(slices.Values(s.interval))
	p99 := 0.0
	if len(lat) > 0 {
		p99 = float64(lat[min(len(lat)-1, len(lat)*99/100)].Microseconds()) / 1000
	}
	wal, db := fileMB(s.wal), fileMB(s.e.path)
	s.walMax = max(s.walMax, wal)
	if s.rows == 0 {
		fmt.Printf("\n%8s %12s %9s %9s %9s\n", "time", "decisions/s", "p99_ms", "wal_MB", "db_MB")
	}
	s.rows++
	fmt.Printf("%8s %12.0f %9.1f %9.1f %9.1f\n", now.Sub(s.start).Round(time.Second),
		float64(len(lat))/now.Sub(s.last).Seconds(), p99, wal, db)
	s.interval, s.last = s.interval[:0], now
}

// fileMB returns the size of the file at path in MB, 0 when absent.
func fileMB(path string) float64 {
	info, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return float64(info.Size()) / (1 << 20)
}

// pullEverySecond pulls the changes after the last seq every second, as
// a syncing reviewer does, until stop.
func (s *soak) pullEverySecond(b testing.TB, c *caller, stop <-chan struct{}) {
	last, err := s.e.ledger.LastSeq(context.Background())
	if err != nil {
		b.Error(err)
		return
	}
	after := cursor{seq: last, base: last, roles: rolesFingerprint(c.user)}.String()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		for more := true; more; {
			req := s.e.newRequest("GET", "/changes?limit=1000&after="+after, nil)
			req.Header.Set("Authorization", "Bearer "+c.token)
			res, err := s.e.http.Client().Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			var page api.ChangesPage
			err = decodeBody(res, &page)
			res.Body.Close()
			if err != nil || res.StatusCode != http.StatusOK {
				b.Errorf("GET /changes = %d, %v", res.StatusCode, err)
				return
			}
			after, more = page.Cursor, page.More
		}
	}
}
