package ui

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/replica"
	"github.com/instruct-dev/instruct/internal/store"
)

// talkID is the request the conversation tests put in the cache.
const talkID instruct.RequestID = 9001

// Seqs of the events of request talkID.
const (
	seqCreate int64 = 101 + iota
	seqSubmit
	seqAsked
	seqNote
	seqAnswer
)

// talkWords are the texts of the request's exchanges: the reviewer's
// question, an internal note, and the applicant's answer with a
// terminal escape in it.
const (
	askedText  = "Pouvez-vous joindre la délibération du conseil municipal ?"
	noteText   = "Interne : vérifier la délibération avec le DPD."
	answerText = "Voici la délibération n° 2026-061.\x1b[2J Merci."
)

// talkStore is a real cache holding the catalogue, the demo reviewer and
// request talkID: filed by an applicant, asked a question by a
// reviewer, noted internally, then answered by the applicant — an answer
// the reviewer has not read.
func talkStore(t *testing.T) *store.Store {
	t.Helper()
	st := openStore(t, 0)
	applicant := instruct.Actor{ID: "u-applicant", Name: "Camille Martin"}
	ines := instruct.Actor{ID: "u-ines", Name: "Inès Fontaine"}
	filed := testNow.Add(-72 * time.Hour)
	r := instruct.Request{ID: talkID, Definition: "api_particulier", Status: instruct.StatusSubmitted, Version: 2,
		Title: "Cantine scolaire", Organization: instruct.Organization{SIRET: "21690123100011", Name: "Ville de Lyon", City: "Lyon"},
		Applicant: instruct.Person{Name: applicant.Name, Email: "camille.martin@mairie-lyon.fr"},
		Scopes:    []string{"cnaf_quotient_familial"}, RetentionMonths: 12,
		CreatedAt: filed, SubmittedAt: &filed, UpdatedAt: filed}
	at := func(h int) time.Time { return filed.Add(time.Duration(h) * time.Hour) }
	events := []instruct.Event{
		{Seq: seqCreate, RequestID: talkID, Kind: instruct.KindCreate, Actor: applicant, At: at(0)},
		{Seq: seqSubmit, RequestID: talkID, Kind: instruct.KindSubmit, Actor: applicant, At: at(1)},
		{Seq: seqAsked, RequestID: talkID, Kind: instruct.KindMessage, Actor: ines, Comment: askedText, At: at(2)},
		{Seq: seqNote, RequestID: talkID, Kind: instruct.KindNote, Actor: ines, Comment: noteText, At: at(3)},
		{Seq: seqAnswer, RequestID: talkID, Kind: instruct.KindMessage, Actor: applicant, Comment: answerText, At: at(4)},
	}
	if err := st.ApplyPage(context.Background(), []instruct.FeedItem{{Seq: seqAnswer, Request: r, Events: events}}, "105"); err != nil {
		t.Fatalf("ApplyPage: %v", err)
	}
	return st
}

// unread reports whether the cache marks request id's applicant message
// unread.
func unread(t *testing.T, st *store.Store, id instruct.RequestID) bool {
	t.Helper()
	items, err := st.Queue(context.Background(), instruct.QueueQuery{Sort: instruct.SortAge})
	if err != nil {
		t.Fatalf("Queue: %v", err)
	}
	for _, it := range items {
		if it.ID == id {
			return it.Unread
		}
	}
	t.Fatalf("%s is not in the queue", id)
	return false
}

// TestConversationApartFromNotes: M shows the messages with the
// applicant alone, oldest first, each saying who wrote to whom, the
// applicant's text with its escape made visible, and no internal note;
// t goes back to the whole history, where the note is marked internal
// and the applicant's message says it went to the reviewers. Opening the
// request read its message: the queue's @ is gone, in the cache too.
// Both languages.
func TestConversationApartFromNotes(t *testing.T) {
	tests := []struct {
		lang                                            string
		title, fromApplicant, fromReviewer, toReviewers string
	}{
		{"en", "Conversation with the applicant · D9001", "Camille Martin, the applicant, wrote",
			"Inès Fontaine wrote to the applicant", "Camille Martin wrote to the reviewers"},
		{"fr", "Correspondance avec le demandeur · D9001", "Camille Martin, le demandeur, a écrit",
			"Inès Fontaine a écrit au demandeur", "Camille Martin a écrit aux instructeurs"},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			st := talkStore(t)
			if !unread(t, st, talkID) {
				t.Fatalf("the applicant's answer is not unread before the request is opened")
			}
			d := newDriver(t, Options{Cache: st, Lang: tc.lang}, 120, 40)
			d.selectRequest(talkID)
			if row := lineWith(d.screen(), "D9001"); !strings.Contains(row, "@") {
				t.Errorf("before opening D9001 its row reads %q, want @", row)
			}
			d.keys("enter")
			if row := lineWith(d.screen(), "D9001"); strings.Contains(row, "@") || unread(t, st, talkID) {
				t.Errorf("after opening D9001: row %q, unread in the cache %v; want the message read", row, unread(t, st, talkID))
			}
			d.keys("M")
			screen := d.screen()
			for _, want := range []string{tc.title, tc.fromReviewer, askedText, tc.fromApplicant, "Voici la délibération n° 2026-061.^[[2J Merci."} {
				if !strings.Contains(screen, want) {
					t.Errorf("the conversation lacks %q:\n%s", want, screen)
				}
			}
			if strings.Contains(screen, "Interne") || strings.Contains(screen, "\x1b[2J") {
				t.Errorf("the conversation shows the internal note or the raw escape:\n%s", screen)
			}
			if asked, answer := strings.Index(screen, tc.fromReviewer), strings.Index(screen, tc.fromApplicant); asked > answer {
				t.Errorf("the question comes after the answer:\n%s", screen)
			}
			d.keys("t")
			screen = d.screen()
			for _, want := range []string{"┆ " + noteText, tc.toReviewers} {
				if !strings.Contains(screen, want) {
					t.Errorf("the history lacks %q:\n%s", want, screen)
				}
			}
		})
	}
}

// deliveriesAnswer is GET /requests/D9001/deliveries as the contract
// writes it: the question mailed, and the webhook of the answer failing,
// its error text hostile.
const deliveriesAnswer = `{"deliveries": [
 {"id": "d-mail", "channel": "mail", "event_seq": 103, "target": "c…@mairie-lyon.fr", "status": "delivered",
  "attempts": 1, "last_status": 250, "last_error": "", "next_attempt_at": null, "delivered_at": "2026-03-13T11:31:00Z"},
 {"id": "d-hook", "channel": "webhook", "event_seq": 105, "target": "api.example.gouv.fr", "status": "pending",
  "attempts": 3, "last_status": 500, "last_error": "boom\u001b[31m", "next_attempt_at": "2026-03-16T14:05:00Z",
  "delivered_at": null}]}`

// TestHistoryShowsDeliveries: opening the history asks the server for
// the request's deliveries (a real HTTP exchange of the documented
// answer) and draws each under the event that caused it, in words; the
// cache keeps them, so that the history shows them again with the server
// gone. Both languages.
func TestHistoryShowsDeliveries(t *testing.T) {
	tests := []struct{ lang, mail, hook string }{
		{"en", "→ mail to c…@mairie-lyon.fr delivered", "→ webhook to api.example.gouv.fr: failed 3 times, next try 14:05 (boom^[[31m)"},
		{"fr", "→ courriel à c…@mairie-lyon.fr remis", "→ webhook vers api.example.gouv.fr : 3 échecs, prochain essai à 14:05 (boom^[[31m)"},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			st := talkStore(t)
			asked := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/api/v1/requests/D9001/deliveries" {
					http.NotFound(w, r)
					return
				}
				asked++
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, deliveriesAnswer)
			}))
			api := client.New(srv.URL, "secret-token", client.Options{MaxRetries: -1})
			deliveries := replica.New(st, api, replica.Options{}).Deliveries()
			d := newDriver(t, Options{Cache: st, Lang: tc.lang, Deliveries: deliveries}, 140, 40)
			d.selectRequest(talkID)
			if asked != 0 {
				t.Errorf("selecting the request asked the server %d times, want none before the history opens", asked)
			}
			d.keys("t")
			screen := d.screen()
			if asked != 1 {
				t.Errorf("opening the history asked the server %d times, want once", asked)
			}
			checkDeliveryLines(t, screen, tc.mail, tc.hook)

			srv.Close()
			offline := newDriver(t, Options{Cache: st, Lang: tc.lang, Deliveries: deliveries}, 140, 40)
			offline.selectRequest(talkID)
			offline.keys("t")
			checkDeliveryLines(t, offline.screen(), tc.mail, tc.hook)
		})
	}
}

// checkDeliveryLines checks that the mail's line comes under the
// reviewer's question and the webhook's under the applicant's answer.
func checkDeliveryLines(t *testing.T, screen, mail, hook string) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	find := func(s string) int {
		for i, l := range lines {
			if strings.Contains(l, s) {
				return i
			}
		}
		return -1
	}
	question, answer := find("Pouvez-vous"), find("Voici la délibération")
	m, h := find(mail), find(hook)
	if m < 0 || h < 0 {
		t.Fatalf("the history lacks the delivery lines %q and %q:\n%s", mail, hook, screen)
	}
	if !(question < m && m < answer && answer < h) {
		t.Errorf("the deliveries are not under their events (question %d, mail %d, answer %d, webhook %d):\n%s", question, m, answer, h, screen)
	}
	if strings.Contains(screen, "\x1b[31m") {
		t.Errorf("the delivery's error reached the screen raw:\n%s", screen)
	}
}
