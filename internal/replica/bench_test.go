package replica

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// benchRequests is the size of the benchmark data set.
const benchRequests = 100_000

// benchWorld serves the n first demo requests; it returns the world and
// the histories imported.
func benchWorld(b *testing.B, n int) (*world, []instruct.History) {
	b.Helper()
	defs, err := catalog.Default()
	if err != nil {
		b.Fatal(err)
	}
	w := newWorldWith(b, defs)
	hs := demo.New(1, defs, time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)).Histories(n)
	if err := w.Ledger().Import(context.Background(), hs); err != nil {
		b.Fatalf("Import(%d) = %v", n, err)
	}
	return w, hs
}

// benchClient is a client without retries' waits to hide.
func benchClient() client.Options { return client.Options{Timeout: time.Minute} }

// BenchmarkFirstSync100k pulls the 100,000 demo requests into a new cache
// over loopback, and measures, in the same run, a bare SQLite insert of
// the same requests and events for comparison.
func BenchmarkFirstSync100k(b *testing.B) {
	w, hs := benchWorld(b, benchRequests)
	_, token := w.user("lecteur@dinum.gouv.fr", instruct.Grant{Definition: instruct.AllDefinitions, Role: instruct.RoleReporter})
	bare := bareInsert(b, hs)
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		r := newReplica(b, w.URL(), token, benchClient(), Options{})
		b.StartTimer()
		r.sync(b)
		b.StopTimer()
		if i == 0 {
			checkCached(b, r, benchRequests)
		}
		r.cache.Close()
		b.StartTimer()
	}
	perSync := b.Elapsed().Seconds() / float64(b.N)
	rate := float64(benchRequests) / perSync
	b.ReportMetric(rate, "requests/s")
	b.ReportMetric(float64(benchRequests)/bare.Seconds(), "bare-insert-requests/s")
	b.ReportMetric(100*rate*bare.Seconds()/float64(benchRequests), "%-of-bare-insert")
}

func checkCached(b *testing.B, r *replica, want int) {
	b.Helper()
	if got := len(r.cachedIDs(b)); got != want {
		b.Fatalf("cached %d requests, want %d", got, want)
	}
}

// bareInsert inserts the requests and events of hs, as JSON, into two
// plain SQLite tables in one transaction, with the cache's durability
// settings, and returns how long the inserts took.
func bareInsert(b *testing.B, hs []instruct.History) time.Duration {
	b.Helper()
	requests, events := bareRows(b, hs)
	path := filepath.Join(b.TempDir(), "bare.db")
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, stmt := range []string{
		"CREATE TABLE requests (id INTEGER PRIMARY KEY, body BLOB NOT NULL)",
		"CREATE TABLE events (seq INTEGER PRIMARY KEY, request INTEGER NOT NULL, body BLOB NOT NULL)",
	} {
		if _, err := db.Exec(stmt); err != nil {
			b.Fatal(err)
		}
	}
	start := time.Now()
	if err := insertRows(db, requests, events); err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

type bareRow struct {
	id, request int64
	body        []byte
}

func bareRows(b *testing.B, hs []instruct.History) (requests, events []bareRow) {
	b.Helper()
	var seq int64
	for i, h := range hs {
		body, err := json.Marshal(h.Request)
		if err != nil {
			b.Fatal(err)
		}
		requests = append(requests, bareRow{id: int64(i + 1), body: body})
		for _, e := range h.Events {
			seq++
			body, err := json.Marshal(e)
			if err != nil {
				b.Fatal(err)
			}
			events = append(events, bareRow{id: seq, request: int64(i + 1), body: body})
		}
	}
	return requests, events
}

func insertRows(db *sql.DB, requests, events []bareRow) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	insReq, err := tx.Prepare("INSERT INTO requests (id, body) VALUES (?, ?)")
	if err != nil {
		return err
	}
	insEvent, err := tx.Prepare("INSERT INTO events (seq, request, body) VALUES (?, ?, ?)")
	if err != nil {
		return err
	}
	for _, r := range requests {
		if _, err := insReq.Exec(r.id, r.body); err != nil {
			return err
		}
	}
	for _, e := range events {
		if _, err := insEvent.Exec(e.id, e.request, e.body); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// syncedReplica returns a reviewer's replica whose cache holds the whole
// benchmark data set.
func syncedReplica(b *testing.B, w *world) *replica {
	b.Helper()
	_, token := w.reviewer("instructeur@dinum.gouv.fr")
	r := newReplica(b, w.URL(), token, benchClient(), Options{})
	r.sync(b)
	return r
}

// BenchmarkIncrementalSync100 pulls 100 changes (notes another reviewer
// wrote) into a cache holding the 100,000 demo requests.
func BenchmarkIncrementalSync100(b *testing.B) {
	w, hs := benchWorld(b, benchRequests)
	r := syncedReplica(b, w)
	_, otherToken := w.reviewer("collegue@dinum.gouv.fr")
	other := client.New(w.URL(), otherToken, benchClient())
	ctx := context.Background()
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		for j := range 100 {
			id := hs[(i*100+j)*7%len(hs)].Request.ID
			in := api.NoteInput{Kind: instruct.KindNote, Comment: fmt.Sprintf("Relecture %d-%d.", i, j)}
			if _, err := other.Note(ctx, fmt.Sprintf("bench-note-%d-%d", i, j), id, in); err != nil {
				b.Fatalf("Note(%s) = %v", id, err)
			}
		}
		b.StartTimer()
		r.sync(b)
	}
}

// BenchmarkPush1000 pushes 1,000 decisions queued in a cache holding the
// 100,000 demo requests.
func BenchmarkPush1000(b *testing.B) {
	w, _ := benchWorld(b, benchRequests)
	r := syncedReplica(b, w)
	ctx := context.Background()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		queueDecisions(b, r, 1000)
		b.StartTimer()
		if err := r.engine.push(ctx); err != nil {
			b.Fatalf("push() = %v", err)
		}
		b.StopTimer()
		if st, err := r.cache.Summary(ctx); err != nil || st.Pending+st.Conflicts+st.Rejected != 0 {
			b.Fatalf("after the push, Summary() = %+v, %v; want every decision accepted", st, err)
		}
		b.StartTimer()
	}
}

// queueDecisions records n approvals on submitted requests of the cache.
func queueDecisions(b *testing.B, r *replica, n int) {
	b.Helper()
	items, err := r.cache.Queue(context.Background(), instruct.QueueQuery{
		Statuses: []instruct.Status{instruct.StatusSubmitted}, Limit: n})
	if err != nil {
		b.Fatal(err)
	}
	if len(items) < n {
		b.Fatalf("only %d submitted requests left to decide, want %d", len(items), n)
	}
	for _, it := range items {
		r.record(b, it.ID, instruct.KindApprove, "Conforme.")
	}
}
