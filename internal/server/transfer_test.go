package server

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// transfer has instructor i transfer request r, at version v, to the
// user to; it returns the request as transferred.
func transfer(i *caller, r instruct.Request, v int64, to *caller) instruct.Request {
	i.env.t.Helper()
	path := "/requests/" + r.ID.String() + "/transfer"
	in := api.TransferInput{To: to.user.Email, Comment: "Départ de l'agent."}
	return decodeAs[api.DecisionResult](i.env.t, i.do("POST", path, in, key(newKey()), ifMatch(v)), http.StatusCreated).Request
}

// TestMessagesSayWhoWrote: every message event says whether the
// request's applicant wrote it, as the server knew them then — before
// and after one transfer and another — in the reviewers' history and
// change feed and in the ledger's own reading of its log, whose chain
// still verifies; a reviewer's message never says so, nor does the
// former applicant's, who may no longer write. Both engines.
func TestMessagesSayWhoWrote(t *testing.T) {
	bothEngines(t, func(t *testing.T, e *testEnv) {
		camille := e.addUser("Camille Martin")
		yanis := e.addUser("Yanis Robert")
		lea := e.addUser("Léa Bernard")
		jeanne := e.addUser("Jeanne Durand", "api_particulier:instructor")
		r := validated(camille, jeanne, "api_particulier", "Cantine")
		id := r.ID.String()
		write := func(c *caller, body string) response {
			return c.do("POST", "/requests/"+id+"/messages", api.MessageInput{Body: body}, key(newKey()))
		}
		want := map[int64]bool{}
		wrote := func(c *caller, body string, fromApplicant bool) {
			t.Helper()
			ev := decodeAs[api.NoteResult](t, write(c, body), http.StatusCreated).Event
			if ev.FromApplicant != fromApplicant {
				t.Errorf("%s's message: from_applicant %v, want %v", c.user.Name, ev.FromApplicant, fromApplicant)
			}
			want[ev.Seq] = fromApplicant
		}
		wrote(camille, "Merci.", true)
		ev := decodeAs[api.NoteResult](t, jeanne.do("POST", "/requests/"+id+"/notes",
			api.NoteInput{Kind: instruct.KindMessage, Comment: "Bien reçu."}, key(newKey())), http.StatusCreated).Event
		want[ev.Seq] = false
		r = transfer(jeanne, r, r.Version, yanis)
		problem(t, write(camille, "Encore moi."), http.StatusNotFound, instruct.CodeNotFound)
		wrote(yanis, "Je reprends le dossier.", true)
		r = transfer(jeanne, r, r.Version, lea)
		wrote(lea, "Et moi ensuite.", true)

		check := func(where string, events []instruct.Event) {
			t.Helper()
			seen := 0
			for _, ev := range events {
				if ev.Kind != instruct.KindMessage {
					continue
				}
				seen++
				if w, ok := want[ev.Seq]; !ok || ev.FromApplicant != w {
					t.Errorf("%s: message %d by %s: from_applicant %v, want %v", where, ev.Seq, ev.Actor.Name, ev.FromApplicant, w)
				}
			}
			if seen != len(want) {
				t.Errorf("%s: %d messages, want %d", where, seen, len(want))
			}
		}
		check("history", decodeAs[api.EventList](t, jeanne.do("GET", "/requests/"+id+"/events", nil), http.StatusOK).Events)
		feed := decodeAs[api.ChangesPage](t, jeanne.do("GET", "/changes", nil), http.StatusOK)
		if len(feed.Changes) != 1 {
			t.Fatalf("reviewer's feed = %d items, want the request", len(feed.Changes))
		}
		check("feed", feed.Changes[0].Events)
		check("ledger", e.events(r.ID))
		if res, err := e.ledger.Verify(context.Background()); err != nil || !res.OK() {
			t.Errorf("Verify() = %+v, %v; want the chain whole", res, err)
		}
	})
}

// formerApplicantIsTold walks what a transfer tells the applicant it
// takes the request from: their event stream announces it, their feed
// cursor from before it is expired (the client then pulls from the
// start, as when a role is removed), and the pull from the start no
// longer brings the request, nor does the next one expire again. The
// new applicant's cursor stays good and brings it. move makes the
// transfer.
func formerApplicantIsTold(t *testing.T, e *testEnv, move func(jeanne *caller, r instruct.Request, to *caller) instruct.Event) {
	camille := e.addUser("Camille Martin")
	yanis := e.addUser("Yanis Robert")
	jeanne := e.addUser("Jeanne Durand", "api_particulier:instructor")
	r := validated(camille, jeanne, "api_particulier", "Cantine")
	pull := func(c *caller, cursor string) response {
		t.Helper()
		return c.do("GET", "/changes?after="+cursor, nil)
	}
	mine := decodeAs[api.ChangesPage](t, pull(camille, ""), http.StatusOK)
	theirs := decodeAs[api.ChangesPage](t, pull(yanis, ""), http.StatusOK)
	if len(mine.Changes) != 1 || len(theirs.Changes) != 0 {
		t.Fatalf("before the transfer: Camille's feed has %d items, Yanis's %d; want 1 and 0", len(mine.Changes), len(theirs.Changes))
	}
	s := openStream(t, camille)
	moved := move(jeanne, r, yanis)
	if !s.waitSeq(moved.Seq) {
		t.Fatalf("Camille's stream never announced the transfer (seq %d)", moved.Seq)
	}
	problem(t, pull(camille, mine.Cursor), http.StatusGone, instruct.CodeCursorExpired)
	again := decodeAs[api.ChangesPage](t, pull(camille, ""), http.StatusOK)
	if len(again.Changes) != 0 {
		t.Errorf("Camille's pull from the start brings %d items, want none", len(again.Changes))
	}
	decodeAs[api.ChangesPage](t, pull(camille, again.Cursor), http.StatusOK)
	got := decodeAs[api.ChangesPage](t, pull(yanis, theirs.Cursor), http.StatusOK)
	if len(got.Changes) != 1 || got.Changes[0].Request.ID != r.ID {
		t.Errorf("Yanis's pull after the transfer brings %d items, want %s", len(got.Changes), r.ID)
	}
}

// TestTransferToldToTheFormerApplicant: the former applicant's client
// hears of a transfer made through the same server instance (at once)
// and through another one sharing the database (at the stream's poll),
// and forgets the request.
func TestTransferToldToTheFormerApplicant(t *testing.T) {
	t.Run("same instance", func(t *testing.T) {
		e := newEnv(t, withStreamTiming(time.Hour, time.Hour))
		formerApplicantIsTold(t, e, func(jeanne *caller, r instruct.Request, to *caller) instruct.Event {
			path := "/requests/" + r.ID.String() + "/transfer"
			in := api.TransferInput{To: to.user.Email, Comment: "Départ de l'agent."}
			return decodeAs[api.DecisionResult](t, jeanne.do("POST", path, in, key(newKey()), ifMatch(r.Version)), http.StatusCreated).Event
		})
	})
	t.Run("other instance", func(t *testing.T) {
		e := newEnv(t, withStreamTiming(time.Hour, 20*time.Millisecond))
		formerApplicantIsTold(t, e, func(jeanne *caller, r instruct.Request, to *caller) instruct.Event {
			other := otherInstance(t, e)
			path := "/requests/" + r.ID.String() + "/transfer"
			in := api.TransferInput{To: to.user.Email, Comment: "Départ de l'agent."}
			return decodeAs[api.DecisionResult](t, other.do(jeanne, "POST", path, in, key(newKey()), ifMatch(r.Version)), http.StatusCreated).Event
		})
	})
}
