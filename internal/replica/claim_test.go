package replica

import (
	"context"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// claimEvents returns the claim and release events the server recorded
// on request id.
func (w *world) claimEvents(id instruct.RequestID) []instruct.Event {
	w.tb.Helper()
	events, err := w.Ledger().Events(context.Background(), id)
	if err != nil {
		w.tb.Fatalf("Events(%s) = %v", id, err)
	}
	var out []instruct.Event
	for _, e := range events {
		if e.Kind.IsClaim() {
			out = append(out, e)
		}
	}
	return out
}

// TestClaimOfflineLandsOnce: a claim recorded with the server down waits
// in the outbox, shows at once, and lands exactly once when the server is
// back, even over several syncs; the reviewer's colleague then sees who
// holds it.
func TestClaimOfflineLandsOnce(t *testing.T) {
	w := newWorld(t)
	id := w.seed(1)[0]
	me, token := w.reviewer("camille@dinum.gouv.fr")
	r := newReplica(t, w.URL(), token, fastClient(), Options{})
	r.sync(t)
	w.stop()
	op, err := r.cache.Claim(context.Background(), id, instruct.KindClaim, false)
	if err != nil {
		t.Fatalf("Claim(%s) offline = %v", id, err)
	}
	if err := r.engine.Sync(context.Background()); !isCode(err, instruct.CodeUnavailable) {
		t.Fatalf("Sync() with the server down = %v, want unavailable", err)
	}
	if got := r.op(t, id, op.ID); !got.Open() {
		t.Errorf("claim while offline is %s, want still open", got.State)
	}
	w.start()
	r.sync(t)
	r.sync(t)
	if events := w.claimEvents(id); len(events) != 1 || events[0].Actor.ID != me.ID {
		t.Errorf("server's claim events of %s = %+v, want exactly one, by %s", id, events, me.Name)
	}
	if got := r.op(t, id, op.ID); got.State != instruct.OpAccepted {
		t.Errorf("claim is %s, want accepted", got.State)
	}
	_, otherToken := w.reviewer("marc@dinum.gouv.fr")
	other := newReplica(t, w.URL(), otherToken, fastClient(), Options{})
	other.sync(t)
	req, err := other.cache.Request(context.Background(), id)
	if err != nil || !req.Claim.HeldBy(me.ID) {
		t.Errorf("colleague's cache: claim %+v, %v; want %s holding it", req.Claim, err, me.Name)
	}
}

// TestClaimTakenFirstIsAConflict: two reviewers take the same request,
// each offline; the second to sync gets a conflict naming the first, and
// after the pull its cache shows who holds it.
func TestClaimTakenFirstIsAConflict(t *testing.T) {
	w := newWorld(t)
	id := w.seed(1)[0]
	first, token1 := w.reviewer("camille@dinum.gouv.fr")
	_, token2 := w.reviewer("marc@dinum.gouv.fr")
	a := newReplica(t, w.URL(), token1, fastClient(), Options{})
	b := newReplica(t, w.URL(), token2, fastClient(), Options{})
	a.sync(t)
	b.sync(t)
	if _, err := a.cache.Claim(context.Background(), id, instruct.KindClaim, false); err != nil {
		t.Fatal(err)
	}
	op, err := b.cache.Claim(context.Background(), id, instruct.KindClaim, false)
	if err != nil {
		t.Fatal(err)
	}
	a.sync(t)
	b.sync(t)
	got := b.op(t, id, op.ID)
	if got.State != instruct.OpConflict || got.Claim == nil || got.Claim.User.ID != first.ID {
		t.Fatalf("second claim = %s, claim %+v; want a conflict naming %s", got.State, got.Claim, first.Name)
	}
	items, err := b.cache.Queue(context.Background(), instruct.QueueQuery{})
	if err != nil || len(items) != 1 || !items[0].Claim.HeldBy(first.ID) || items[0].Op != instruct.OpConflict {
		t.Errorf("second reviewer's queue = %+v, %v; want the request held by %s, in conflict", items, err, first.Name)
	}
	if st := b.engine.Status(); st.Conflicts != 1 {
		t.Errorf("Status() = %+v, want one conflict", st)
	}
}
