package ledger

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

func testChangesPaging(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	var rs []instruct.Request
	for range 5 {
		rs = append(rs, f.create("api_particulier", "Demande")) // seqs 1 to 5
	}
	f.do(rs[1], instruct.KindSubmit, "") // D1001 at seq 6
	f.do(rs[3], instruct.KindSubmit, "") // D1003 at seq 7
	all := instruct.Viewer{All: true}
	tests := []struct {
		name        string
		base, after int64
		limit       int
		wantIDs     []string
		wantSeqs    []int64
		wantEvents  [][]int64
		wantMore    bool
	}{
		{"first page", 0, 0, 2, []string{"D1000", "D1002"}, []int64{1, 3}, [][]int64{{1}, {3}}, true},
		{"second page, events after the cursor", 3, 3, 2, []string{"D1004", "D1001"}, []int64{5, 6}, [][]int64{{5}, {6}}, true},
		{"second page of a pull from 0", 0, 3, 2, []string{"D1004", "D1001"}, []int64{5, 6}, [][]int64{{5}, {2, 6}}, true},
		{"last page", 6, 6, 2, []string{"D1003"}, []int64{7}, [][]int64{{7}}, false},
		{"nothing new", 7, 7, 2, []string{}, []int64{}, [][]int64{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items, more, err := f.l.ChangesFrom(f.ctx, all, tc.base, tc.after, tc.limit)
			if err != nil {
				t.Fatal(err)
			}
			ids, itemSeqs, events := []string{}, []int64{}, [][]int64{}
			for _, it := range items {
				ids, itemSeqs, events = append(ids, it.Request.ID.String()), append(itemSeqs, it.Seq), append(events, seqs(it.Events))
			}
			got := []any{ids, itemSeqs, events, more}
			want := []any{tc.wantIDs, tc.wantSeqs, tc.wantEvents, tc.wantMore}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ChangesFrom(%d, %d, %d) [IDs, seqs, event seqs, more] (-want +got):\n%s", tc.base, tc.after, tc.limit, diff)
			}
		})
	}
	items, more, err := f.l.Changes(f.ctx, all, 3, 2)
	if err != nil || more != true || len(items) != 2 || !cmp.Equal(seqs(items[1].Events), []int64{6}) {
		t.Errorf("Changes(after 3, limit 2) = %+v, %v, %v, want D1004 and D1001 with its events after 3", items, more, err)
	}
}

// pull pages through the feed from base as a client does, with
// ChangesFrom, and folds every page into view; it returns the cursor of
// the last page.
func pull(t *testing.T, l *Ledger, v instruct.Viewer, base int64, limit int, view *feedView) int64 {
	t.Helper()
	cursor := base
	for {
		items, more, err := l.ChangesFrom(context.Background(), v, base, cursor, limit)
		if err != nil {
			t.Fatalf("ChangesFrom(%d, %d) = %v", base, cursor, err)
		}
		for _, it := range items {
			if it.Seq <= cursor {
				t.Fatalf("ChangesFrom(%d, %d) returned seq %d, not after the cursor", base, cursor, it.Seq)
			}
			view.fold(it)
			cursor = it.Seq
		}
		if !more {
			return cursor
		}
	}
}

// feedView is what a client built from the feed: requests and events.
type feedView struct {
	requests map[string]instruct.Request
	events   map[int64]instruct.Event
}

func newFeedView() *feedView {
	return &feedView{requests: map[string]instruct.Request{}, events: map[int64]instruct.Event{}}
}

func (v *feedView) fold(it instruct.FeedItem) {
	v.requests[it.Request.ID.String()] = it.Request
	for _, e := range it.Events {
		v.events[e.Seq] = e
	}
}

func testChangesFromInterleaved(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	var rs []instruct.Request
	for range 7 {
		rs = append(rs, f.create("api_particulier", "Demande"))
	}
	for i := len(rs) - 1; i >= 0; i-- { // each request changes again, latest first
		rs[i] = f.do(rs[i], instruct.KindSubmit, "").Request
	}
	for i := 0; i < len(rs); i += 2 {
		f.do(rs[i], instruct.KindNote, "Relu.")
	}
	view := newFeedView()
	cursor := pull(t, f.l, instruct.Viewer{All: true}, 0, 3, view)
	if last, _ := f.l.LastSeq(f.ctx); cursor != last {
		t.Errorf("pull ended at cursor %d, want the last seq %d", cursor, last)
	}
	for _, r := range rs {
		events, _ := f.l.Events(f.ctx, r.ID)
		for _, e := range events {
			if got, ok := view.events[e.Seq]; !ok || !cmp.Equal(got, e) {
				t.Errorf("the pull missed event %d (%s of %s)", e.Seq, e.Kind, r.ID)
			}
		}
	}
}

func testChangesNotes(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	f.do(r, instruct.KindNote, "Interne : demander l'avis du DPD.")
	f.do(r, instruct.KindMessage, "Votre demande est en cours d'examen.")
	tests := []struct {
		name string
		v    instruct.Viewer
		want []instruct.Kind
	}{
		{"reviewer", instruct.Viewer{UserID: "u-rev", Definitions: []string{"api_particulier"}},
			[]instruct.Kind{instruct.KindCreate, instruct.KindNote, instruct.KindMessage}},
		{"applicant", instruct.Viewer{UserID: applicant.ID, ApplicantOnly: true},
			[]instruct.Kind{instruct.KindCreate, instruct.KindMessage}},
	}
	for _, tc := range tests {
		items, _, err := f.l.Changes(f.ctx, tc.v, 0, 10)
		if err != nil || len(items) != 1 {
			t.Fatalf("Changes(%s) = %+v, %v, want one item", tc.name, items, err)
		}
		if got := kinds(items[0].Events); !cmp.Equal(got, tc.want) {
			t.Errorf("Changes(%s) event kinds = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// testChangesConcurrent has writers record what they wrote while a reader
// pages through the feed all the while; the reader's final view must
// hold every request in its last state and every event.
func testChangesConcurrent(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	const writers, perWriter = 4, 12
	type record struct {
		requests map[string]instruct.Request
		events   []instruct.Event
	}
	records := make([]record, writers)
	var wg sync.WaitGroup
	done := make(chan struct{})
	for w := range writers {
		records[w] = record{requests: map[string]instruct.Request{}}
		wg.Go(func() {
			rec := &records[w]
			author := instruct.Actor{ID: fmt.Sprintf("u-applicant-%d", w), Name: applicant.Name}
			for i := range perWriter { // 7 minutes apart: within the applicant's quota of creations
				r, err := f.l.Create(f.ctx, author, draft("api_particulier", "Demande"), t0.Add(time.Duration(i)*7*time.Minute))
				if err != nil {
					t.Error(err)
					return
				}
				rec.requests[r.ID.String()] = r
				for _, k := range []instruct.Kind{instruct.KindSubmit, instruct.KindNote, instruct.KindRequestChanges, instruct.KindSubmit, instruct.KindApprove} {
					m := instruct.Mutation{RequestID: r.ID, IfMatch: r.Version, Now: t0, Change: change(k, reviewer, "Commentaire.")}
					out, err := f.l.Apply(f.ctx, m)
					if err != nil {
						t.Error(err)
						return
					}
					r = out.Request
					rec.requests[r.ID.String()], rec.events = r, append(rec.events, out.Event)
				}
			}
		})
	}
	go func() { wg.Wait(); close(done) }()
	view := newFeedView()
	var cursor int64
	for running := true; running; {
		select {
		case <-done:
			running = false
		default:
		}
		cursor = pull(t, f.l, instruct.Viewer{All: true}, cursor, 7, view)
	}
	cursor = pull(t, f.l, instruct.Viewer{All: true}, cursor, 7, view)
	creates := 0
	for _, e := range view.events {
		if e.Kind == instruct.KindCreate {
			creates++
		}
	}
	if want := writers * perWriter; len(view.requests) != want || creates != want {
		t.Errorf("reader saw %d requests and %d create events, want %d", len(view.requests), creates, want)
	}
	for _, rec := range records {
		for id, r := range rec.requests {
			if diff := cmp.Diff(r, view.requests[id]); diff != "" {
				t.Errorf("reader's %s differs from the last state written (-written +read):\n%s", id, diff)
			}
		}
		for _, e := range rec.events {
			if got, ok := view.events[e.Seq]; !ok || !cmp.Equal(got, e) {
				t.Errorf("reader missed event %d (%s of %s)", e.Seq, e.Kind, e.RequestID)
			}
		}
	}
	if last, _ := f.l.LastSeq(f.ctx); int64(len(view.events)) != last || cursor != last {
		t.Errorf("reader holds %d events up to cursor %d, want all %d", len(view.events), cursor, last)
	}
}
