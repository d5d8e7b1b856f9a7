package server

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

func messagesPath(r instruct.Request) string { return "/requests/" + r.ID.String() + "/messages" }

// TestApplicantMessage: the applicant who filed a request answers its
// reviewers through POST …/messages: an event of kind message with the
// applicant as actor, the version as it was, replayed once per key, and
// read by the reviewers in the history and the change feed. Nobody else
// may post there, and a blank or oversized body is refused, recording
// nothing. Both engines.
func TestApplicantMessage(t *testing.T) {
	bothEngines(t, func(t *testing.T, e *testEnv) {
		c := newCast(e)
		r := c.applicant.submitted("api_particulier", "Cantine")
		body := "Voici la délibération demandée : n° 2026-061 du conseil municipal."
		k := newKey()
		first := decodeAs[api.NoteResult](t, c.applicant.do("POST", messagesPath(r), api.MessageInput{Body: body}, key(k)), http.StatusCreated)
		ev := first.Event
		if ev.Kind != instruct.KindMessage || ev.Actor.ID != c.applicant.user.ID || ev.Actor.Name != "Camille Martin" || ev.Comment != body || ev.RequestID != r.ID {
			t.Fatalf("POST messages: event %+v, want a message by Camille Martin saying %q", ev, body)
		}
		again := c.applicant.do("POST", messagesPath(r), api.MessageInput{Body: body}, key(k))
		if replay := decodeAs[api.NoteResult](t, again, http.StatusCreated); replay.Event.Seq != ev.Seq || again.header.Get(api.HeaderReplayed) != "true" {
			t.Errorf("same key again: event seq %d (replayed %q), want the replay of seq %d", replay.Event.Seq, again.header.Get(api.HeaderReplayed), ev.Seq)
		}
		got := decodeAs[instruct.Request](t, c.instructor.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK)
		if got.Version != r.Version {
			t.Errorf("version after the message = %d, want %d as before", got.Version, r.Version)
		}
		history := decodeAs[api.EventList](t, c.instructor.do("GET", "/requests/"+r.ID.String()+"/events", nil), http.StatusOK).Events
		if last := history[len(history)-1]; len(history) != 3 || last.Seq != ev.Seq || last.Comment != body {
			t.Errorf("reviewer's history = %v, want create, submit and the message once", kindsOf(history))
		}
		feed := decodeAs[api.ChangesPage](t, c.instructor.do("GET", "/changes", nil), http.StatusOK)
		if len(feed.Changes) != 1 || feed.Changes[0].Seq != ev.Seq {
			t.Errorf("reviewer's feed = %+v, want the request at the message's seq %d", feed.Changes, ev.Seq)
		}

		refused := []struct {
			name   string
			who    *caller
			body   string
			status int
			code   instruct.Code
		}{
			{"the request's instructor", c.instructor, "Réponse", http.StatusForbidden, instruct.CodeForbidden},
			{"the admin", c.admin, "Réponse", http.StatusForbidden, instruct.CodeForbidden},
			{"another applicant", c.other, "Réponse", http.StatusNotFound, instruct.CodeNotFound},
			{"a blank body", c.applicant, " \t\n\u200b\u00a0", http.StatusUnprocessableEntity, instruct.CodeCommentRequired},
			{"10,001 characters", c.applicant, strings.Repeat("é", instruct.MaxCommentLength+1), http.StatusRequestEntityTooLarge, instruct.CodeTooLarge},
		}
		for _, tc := range refused {
			problem(t, tc.who.do("POST", messagesPath(r), api.MessageInput{Body: tc.body}, key(newKey())), tc.status, tc.code)
		}
		decodeAs[api.NoteResult](t, c.applicant.do("POST", messagesPath(r), api.MessageInput{Body: strings.Repeat("é", instruct.MaxCommentLength)}, key(newKey())), http.StatusCreated)
		problem(t, c.applicant.do("POST", messagesPath(r), api.MessageInput{Body: "Sans clé"}), http.StatusBadRequest, instruct.CodeInvalid)
		if n := len(e.events(r.ID)); n != 4 {
			t.Errorf("events after the refused calls = %d, want 4: create, submit and the two messages", n)
		}
	})
}

// TestApplicantMessagesBounded: an applicant may add messages to a
// request only while it holds fewer than instruct.MaxApplicantMessages,
// so that a flood of them never fills the history the reviewers decide
// in: the reviewers' messages and decisions still go through. Both
// engines.
func TestApplicantMessagesBounded(t *testing.T) {
	bothEngines(t, func(t *testing.T, e *testEnv) {
		c := newCast(e)
		r := c.applicant.submitted("api_particulier", "Cantine")
		for i := range instruct.MaxApplicantMessages {
			res := c.applicant.do("POST", messagesPath(r), api.MessageInput{Body: "Relance " + itoa(int64(i))}, key(newKey()))
			if res.status != http.StatusCreated {
				t.Fatalf("message %d = %d %s, want 201", i+1, res.status, res.body)
			}
		}
		pr := problem(t, c.applicant.do("POST", messagesPath(r), api.MessageInput{Body: "Encore une relance"}, key(newKey())),
			http.StatusUnprocessableEntity, instruct.CodeInvalid)
		if !strings.Contains(pr.Detail, "100 messages") {
			t.Errorf("detail = %q, want it to say the request holds 100 messages", pr.Detail)
		}
		decodeAs[api.NoteResult](t, c.instructor.do("POST", "/requests/"+r.ID.String()+"/notes",
			api.NoteInput{Kind: instruct.KindMessage, Comment: "Nous revenons vers vous."}, key(newKey())), http.StatusCreated)
		decodeAs[api.DecisionResult](t, c.instructor.decide(r.ID.String(), r.Version, instruct.KindApprove, ""), http.StatusCreated)
	})
}

// TestNotesLeaveNoTraceForApplicants: an internal note written after a
// message to the applicant moves nothing the applicant can read: their
// feed item for the request stays at the message's seq (not the note's,
// which would tell when notes are written), its updated_at and version
// as they were, their next pull after it is empty, and their event
// stream, resumed from before, announces the message's seq. Both engines.
func TestNotesLeaveNoTraceForApplicants(t *testing.T) {
	bothEngines(t, func(t *testing.T, e *testEnv) {
		c := newCast(e)
		r := c.applicant.submitted("api_particulier", "Cantine")
		other := c.applicant.submitted("api_particulier", "Périscolaire")
		before := decodeAs[api.ChangesPage](t, c.applicant.do("GET", "/changes", nil), http.StatusOK)
		note := func(k instruct.Kind, comment string, on instruct.Request) instruct.Event {
			t.Helper()
			return decodeAs[api.NoteResult](t, c.instructor.do("POST", "/requests/"+on.ID.String()+"/notes",
				api.NoteInput{Kind: k, Comment: comment}, key(newKey())), http.StatusCreated).Event
		}
		msg := note(instruct.KindMessage, "Votre demande est en cours d'examen.", r)
		later := note(instruct.KindMessage, "Pièce reçue, merci.", other)
		internal := note(instruct.KindNote, "Interne : demander l'avis du DPD.", r)
		if internal.Seq <= later.Seq {
			t.Fatalf("the note's seq %d is not after the other message's %d", internal.Seq, later.Seq)
		}

		page := decodeAs[api.ChangesPage](t, c.applicant.do("GET", "/changes?after="+before.Cursor, nil), http.StatusOK)
		if len(page.Changes) != 2 {
			t.Fatalf("applicant's feed after the messages and the note = %d items, want 2", len(page.Changes))
		}
		first, second := page.Changes[0], page.Changes[1]
		if first.Request.ID != r.ID || first.Seq != msg.Seq || second.Request.ID != other.ID || second.Seq != later.Seq {
			t.Errorf("applicant's feed = [%s at %d, %s at %d], want [%s at %d (its message, not the note's %d), %s at %d]",
				first.Request.ID, first.Seq, second.Request.ID, second.Seq, r.ID, msg.Seq, internal.Seq, other.ID, later.Seq)
		}
		if !first.Request.UpdatedAt.Equal(r.UpdatedAt) || first.Request.Version != r.Version {
			t.Errorf("applicant's item: updated_at %v version %d, want %v and %d as before", first.Request.UpdatedAt, first.Request.Version, r.UpdatedAt, r.Version)
		}
		if got := kindsOf(first.Events); len(got) != 1 || got[0] != instruct.KindMessage {
			t.Errorf("applicant's events = %v, want the message only", got)
		}

		history := decodeAs[api.EventList](t, c.applicant.do("GET", "/requests/"+r.ID.String()+"/events", nil), http.StatusOK).Events
		if got := kindsOf(history); len(got) != 3 || got[2] != instruct.KindMessage || history[2].Comment != msg.Comment {
			t.Errorf("applicant's history = %v, want create, submit and the reviewer's message, without the note", got)
		}

		after := decodeAs[api.ChangesPage](t, c.applicant.do("GET", "/changes?after="+page.Cursor, nil), http.StatusOK)
		note(instruct.KindNote, "Interne : relancer le DPD.", r)
		if again := decodeAs[api.ChangesPage](t, c.applicant.do("GET", "/changes?after="+after.Cursor, nil), http.StatusOK); len(again.Changes) != 0 {
			t.Errorf("applicant's feed after one more note = %+v, want nothing", again.Changes)
		}

		s := openStream(t, c.applicant, header("Last-Event-ID", itoa(msg.Seq-1)))
		if !s.waitSeq(later.Seq) {
			t.Fatalf("the applicant's resumed stream never announced seq %d, the last message's", later.Seq)
		}
		time.Sleep(50 * time.Millisecond)
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, seq := range s.seqs {
			if seq != msg.Seq && seq != later.Seq {
				t.Errorf("the applicant's stream announced seq %d, an internal note's (messages at %d and %d)", seq, msg.Seq, later.Seq)
			}
		}
	})
}
