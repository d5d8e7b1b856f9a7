package ledger

import (
	"errors"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// testClaims: a claim is stored on the request without moving its
// version, in the feed and in the hash-chained log; taking it from its
// holder is refused with the current claim, a replayed key answers the
// same, and a decision releases it. Both engines run it.
func testClaims(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	r = f.do(r, instruct.KindSubmit, "").Request
	n := r.ID
	other := instruct.Actor{ID: "u-other", Name: "Marc Lefèvre"}
	take := func(who instruct.Actor, key string) (instruct.Outcome, error) {
		at := f.tick()
		return f.l.Apply(f.ctx, instruct.Mutation{RequestID: n, IdempotencyKey: key, Fingerprint: "claim " + who.ID,
			Now: at, Change: instruct.Take{Actor: who, At: at}})
	}
	out, err := take(reviewer, "key-claim")
	if err != nil || out.Event.Kind != instruct.KindClaim || !out.Request.Claim.HeldBy(reviewer.ID) || out.Request.Version != r.Version {
		t.Fatalf("Apply(claim) = %+v, %v; want the claim event, the request held by the reviewer at version %d", out, err, r.Version)
	}
	stored, _, err := f.l.Request(f.ctx, n)
	if err != nil || !stored.Claim.HeldBy(reviewer.ID) || !stored.Claim.At.Equal(out.Event.At) || stored.Version != r.Version {
		t.Errorf("Request() after the claim = %+v, %v; want it held since %v, version %d", stored.Claim, err, out.Event.At, r.Version)
	}
	again, err := take(reviewer, "key-claim")
	if err != nil || !again.Replayed || again.Event.Seq != out.Event.Seq {
		t.Errorf("Apply(claim, same key) = %+v, %v; want a replay of seq %d", again, err, out.Event.Seq)
	}
	_, err = take(other, "key-other")
	var claimed *instruct.ClaimedError
	if !errors.As(err, &claimed) || claimed.Claim.User != reviewer {
		t.Errorf("Apply(claim held by another) = %v, want a ClaimedError naming %s", err, reviewer.Name)
	}
	items, _, err := f.l.Changes(f.ctx, instruct.Viewer{All: true}, out.Event.Seq-1, 10)
	if err != nil || len(items) != 1 || items[0].Seq != out.Event.Seq || !items[0].Request.Claim.HeldBy(reviewer.ID) {
		t.Errorf("Changes(before the claim) = %+v, %v; want the request at the claim's seq, claimed", items, err)
	}
	events, err := f.l.Events(f.ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if got := kinds(events); len(got) != 3 || got[2] != instruct.KindClaim {
		t.Errorf("events = %v, want create, submit, claim", got)
	}
	if res, err := f.l.Verify(f.ctx); err != nil || !res.OK() {
		t.Errorf("Verify() with a claim in the log = %+v, %v", res, err)
	}
}

// testDecisionReleasesClaim: a decision through the domain's change
// clears the claim in the stored request.
func testDecisionReleasesClaim(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.do(f.create("api_particulier", "Cantine"), instruct.KindSubmit, "").Request
	n := r.ID
	at := f.tick()
	if _, err := f.l.Apply(f.ctx, instruct.Mutation{RequestID: n, Now: at, Change: instruct.Take{Actor: reviewer, At: at}}); err != nil {
		t.Fatalf("Apply(claim) = %v", err)
	}
	d := instruct.Decide(reviewer, instruct.KindApprove, "", f.tick())
	out, err := f.l.Apply(f.ctx, instruct.Mutation{RequestID: n, IfMatch: r.Version, Now: d.At, Change: d})
	if err != nil || out.Request.Claim != nil || out.Request.Status != instruct.StatusValidated {
		t.Fatalf("Apply(approve) = %+v, %v; want validated and nobody holding it", out.Request, err)
	}
	stored, _, err := f.l.Request(f.ctx, n)
	if err != nil || stored.Claim != nil {
		t.Errorf("Request() after the decision: claim %+v, %v; want none", stored.Claim, err)
	}
}
