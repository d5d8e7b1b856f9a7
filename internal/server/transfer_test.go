package server

import (
	"context"
	"net/http"
	"testing"

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
