package server

import (
	"bytes"
	"net/http"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestDecision: a decision moves the request, answers 201 with the new
// ETag, and is in the request's history and the feed.
func TestDecision(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	res := c.instructor.do("POST", "/requests/"+r.ID.String()[1:]+"/decisions",
		api.DecisionInput{Kind: instruct.KindRequestChanges, Comment: "Merci de préciser le cadre juridique."},
		key(newKey()), header(api.HeaderIfMatch, itoa(r.Version)))
	got := decodeAs[api.DecisionResult](t, res, http.StatusCreated)
	if got.Request.Status != instruct.StatusChangesRequested || got.Request.Version != r.Version+1 {
		t.Errorf("decision = %s v%d, want changes_requested v%d", got.Request.Status, got.Request.Version, r.Version+1)
	}
	if res.header.Get(api.HeaderETag) != etag(r.Version+1) || res.header.Get(api.HeaderReplayed) != "" {
		t.Errorf("headers = %v, want ETag %s and no replay mark", res.header, etag(r.Version+1))
	}
	want := instruct.Event{Seq: got.Event.Seq, RequestID: r.ID, Kind: instruct.KindRequestChanges,
		Actor: c.instructor.user.Actor(), Comment: "Merci de préciser le cadre juridique.", At: got.Event.At}
	if diff := cmp.Diff(want, got.Event); diff != "" {
		t.Errorf("event (-want +got):\n%s", diff)
	}
	events := e.events(r.ID)
	if last := events[len(events)-1]; last.Seq != got.Event.Seq || last.Kind != instruct.KindRequestChanges {
		t.Errorf("last stored event = %+v, want seq %d request_changes", last, got.Event.Seq)
	}
	after := decodeAs[instruct.Request](t, c.reporter.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK)
	if after.Status != instruct.StatusChangesRequested {
		t.Errorf("GET after the decision: status %s, want changes_requested", after.Status)
	}
}

// TestStaleVersion: a decision on an old version applies nothing and
// says what happened since.
func TestStaleVersion(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	first := decodeAs[api.DecisionResult](t, c.instructor.decide(r.ID.String(), r.Version, instruct.KindRequestChanges, "Précisez le cadre juridique."), http.StatusCreated)
	p := problem(t, c.admin.decide(r.ID.String(), r.Version, instruct.KindApprove, ""), http.StatusPreconditionFailed, instruct.CodeStaleVersion)
	if p.Current == nil || p.Current.Version != first.Request.Version || p.Current.Status != instruct.StatusChangesRequested {
		t.Errorf("current = %+v, want v%d changes_requested", p.Current, first.Request.Version)
	}
	if len(p.EventsSince) != 1 || p.EventsSince[0].Seq != first.Event.Seq {
		t.Errorf("events_since = %+v, want the request for changes (seq %d)", p.EventsSince, first.Event.Seq)
	}
	if n := len(e.events(r.ID)); n != 3 {
		t.Errorf("events = %d, want 3 (create, submit, request_changes)", n)
	}
}

// TestIdempotentReplay: the same key and body replay the first answer,
// also after the server and its database were closed and reopened;
// another body with that key is refused; nothing is applied twice.
func TestIdempotentReplay(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	k := newKey()
	body := api.DecisionInput{Kind: instruct.KindApprove, Comment: "Cadre juridique conforme."}
	first := c.instructor.do("POST", "/requests/"+r.ID.String()+"/decisions", body, key(k), ifMatch(r.Version))
	decodeAs[api.DecisionResult](t, first, http.StatusCreated)
	replays := map[string]func() response{
		"same server": func() response {
			return c.instructor.do("POST", "/requests/"+r.ID.String()+"/decisions", body, key(k), ifMatch(r.Version))
		},
		"other ID spelling and key order": func() response {
			return c.instructor.do("POST", "/requests/"+r.ID.String()[1:]+"/decisions",
				rawBody(`{"comment":"Cadre juridique conforme.", "kind":"approve"}`), key(k), ifMatch(r.Version))
		},
		"after a restart": func() response {
			e.restart()
			return c.instructor.do("POST", "/requests/"+r.ID.String()+"/decisions", body, key(k), ifMatch(r.Version))
		},
	}
	for _, name := range []string{"same server", "other ID spelling and key order", "after a restart"} {
		t.Run(name, func(t *testing.T) {
			defer e.use(t)()
			again := replays[name]()
			if again.status != http.StatusCreated || again.header.Get(api.HeaderReplayed) != "true" {
				t.Fatalf("replay = %d, %s: %q; want 201 replayed", again.status, api.HeaderReplayed, again.header.Get(api.HeaderReplayed))
			}
			if !bytes.Equal(again.body, first.body) {
				t.Errorf("replayed body\n%s\nwant\n%s", again.body, first.body)
			}
			if again.header.Get(api.HeaderETag) != first.header.Get(api.HeaderETag) {
				t.Errorf("replayed ETag %q, want %q", again.header.Get(api.HeaderETag), first.header.Get(api.HeaderETag))
			}
		})
	}
	reused := api.DecisionInput{Kind: instruct.KindRefuse, Comment: "Hors cadre."}
	problem(t, c.instructor.do("POST", "/requests/"+r.ID.String()+"/decisions", reused, key(k), ifMatch(r.Version)),
		http.StatusUnprocessableEntity, instruct.CodeIdempotencyKeyReused)
	problem(t, c.admin.do("POST", "/requests/"+r.ID.String()+"/decisions", body, key(k), ifMatch(r.Version)),
		http.StatusUnprocessableEntity, instruct.CodeIdempotencyKeyReused)
	if n := countKind(e.events(r.ID), instruct.KindApprove); n != 1 {
		t.Errorf("approve events = %d, want 1", n)
	}
}

func countKind(events []instruct.Event, k instruct.Kind) int {
	n := 0
	for _, ev := range events {
		if ev.Kind == k {
			n++
		}
	}
	return n
}

// TestConcurrentDecisions: 16 reviewers decide the same version at once;
// exactly one wins, every other one gets 412, one event is recorded.
func TestConcurrentDecisions(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	kinds := []instruct.Kind{instruct.KindApprove, instruct.KindRefuse, instruct.KindRequestChanges}
	statuses := runConcurrently(16, func(i int) int {
		return c.instructor.decide(r.ID.String(), r.Version, kinds[i%len(kinds)], "Décision concurrente").status
	})
	if got := count(statuses, http.StatusCreated); got != 1 {
		t.Errorf("201 answers = %d, want 1 (all: %v)", got, statuses)
	}
	if got := count(statuses, http.StatusPreconditionFailed); got != 15 {
		t.Errorf("412 answers = %d, want 15 (all: %v)", got, statuses)
	}
	if n := len(e.events(r.ID)); n != 3 {
		t.Errorf("events = %d, want 3 (create, submit, one decision)", n)
	}
}

// TestSameKeyConcurrently: the same call sent 16 times at once is applied
// once; every answer is the decision (201) or in_flight (409).
func TestSameKeyConcurrently(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	k := newKey()
	statuses := runConcurrently(16, func(int) int {
		res := c.instructor.do("POST", "/requests/"+r.ID.String()+"/decisions", api.DecisionInput{Kind: instruct.KindApprove}, key(k), ifMatch(r.Version))
		if res.status == http.StatusConflict {
			problem(t, res, http.StatusConflict, instruct.CodeInFlight)
		}
		return res.status
	})
	if count(statuses, http.StatusCreated)+count(statuses, http.StatusConflict) != 16 || count(statuses, http.StatusCreated) == 0 {
		t.Errorf("statuses = %v, want only 201 and 409, at least one 201", statuses)
	}
	if n := countKind(e.events(r.ID), instruct.KindApprove); n != 1 {
		t.Errorf("approve events = %d, want 1", n)
	}
}

// runConcurrently runs f(0..n-1) at once and returns their results.
func runConcurrently(n int, f func(i int) int) []int {
	out := make([]int, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Go(func() {
			start.Wait()
			out[i] = f(i)
		})
	}
	start.Done()
	done.Wait()
	return out
}

func count(xs []int, x int) int {
	n := 0
	for _, v := range xs {
		if v == x {
			n++
		}
	}
	return n
}

// TestNotes: notes and messages need a comment and an instructor, leave
// the version alone (a pending decision stays valid), appear in the feed,
// and replay like decisions.
func TestNotes(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	k := newKey()
	note := api.NoteInput{Kind: instruct.KindNote, Comment: "Vérifier la délibération du conseil municipal."}
	res := c.instructor.do("POST", "/requests/"+r.ID.String()+"/notes", note, key(k))
	got := decodeAs[api.NoteResult](t, res, http.StatusCreated)
	if got.Event.Kind != instruct.KindNote || got.Event.Comment != note.Comment {
		t.Errorf("note event = %+v", got.Event)
	}
	replay := c.instructor.do("POST", "/requests/"+r.ID.String()+"/notes", note, key(k))
	if replay.status != http.StatusCreated || replay.header.Get(api.HeaderReplayed) != "true" || !bytes.Equal(replay.body, res.body) {
		t.Errorf("note replay = %d %q %s", replay.status, replay.header.Get(api.HeaderReplayed), replay.body)
	}
	same := decodeAs[instruct.Request](t, c.instructor.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK)
	if same.Version != r.Version {
		t.Errorf("version after a note = %d, want %d", same.Version, r.Version)
	}
	decodeAs[api.DecisionResult](t, c.instructor.decide(r.ID.String(), r.Version, instruct.KindApprove, ""), http.StatusCreated)
	page := decodeAs[api.ChangesPage](t, c.reporter.do("GET", "/changes", nil), http.StatusOK)
	if len(page.Changes) != 1 || countKind(page.Changes[0].Events, instruct.KindNote) != 1 {
		t.Errorf("feed = %+v, want the request with its note", page.Changes)
	}
	problem(t, c.instructor.do("POST", "/requests/"+r.ID.String()+"/notes", api.NoteInput{Kind: instruct.KindMessage}, key(newKey())),
		http.StatusUnprocessableEntity, instruct.CodeCommentRequired)
	problem(t, c.reporter.do("POST", "/requests/"+r.ID.String()+"/notes", note, key(newKey())), http.StatusForbidden, instruct.CodeForbidden)
	problem(t, c.instructor.do("POST", "/requests/"+r.ID.String()+"/notes", note), http.StatusBadRequest, instruct.CodeInvalid)
}
