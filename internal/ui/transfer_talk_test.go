package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
)

// transferredID is the request the transfer tests put in the cache.
const transferredID instruct.RequestID = 9002

// transferredStore is a real cache holding request transferredID, pulled
// in two pages: filed by Camille, who writes to the reviewers (read);
// then transferred by Inès to Yanis, whom she welcomes and who writes in
// turn (unread). Messages carry the server's mark of the applicant's.
func transferredStore(t *testing.T) *store.Store {
	t.Helper()
	st := openStore(t, 0)
	camille := instruct.Actor{ID: "u-camille", Name: "Camille Martin"}
	yanis := instruct.Actor{ID: "u-yanis", Name: "Yanis Robert"}
	ines := instruct.Actor{ID: "u-ines", Name: "Inès Fontaine"}
	filed := testNow.Add(-72 * time.Hour)
	r := instruct.Request{ID: transferredID, Definition: "api_particulier", Status: instruct.StatusSubmitted, Version: 3,
		Title: "Cantine scolaire", Organization: instruct.Organization{SIRET: "21690123100011", Name: "Ville de Lyon", City: "Lyon"},
		Applicant: instruct.Person{Name: yanis.Name, Email: "yanis.robert@mairie-lyon.fr"},
		Scopes:    []string{"cnaf_quotient_familial"}, RetentionMonths: 12,
		CreatedAt: filed, SubmittedAt: &filed, UpdatedAt: filed}
	at := func(h int) time.Time { return filed.Add(time.Duration(h) * time.Hour) }
	moved := instruct.Diff{"applicant": {instruct.Person{Name: camille.Name, Email: "camille.martin@mairie-lyon.fr"},
		instruct.Person{Name: yanis.Name, Email: "yanis.robert@mairie-lyon.fr"}}}
	events := []instruct.Event{
		{Seq: 201, RequestID: transferredID, Kind: instruct.KindCreate, Actor: camille, At: at(0)},
		{Seq: 202, RequestID: transferredID, Kind: instruct.KindSubmit, Actor: camille, At: at(1)},
		{Seq: 203, RequestID: transferredID, Kind: instruct.KindMessage, Actor: camille, Comment: "Je quitte la mairie.", FromApplicant: true, At: at(2)},
		{Seq: 204, RequestID: transferredID, Kind: instruct.KindTransfer, Actor: ines, Comment: "Départ de l'agent.", Diff: moved, At: at(3)},
		{Seq: 205, RequestID: transferredID, Kind: instruct.KindMessage, Actor: ines, Comment: "Bienvenue sur le dossier.", At: at(4)},
		{Seq: 206, RequestID: transferredID, Kind: instruct.KindMessage, Actor: yanis, Comment: "Je reprends le dossier.", FromApplicant: true, At: at(5)},
	}
	ctx := context.Background()
	before := r
	before.Version, before.Applicant = 2, instruct.Person{Name: camille.Name, Email: "camille.martin@mairie-lyon.fr"}
	if err := st.ApplyPage(ctx, []instruct.FeedItem{{Seq: 203, Request: before, Events: events[:3]}}, "203"); err != nil {
		t.Fatalf("ApplyPage: %v", err)
	}
	if err := st.MarkSeen(ctx, transferredID); err != nil {
		t.Fatalf("MarkSeen: %v", err)
	}
	if err := st.ApplyPage(ctx, []instruct.FeedItem{{Seq: 206, Request: r, Events: events[3:]}}, "206"); err != nil {
		t.Fatalf("ApplyPage: %v", err)
	}
	return st
}

// TestConversationAfterTransfer: after a transfer, the new applicant's
// message marks the queue's row @ and reads as the applicant's in the
// conversation (M) and in the history; the reviewer who welcomed them
// still wrote to the applicant, and the former applicant's message,
// written while she was the applicant, still reads as hers. Both
// languages.
func TestConversationAfterTransfer(t *testing.T) {
	tests := []struct {
		lang                                 string
		yanisWrote, camilleWrote, inesWrote  string
		yanisToReviewers, inesToTheApplicant string
	}{
		{"en", "Yanis Robert, the applicant, wrote", "Camille Martin, the applicant, wrote", "Inès Fontaine wrote",
			"Yanis Robert wrote to the reviewers", "Inès Fontaine wrote to the applicant"},
		{"fr", "Yanis Robert, le demandeur, a écrit", "Camille Martin, le demandeur, a écrit", "Inès Fontaine a écrit",
			"Yanis Robert a écrit aux instructeurs", "Inès Fontaine a écrit au demandeur"},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			st := transferredStore(t)
			if !unread(t, st, transferredID) {
				t.Errorf("the new applicant's message is not unread in the cache")
			}
			d := newDriver(t, Options{Cache: st, Lang: tc.lang}, 120, 40)
			d.selectRequest(transferredID)
			if row := lineWith(d.screen(), "D9002"); !strings.Contains(row, "@") {
				t.Errorf("D9002's row reads %q, want @ for the new applicant's message", row)
			}
			d.keys("enter", "M")
			screen := d.screen()
			for _, want := range []string{tc.yanisWrote, tc.camilleWrote, tc.inesWrote} {
				if !strings.Contains(screen, want) {
					t.Errorf("the conversation lacks %q:\n%s", want, screen)
				}
			}
			if strings.Contains(screen, "Inès Fontaine, ") {
				t.Errorf("the conversation takes the reviewer for the applicant:\n%s", screen)
			}
			d.keys("t")
			screen = d.screen()
			for _, want := range []string{tc.yanisToReviewers, tc.inesToTheApplicant} {
				if !strings.Contains(screen, want) {
					t.Errorf("the history lacks %q:\n%s", want, screen)
				}
			}
		})
	}
}
