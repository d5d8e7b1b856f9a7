package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// benchRequests is the size of the cache the benchmarks work on.
const benchRequests = 100_000

// benchPage is the size of a change-feed page.
const benchPage = 1000

// heapInUse returns the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// reportCPU reports the process CPU time per operation since start: on a
// shared machine it measures the work better than the wall clock.
func reportCPU(b *testing.B, start time.Duration) {
	if used := cpuTime() - start; used > 0 && b.N > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// benchData returns the default catalogue and the first n demo requests
// as change-feed items, with their events numbered in order.
func benchData(b *testing.B, n int) ([]instruct.Definition, []instruct.FeedItem) {
	b.Helper()
	defs, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	g := demo.New(1, defs, base)
	items := make([]instruct.FeedItem, n)
	seq := int64(0)
	for i := range items {
		h := g.History(i)
		for j := range h.Events {
			seq++
			h.Events[j].Seq = seq
		}
		items[i] = instruct.FeedItem{Seq: seq, Request: h.Request, Events: h.Events}
	}
	return defs, items
}

// BenchmarkFirstSync stores 100,000 requests (with their events) in pages
// of 1,000, through ApplyPage and through a bare SQLite insert of the same
// rows (JSON-encoded, same pragmas and synchronous=NORMAL as ApplyPage, one
// transaction per page, no index), in the same run, and reports both
// rates and their ratio, by the wall clock and by CPU time (steadier when
// the machine is shared).
func BenchmarkFirstSync(b *testing.B) {
	defs, items := benchData(b, benchRequests)
	var apply, bare, applyCPU, bareCPU time.Duration
	for b.Loop() {
		c0 := cpuTime()
		bare += bareInsert(b, items)
		c1 := cpuTime()
		apply += applyAll(b, defs, items)
		c2 := cpuTime()
		bareCPU += c1 - c0
		applyCPU += c2 - c1
	}
	rows := float64(b.N * len(items))
	b.ReportMetric(rows/apply.Seconds(), "apply-req/s")
	b.ReportMetric(rows/bare.Seconds(), "bare-req/s")
	b.ReportMetric(bare.Seconds()/apply.Seconds(), "apply/bare")
	if applyCPU > 0 {
		b.ReportMetric(bareCPU.Seconds()/applyCPU.Seconds(), "apply/bare-cpu")
		b.ReportMetric(applyCPU.Seconds()/float64(b.N), "apply-cpu-s")
	}
}

// applyAll applies the items to a fresh cache, in pages, with the queue
// loaded in memory (as when the TUI is open) and a context that can be
// cancelled (as the sync engine's), and returns the time the pages took.
func applyAll(b *testing.B, defs []instruct.Definition, items []instruct.FeedItem) time.Duration {
	// The sync engine's context can be cancelled, as here: the driver
	// watches such a context while a statement runs.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := Open(ctx, filepath.Join(b.TempDir(), "cache.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	if err := s.PutDefinitions(ctx, defs); err != nil {
		b.Fatal(err)
	}
	// The TUI is open during a first sync: its queue follows each page.
	if err := s.Warm(ctx); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for i := 0; i < len(items); i += benchPage {
		page := items[i:min(i+benchPage, len(items))]
		if err := s.ApplyPage(ctx, page, fmt.Sprint(page[len(page)-1].Seq)); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// bareInsert inserts the same requests and events, JSON-encoded, into two
// plain tables, and returns the time it took.
func bareInsert(b *testing.B, items []instruct.FeedItem) time.Duration {
	ctx := context.Background()
	db, err := openDB(filepath.Join(b.TempDir(), "bare.db"), writeParams(), 1)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, `PRAGMA synchronous = NORMAL;
		CREATE TABLE requests (id INTEGER PRIMARY KEY, body BLOB);
		CREATE TABLE events (seq INTEGER PRIMARY KEY, request INTEGER, body BLOB)`)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	for i := 0; i < len(items); i += benchPage {
		if err := barePage(ctx, db, items[i:min(i+benchPage, len(items))]); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

func barePage(ctx context.Context, db *sql.DB, items []instruct.FeedItem) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	putReq, err := tx.PrepareContext(ctx, "INSERT INTO requests (id, body) VALUES (?, ?)")
	if err != nil {
		return err
	}
	putEvent, err := tx.PrepareContext(ctx, "INSERT INTO events (seq, request, body) VALUES (?, ?, ?)")
	if err != nil {
		return err
	}
	for _, item := range items {
		body, _ := json.Marshal(item.Request)
		if _, err := putReq.ExecContext(ctx, item.Request.ID, body); err != nil {
			return err
		}
		for _, e := range item.Events {
			body, _ := json.Marshal(e)
			if _, err := putEvent.ExecContext(ctx, e.Seq, item.Request.ID, body); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// fullCache returns a cache holding 100,000 demo requests, its queue
// loaded in memory, and its file's path.
func fullCache(b *testing.B) (*Store, string) {
	b.Helper()
	defs, items := benchData(b, benchRequests)
	path := filepath.Join(b.TempDir(), "cache.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	ctx := context.Background()
	if err := s.PutDefinitions(ctx, defs); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(items); i += benchPage {
		if err := s.ApplyPage(ctx, items[i:min(i+benchPage, len(items))], "c"); err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Warm(ctx); err != nil {
		b.Fatal(err)
	}
	return s, path
}

// benchTexts are searches of several shapes: IDs, SIRET and e-mail
// prefixes, words, one letter.
var benchTexts = []string{"D4242", "4242", "2169", "cantine brest", "quotient familial", "ines.lucas@", "crèche", "ville", "c", "ca", "Évry"}

// retyped returns text as typed anew at iteration i: every other time
// with a trailing space, so that no iteration finds the search it asks
// for remembered from the one before.
func retyped(text string, i int) string {
	if i%2 == 1 {
		return text + " "
	}
	return text
}

// BenchmarkSearch runs queries of several shapes over 100,000 cached
// requests, as the queue asks them: a window of the first 100 matches,
// and every match.
func BenchmarkSearch(b *testing.B) {
	s, _ := fullCache(b)
	ctx := context.Background()
	for _, text := range benchTexts {
		for _, limit := range []int{100, 0} {
			b.Run(fmt.Sprintf("%s/limit=%d", text, limit), func(b *testing.B) {
				var found int
				defer reportCPU(b, cpuTime())
				for i := 0; b.Loop(); i++ {
					items, err := s.Queue(ctx, instruct.QueueQuery{Text: retyped(text, i), Limit: limit})
					if err != nil {
						b.Fatal(err)
					}
					found = len(items)
				}
				b.ReportMetric(float64(found), "rows")
			})
		}
	}
}

// BenchmarkKeystroke does what the queue does at each key typed in the
// search box, over 100,000 cached requests: the first window (300 rows)
// of the current tab and the counts of every tab, for the text typed.
func BenchmarkKeystroke(b *testing.B) {
	s, _ := fullCache(b)
	ctx := context.Background()
	tab := []instruct.Status{instruct.StatusSubmitted}
	for _, text := range benchTexts {
		b.Run(text, func(b *testing.B) {
			defer reportCPU(b, cpuTime())
			for i := 0; b.Loop(); i++ {
				q := instruct.QueueQuery{Statuses: tab, Text: retyped(text, i), Limit: 300}
				if _, err := s.Queue(ctx, q); err != nil {
					b.Fatal(err)
				}
				if _, err := s.Counts(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkKeystrokeFor is BenchmarkKeystroke in one SSH session's view
// of a cache shared by every session: the same queries among the requests
// of the two APIs the reviewer holds roles on (QueueFor, CountsFor).
func BenchmarkKeystrokeFor(b *testing.B) {
	s, _ := fullCache(b)
	ctx := context.Background()
	v := instruct.Viewer{UserID: "agent", Definitions: []string{"api_particulier", "api_entreprise"}}
	tab := []instruct.Status{instruct.StatusSubmitted}
	for _, text := range benchTexts {
		b.Run(text, func(b *testing.B) {
			defer reportCPU(b, cpuTime())
			for i := 0; b.Loop(); i++ {
				q := instruct.QueueQuery{Statuses: tab, Text: retyped(text, i), Limit: 300}
				if _, err := s.QueueFor(ctx, v, q); err != nil {
					b.Fatal(err)
				}
				if _, err := s.CountsFor(ctx, v, q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkQueue reads windows of 100 rows and whole lists of the 100,000
// light rows, counts the status tabs, and opens the cache cold (Open, then
// the first window and counts as the TUI starts, or a whole list).
func BenchmarkQueue(b *testing.B) {
	s, path := fullCache(b)
	ctx := context.Background()
	submitted := []instruct.Status{instruct.StatusSubmitted}
	cases := []struct {
		name string
		q    instruct.QueueQuery
	}{
		{"window/submitted/age", instruct.QueueQuery{Statuses: submitted, Sort: instruct.SortAge, Limit: 100}},
		{"window/submitted/age/offset=20000", instruct.QueueQuery{Statuses: submitted, Sort: instruct.SortAge, Offset: 20000, Limit: 100}},
		{"window/submitted/updated", instruct.QueueQuery{Statuses: submitted, Sort: instruct.SortUpdated, Limit: 100}},
		{"window/submitted/organization", instruct.QueueQuery{Statuses: submitted, Sort: instruct.SortOrganization, Limit: 100}},
		{"window/all/age", instruct.QueueQuery{Sort: instruct.SortAge, Limit: 100}},
		{"window/all/organization/offset=50000", instruct.QueueQuery{Sort: instruct.SortOrganization, Offset: 50000, Limit: 100}},
		{"window/submitted+changes/definition", instruct.QueueQuery{Statuses: []instruct.Status{instruct.StatusSubmitted, instruct.StatusChangesRequested}, Definition: "api_entreprise", Limit: 100}},
		{"full/all/age", instruct.QueueQuery{Sort: instruct.SortAge}},
		{"full/all/updated", instruct.QueueQuery{Sort: instruct.SortUpdated}},
		{"full/all/organization", instruct.QueueQuery{Sort: instruct.SortOrganization}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			if _, err := s.Queue(ctx, c.q); err != nil { // sorts the order once
				b.Fatal(err)
			}
			var found int
			defer reportCPU(b, cpuTime())
			for b.Loop() {
				items, err := s.Queue(ctx, c.q)
				if err != nil {
					b.Fatal(err)
				}
				found = len(items)
			}
			b.ReportMetric(float64(found), "rows")
		})
	}
	b.Run("counts", func(b *testing.B) {
		defer reportCPU(b, cpuTime())
		for b.Loop() {
			if _, err := s.Counts(ctx, instruct.QueueQuery{}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("counts/definition+text", func(b *testing.B) {
		defer reportCPU(b, cpuTime())
		for i := 0; b.Loop(); i++ {
			q := instruct.QueueQuery{Definition: "api_particulier", Text: retyped("cantine", i)}
			if _, err := s.Counts(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("cold/open+window", func(b *testing.B) {
		defer reportCPU(b, cpuTime())
		for b.Loop() {
			cold, err := Open(ctx, path)
			if err != nil {
				b.Fatal(err)
			}
			q := instruct.QueueQuery{Statuses: submitted, Limit: 100}
			if _, err := cold.Queue(ctx, q); err != nil {
				b.Fatal(err)
			}
			if _, err := cold.Counts(ctx, q); err != nil {
				b.Fatal(err)
			}
			cold.Close()
		}
	})
	b.Run("cold/open+full", func(b *testing.B) {
		defer reportCPU(b, cpuTime())
		var heap uint64
		for b.Loop() {
			before := heapInUse()
			cold, err := Open(ctx, path)
			if err != nil {
				b.Fatal(err)
			}
			items, err := cold.Queue(ctx, instruct.QueueQuery{})
			if err != nil {
				b.Fatal(err)
			}
			heap = heapInUse() - before
			runtime.KeepAlive(items)
			cold.Close()
		}
		b.ReportMetric(float64(heap)/(1<<20), "heap-MB")
	})
}

// BenchmarkIncrementalSync applies a page of 100 changed requests to the
// 100,000 cached ones, the queue loaded in memory, and reads a window of
// it afterwards as the TUI would.
func BenchmarkIncrementalSync(b *testing.B) {
	s, _ := fullCache(b)
	_, items := benchData(b, 100)
	ctx := context.Background()
	seq := int64(10_000_000)
	defer reportCPU(b, cpuTime())
	for b.Loop() {
		page := make([]instruct.FeedItem, len(items))
		for i, item := range items {
			seq++
			item.Request.Version += seq
			item.Request.UpdatedAt = base.Add(time.Duration(seq))
			event := instruct.Event{Seq: seq, RequestID: item.Request.ID, Kind: instruct.KindNote, Comment: "Relance.", At: base}
			page[i] = instruct.FeedItem{Seq: seq, Request: item.Request, Events: []instruct.Event{event}}
		}
		if err := s.ApplyPage(ctx, page, fmt.Sprint(seq)); err != nil {
			b.Fatal(err)
		}
		if _, err := s.Queue(ctx, instruct.QueueQuery{Sort: instruct.SortUpdated, Limit: 100}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecord records 1,000 decisions, each durable (synchronous=FULL)
// before Record returns, and reports the time per decision.
func BenchmarkRecord(b *testing.B) {
	ctx := context.Background()
	reqs := make([]instruct.Request, 1000)
	for i := range reqs {
		reqs[i] = request(instruct.RequestID(i+1), "Ville de Lyon", i%60)
	}
	for b.Loop() {
		b.StopTimer()
		s := openTemp(b)
		mustApply(b, s, reqs...)
		b.StartTimer()
		for _, r := range reqs {
			if _, err := s.Record(ctx, r.ID, instruct.KindApprove, "Conforme au cadre juridique."); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(reqs)), "µs/decision")
}

// BenchmarkPushAnswers does to the cache what a push of 1,000 decisions
// does: each operation marked sending, then accepted with the request's
// new state and event, each durable (synchronous=FULL). Accepted
// operations stay in the outbox, so every iteration finds it larger: the
// cost per decision must not grow with it.
func BenchmarkPushAnswers(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b)
	var round int64
	var cpu time.Duration
	for b.Loop() {
		b.StopTimer()
		ops, reqs := recordRound(b, s, round)
		round++
		b.StartTimer()
		start := cpuTime()
		for i, op := range ops {
			if err := s.SetOpState(ctx, op.ID, instruct.OpSending, "", nil); err != nil {
				b.Fatal(err)
			}
			r := reqs[i]
			r.Version++
			r.Status = instruct.StatusValidated
			e := instruct.Event{Seq: 1_000_000 + round*1000 + int64(i), RequestID: r.ID, Kind: instruct.KindApprove, At: base}
			if err := s.Accept(ctx, op.ID, r, e); err != nil {
				b.Fatal(err)
			}
		}
		cpu += cpuTime() - start
	}
	decisions := float64(b.N * 1000)
	b.ReportMetric(float64(b.Elapsed().Microseconds())/decisions, "µs/decision")
	b.ReportMetric(float64(cpu.Microseconds())/decisions, "cpu-µs/decision")
}

// recordRound caches 1,000 new requests and records an approval on each.
func recordRound(b *testing.B, s *Store, round int64) ([]instruct.Operation, []instruct.Request) {
	reqs := make([]instruct.Request, 1000)
	for i := range reqs {
		reqs[i] = request(instruct.RequestID(round*1000+int64(i)+1), "Ville de Lyon", i%60)
	}
	mustApply(b, s, reqs...)
	ops := make([]instruct.Operation, len(reqs))
	for i, r := range reqs {
		ops[i] = mustRecord(b, s, r.ID, instruct.KindApprove, "Conforme.")
	}
	return ops, reqs
}

// BenchmarkCommit measures what durability costs: the same small write
// transaction committed with synchronous=FULL, as whatever touches the
// outbox is, and with NORMAL, as feed pages are, in one run.
func BenchmarkCommit(b *testing.B) {
	ctx := context.Background()
	s := openTemp(b)
	for _, d := range []durability{durable, refetchable} {
		b.Run(string(d), func(b *testing.B) {
			defer reportCPU(b, cpuTime())
			for i := 0; b.Loop(); i++ {
				err := s.inTx(ctx, d, func(tx *writeTx) error {
					return writeMeta(ctx, tx, "benchmark", []byte(fmt.Sprint(i)))
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
