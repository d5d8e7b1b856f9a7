package ui

import (
	"context"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
)

// fixture is a cache of demo requests and the requests tests look at.
type fixture struct {
	st *store.Store
	// flagged is a submitted request raising two flags or more; resubmitted
	// one resubmitted after a request for changes; conflicted one whose
	// approval lost to another reviewer's request for changes.
	flagged, resubmitted, conflicted instruct.RequestID
	// decidable is a submitted request the reviewer may decide on, not the
	// last of its tab.
	decidable instruct.RequestID
	winner    instruct.Event
}

// conflictComment is the comment of the reviewer's approval in conflict.
const conflictComment = "Cadre juridique vérifié : la délibération du 12 janvier couvre les données demandées."

// fixtureSize is how many demo requests the fixture holds.
const fixtureSize = 300

func newFixture(t testing.TB) fixture {
	t.Helper()
	f := fixture{st: openStore(t, fixtureSize)}
	ctx := context.Background()
	items, err := f.st.Queue(ctx, instruct.QueueQuery{Sort: instruct.SortAge})
	if err != nil {
		t.Fatalf("Queue: %v", err)
	}
	defs := definitions(t, f.st)
	me := reviewer(t)
	for i, it := range items {
		if f.decidable == 0 && i > 0 && it.Status == instruct.StatusSubmitted && me.CanDecide(it.Definition) {
			f.decidable = it.ID
		}
		r, err := f.st.Request(ctx, it.ID)
		if err != nil {
			t.Fatalf("Request(%s): %v", it.ID, err)
		}
		if f.flagged == 0 && it.Status == instruct.StatusSubmitted && len(r.Flags(defs[r.Definition])) >= 2 {
			f.flagged = it.ID
		}
		if f.resubmitted == 0 && it.Status == instruct.StatusSubmitted && resubmitted(t, f.st, it.ID) {
			f.resubmitted = it.ID
		}
	}
	if f.flagged == 0 || f.resubmitted == 0 {
		t.Fatalf("the demo data has no flagged (%q) or resubmitted (%q) request", f.flagged, f.resubmitted)
	}
	f.conflict(t, items)
	return f
}

func definitions(t testing.TB, st *store.Store) map[string]instruct.Definition {
	defs, err := st.Definitions(context.Background())
	if err != nil {
		t.Fatalf("Definitions: %v", err)
	}
	out := map[string]instruct.Definition{}
	for _, d := range defs {
		out[d.ID] = d
	}
	return out
}

// resubmitted reports whether request id was submitted again after a
// request for changes, with changes.
func resubmitted(t testing.TB, st *store.Store, id instruct.RequestID) bool {
	events, err := st.Events(context.Background(), id)
	if err != nil {
		t.Fatalf("Events(%s): %v", id, err)
	}
	asked := false
	for _, e := range events {
		if e.Kind == instruct.KindRequestChanges {
			asked = true
		}
		if asked && (e.Kind == instruct.KindUpdate || e.Kind == instruct.KindSubmit) && len(e.Diff) > 0 {
			return true
		}
	}
	return false
}

// conflict records the reviewer's approval of a submitted request of
// theirs, then has the server answer that another reviewer asked for
// changes first.
func (f *fixture) conflict(t testing.TB, items []instruct.QueueItem) {
	ctx := context.Background()
	me := reviewer(t)
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i]
		if it.Status != instruct.StatusSubmitted || !me.CanDecide(it.Definition) || it.ID == f.flagged || it.ID == f.resubmitted || it.ID == f.decidable {
			continue
		}
		op, err := f.st.Record(ctx, it.ID, instruct.KindApprove, conflictComment)
		if err != nil {
			t.Fatalf("Record(%s): %v", it.ID, err)
		}
		current, err := f.st.Request(ctx, it.ID)
		if err != nil {
			t.Fatalf("Request(%s): %v", it.ID, err)
		}
		f.winner = instruct.Event{Seq: 1 << 40, RequestID: it.ID, Kind: instruct.KindRequestChanges,
			Actor:   instruct.Actor{ID: demo.SecondInstructorID, Name: "Karim Benali"},
			Comment: "Merci de joindre la délibération du conseil municipal qui fonde le traitement.",
			At:      testNow.Add(-2 * time.Hour)}
		current.Status, current.Version, current.UpdatedAt = instruct.StatusChangesRequested, current.Version+1, f.winner.At
		stale := &instruct.StaleError{Current: current, EventsSince: []instruct.Event{f.winner}}
		if err := f.st.SetOpState(ctx, op.ID, instruct.OpConflict, "", stale); err != nil {
			t.Fatalf("SetOpState(%s): %v", op.ID, err)
		}
		f.conflicted = it.ID
		return
	}
	t.Fatal("no submitted request the reviewer may decide on")
}

// selectRequest moves the queue's cursor to request id with j, switching
// tabs until it shows.
func (d *driver) selectRequest(id instruct.RequestID) {
	d.t.Helper()
	for range len(tabStatuses()) + 1 {
		if i := d.m.queue.Index(id); i >= 0 {
			for d.m.queue.Cursor() > i {
				d.keys("k")
			}
			for d.m.queue.Cursor() < i {
				d.keys("j")
			}
			return
		}
		d.keys("tab")
	}
	d.t.Fatalf("request %s is in no tab", id)
}
