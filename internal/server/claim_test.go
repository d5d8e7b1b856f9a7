package server

import (
	"net/http"
	"testing"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// claimPath is the claim of request r.
func claimPath(r instruct.Request) string { return "/requests/" + r.ID.String() + "/claim" }

// TestClaim: an instructor takes a request; it shows who holds it and
// since when, in GET and in the feed, without changing its version; a
// second reviewer gets 409 claimed naming the holder; the same key
// replays; releasing clears it; all in the hash-chained log.
func TestClaim(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	colleague := e.addUser("Marc Lefèvre", "api_particulier:instructor")
	r := c.applicant.submitted("api_particulier", "Cantine")
	k := newKey()
	res := c.instructor.do("POST", claimPath(r), nil, key(k))
	got := decodeAs[api.ClaimResult](t, res, http.StatusOK)
	if !got.Request.Claim.HeldBy(c.instructor.user.ID) || got.Request.Version != r.Version || got.Event == nil || got.Event.Kind != instruct.KindClaim {
		t.Fatalf("claim = %+v, event %+v; want held by the instructor at version %d, with a claim event", got.Request.Claim, got.Event, r.Version)
	}
	if got.Request.Claim.User.Name != "Ines Instructrice" || !got.Request.Claim.At.Equal(got.Event.At) {
		t.Errorf("claim = %+v, want Ines Instructrice since %v", got.Request.Claim, got.Event.At)
	}
	replay := c.instructor.do("POST", claimPath(r), nil, key(k))
	if again := decodeAs[api.ClaimResult](t, replay, http.StatusOK); replay.header.Get(api.HeaderReplayed) != "true" || again.Event == nil || again.Event.Seq != got.Event.Seq {
		t.Errorf("claim with the same key = %+v (replayed %q), want a replay of seq %d", again.Event, replay.header.Get(api.HeaderReplayed), got.Event.Seq)
	}
	read := decodeAs[instruct.Request](t, c.reporter.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK)
	if !read.Claim.HeldBy(c.instructor.user.ID) || read.Version != r.Version {
		t.Errorf("GET = claim %+v, version %d; want the instructor's claim at version %d", read.Claim, read.Version, r.Version)
	}
	p := problem(t, colleague.do("POST", claimPath(r), nil, key(newKey())), http.StatusConflict, instruct.CodeClaimed)
	if p.Claim == nil || p.Claim.User.ID != c.instructor.user.ID || !p.Claim.At.Equal(got.Request.Claim.At) {
		t.Errorf("409 claim = %+v, want the instructor's claim since %v", p.Claim, got.Request.Claim.At)
	}
	problem(t, colleague.do("DELETE", claimPath(r), nil, key(newKey())), http.StatusConflict, instruct.CodeClaimed)
	page := decodeAs[api.ChangesPage](t, c.reporter.do("GET", "/changes", nil), http.StatusOK)
	if n := len(page.Changes); n != 1 || !page.Changes[0].Request.Claim.HeldBy(c.instructor.user.ID) || kindsOf(page.Changes[0].Events)[2] != instruct.KindClaim {
		t.Errorf("changes = %+v, want the claimed request with its claim event", page.Changes)
	}
	released := decodeAs[api.ClaimResult](t, c.instructor.do("DELETE", claimPath(r), nil, key(newKey())), http.StatusOK)
	if released.Request.Claim != nil || released.Event == nil || released.Event.Kind != instruct.KindRelease {
		t.Errorf("release = %+v, %+v; want nobody holding it and a release event", released.Request.Claim, released.Event)
	}
	events := e.events(r.ID)
	if n := len(events); n < 2 || events[n-2].Kind != instruct.KindClaim || events[n-1].Kind != instruct.KindRelease {
		t.Errorf("events = %v, want the claim and the release last", events)
	}
	audit := decodeAs[api.AuditPage](t, c.admin.do("GET", "/audit", nil), http.StatusOK)
	if last := audit.Entries[len(audit.Entries)-1]; last.Event.Kind != instruct.KindRelease || last.Hash == "" || last.PrevHash == "" {
		t.Errorf("last audit entry = %+v, want the release, chained", last)
	}
}

// TestClaimForce: only a manager takes a request another holds, with
// force; the event names who it was taken from.
func TestClaimForce(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	colleague := e.addUser("Marc Lefèvre", "api_particulier:instructor")
	manager := e.addUser("Hélène Cheffe", "api_particulier:manager")
	r := c.applicant.submitted("api_particulier", "Cantine")
	decodeAs[api.ClaimResult](t, c.instructor.do("POST", claimPath(r), nil, key(newKey())), http.StatusOK)
	problem(t, colleague.do("POST", claimPath(r), api.ClaimInput{Force: true}, key(newKey())), http.StatusForbidden, instruct.CodeForbidden)
	taken := decodeAs[api.ClaimResult](t, manager.do("POST", claimPath(r), api.ClaimInput{Force: true}, key(newKey())), http.StatusOK)
	if !taken.Request.Claim.HeldBy(manager.user.ID) || taken.Event == nil || taken.Event.Diff["claim"][0] == nil {
		t.Errorf("forced claim = %+v, event %+v; want the manager holding it, the event naming the former holder", taken.Request.Claim, taken.Event)
	}
	decodeAs[api.ClaimResult](t, manager.do("POST", claimPath(r), api.ClaimInput{Force: true}, key(newKey())), http.StatusOK)
	problem(t, c.reporter.do("POST", claimPath(r), nil, key(newKey())), http.StatusForbidden, instruct.CodeForbidden)
	problem(t, c.instructor.do("POST", claimPath(r), nil), http.StatusBadRequest, instruct.CodeInvalid)
	problem(t, c.instructor.do("POST", claimPath(r), rawBody(`{"force": "yes"}`), key(newKey())), http.StatusBadRequest, instruct.CodeInvalid)
	problem(t, c.outsider.do("POST", claimPath(r), nil, key(newKey())), http.StatusNotFound, instruct.CodeNotFound)
}

// TestDecisionReleasesClaim: a decision, by whoever makes it, leaves
// nobody holding the request.
func TestDecisionReleasesClaim(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	decodeAs[api.ClaimResult](t, c.instructor.do("POST", claimPath(r), nil, key(newKey())), http.StatusOK)
	res := decodeAs[api.DecisionResult](t, c.admin.decide(r.ID.String(), r.Version, instruct.KindRequestChanges, "Précisez la base légale."), http.StatusCreated)
	if res.Request.Claim != nil {
		t.Errorf("after a decision: claim %+v, want none", res.Request.Claim)
	}
	if got := decodeAs[instruct.Request](t, c.instructor.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK); got.Claim != nil {
		t.Errorf("GET after a decision: claim %+v, want none", got.Claim)
	}
}

// TestApplicantNeverSeesClaims: the applicant reads neither the claim on
// their request nor its events, and the feed does not tell them of it.
func TestApplicantNeverSeesClaims(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	before := decodeAs[api.ChangesPage](t, c.applicant.do("GET", "/changes", nil), http.StatusOK)
	decodeAs[api.ClaimResult](t, c.instructor.do("POST", claimPath(r), nil, key(newKey())), http.StatusOK)
	if got := decodeAs[instruct.Request](t, c.applicant.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK); got.Claim != nil {
		t.Errorf("applicant's GET: claim %+v, want none", got.Claim)
	}
	for _, ev := range decodeAs[api.EventList](t, c.applicant.do("GET", "/requests/"+r.ID.String()+"/events", nil), http.StatusOK).Events {
		if ev.Kind.IsClaim() {
			t.Errorf("applicant's events hold %s", ev.Kind)
		}
	}
	after := decodeAs[api.ChangesPage](t, c.applicant.do("GET", "/changes?after="+before.Cursor, nil), http.StatusOK)
	if len(after.Changes) != 0 {
		t.Errorf("applicant's feed after the claim = %+v, want nothing", after.Changes)
	}
}

// kindsOf returns the kinds of events, in order.
func kindsOf(events []instruct.Event) []instruct.Kind {
	out := make([]instruct.Kind, len(events))
	for i, e := range events {
		out[i] = e.Kind
	}
	return out
}
