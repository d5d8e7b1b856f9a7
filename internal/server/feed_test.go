package server

import (
	"context"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// replica is what a sync client keeps from the feed: every event by seq
// and the latest state of every request.
type replica struct {
	cursor   string
	events   map[int64]instruct.Event
	requests map[string]instruct.Request
}

func newReplica() *replica {
	return &replica{events: map[int64]instruct.Event{}, requests: map[string]instruct.Request{}}
}

// pull pages through the feed until no more follow, as the sync engine
// does, and fails the test if a request's version ever goes back.
func (rep *replica) pull(t *testing.T, c *caller, limit int) {
	for {
		q := url.Values{"limit": {itoa(int64(limit))}}
		if rep.cursor != "" {
			q.Set("after", rep.cursor)
		}
		page := decodeAs[api.ChangesPage](t, c.do("GET", "/changes?"+q.Encode(), nil), http.StatusOK)
		for _, it := range page.Changes {
			if old, ok := rep.requests[it.Request.ID.String()]; ok && old.Version > it.Request.Version {
				t.Errorf("feed sent %s v%d after v%d", it.Request.ID, it.Request.Version, old.Version)
			}
			rep.requests[it.Request.ID.String()] = it.Request
			for _, ev := range it.Events {
				rep.events[ev.Seq] = ev
			}
		}
		rep.cursor = page.Cursor
		if !page.More {
			return
		}
	}
}

// reviewCycle is one writer's work on a new request: submitted, a note,
// changes requested, edited, resubmitted, approved.
func reviewCycle(t *testing.T, applicant, instructor *caller, title string) {
	r := applicant.submitted("api_particulier", title)
	decodeAs[api.NoteResult](t, instructor.do("POST", "/requests/"+r.ID.String()+"/notes",
		api.NoteInput{Kind: instruct.KindNote, Comment: "À vérifier"}, key(newKey())), http.StatusCreated)
	d := decodeAs[api.DecisionResult](t, instructor.decide(r.ID.String(), r.Version, instruct.KindRequestChanges, "Précisez la volumétrie."), http.StatusCreated)
	edited := decodeAs[instruct.Request](t, applicant.do("PATCH", "/requests/"+r.ID.String(),
		instruct.RequestPatch{Volumetry: ptr("5 000 appels par jour")}, ifMatch(d.Request.Version)), http.StatusOK)
	again := decodeAs[instruct.Request](t, applicant.do("POST", "/requests/"+r.ID.String()+"/submit", nil, ifMatch(edited.Version)), http.StatusOK)
	decodeAs[api.DecisionResult](t, instructor.decide(r.ID.String(), again.Version, instruct.KindApprove, ""), http.StatusCreated)
}

// TestFeedUnderConcurrentWriters: a reader paging through the feed with
// small pages while four writers work never misses an event, and ends
// with every request in its final state.
func TestFeedUnderConcurrentWriters(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	reader := newReplica()
	var writing atomic.Bool
	writing.Store(true)
	var writers sync.WaitGroup
	for w := range 4 {
		applicant := e.addUser("Demandeur " + itoa(int64(w)))
		writers.Go(func() {
			for i := range 8 {
				reviewCycle(t, applicant, c.instructor, "Demande "+itoa(int64(w*100+i)))
			}
		})
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for writing.Load() {
			reader.pull(t, c.reporter, 3)
		}
	}()
	writers.Wait()
	writing.Store(false)
	<-done
	reader.pull(t, c.reporter, 3)
	checkReplica(t, e, reader)
}

// checkReplica compares what the reader pulled with the ledger.
func checkReplica(t *testing.T, e *testEnv, rep *replica) {
	all, err := e.ledger.Requests(context.Background(), instruct.ListQuery{Viewer: instruct.Viewer{All: true}, Limit: 10000})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.requests) != len(all) {
		t.Errorf("replica has %d requests, want %d", len(rep.requests), len(all))
	}
	events := 0
	for _, r := range all {
		if got := rep.requests[r.ID.String()]; got.Version != r.Version || got.Status != r.Status {
			t.Errorf("replica has %s v%d %s, want v%d %s", r.ID, got.Version, got.Status, r.Version, r.Status)
		}
		for _, ev := range e.events(r.ID) {
			events++
			if _, ok := rep.events[ev.Seq]; !ok {
				t.Errorf("replica misses event %d (%s of %s)", ev.Seq, ev.Kind, r.ID)
			}
		}
	}
	if len(rep.events) != events {
		t.Errorf("replica has %d events, want %d", len(rep.events), events)
	}
}

// TestFeedPages: pages are in seq order, each request once, the cursor
// moves on, and a pull from the last cursor brings only what changed.
func TestFeedPages(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	var ids []string
	for i := range 5 {
		ids = append(ids, c.applicant.submitted("api_particulier", "Demande "+itoa(int64(i))).ID.String())
	}
	c.applicant.submitted("api_entreprise", "Marchés publics")
	rep := newReplica()
	rep.pull(t, c.instructor, 2)
	if len(rep.requests) != 5 || len(rep.events) != 10 {
		t.Fatalf("first pull: %d requests, %d events; want 5 and 10 (api_particulier only)", len(rep.requests), len(rep.events))
	}
	empty := decodeAs[api.ChangesPage](t, c.instructor.do("GET", "/changes?after="+rep.cursor, nil), http.StatusOK)
	if len(empty.Changes) != 0 || empty.More {
		t.Errorf("pull with nothing new = %+v, want empty", empty)
	}
	d := decodeAs[api.DecisionResult](t, c.instructor.decide(ids[1], 2, instruct.KindApprove, ""), http.StatusCreated)
	next := decodeAs[api.ChangesPage](t, c.instructor.do("GET", "/changes?after="+empty.Cursor, nil), http.StatusOK)
	if len(next.Changes) != 1 || next.Changes[0].Request.ID.String() != ids[1] || len(next.Changes[0].Events) != 1 || next.Changes[0].Seq != d.Event.Seq {
		t.Errorf("incremental pull = %+v, want only %s with its approval", next.Changes, ids[1])
	}
}
