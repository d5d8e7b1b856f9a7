package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
)

// resubmittedHistory is a request resubmitted after a request for changes
// in which the applicant changed scopes, the DPO, a long text and the
// retention period; the new DPO's name holds a terminal escape.
func resubmittedHistory() instruct.History {
	at := testNow.Add(-72 * time.Hour)
	submitted := at.Add(48 * time.Hour)
	dpo := func(name, email string) map[string]any {
		return map[string]any{"role": instruct.ContactDPO, "name": name, "email": email, "phone": "", "job_title": ""}
	}
	tech := map[string]any{"role": instruct.ContactTechnical, "name": "Jean Roux", "email": "j.roux@lyon.fr", "phone": "", "job_title": ""}
	oldText := "Les données servent à calculer le tarif de la cantine scolaire à partir du quotient familial, sans justificatif papier."
	newText := "Les données servent à calculer le tarif de la cantine scolaire et du centre de loisirs à partir du quotient familial, sans justificatif papier."
	diff := instruct.Diff{
		"scopes":           {[]any{"cnaf_quotient_familial", "cnaf_adresse"}, []any{"cnaf_quotient_familial", "cnaf_enfants"}},
		"contacts":         {[]any{dpo("Inès Fontaine", "i.fontaine@lyon.fr"), tech}, []any{tech, dpo("Paul\x1b[2J Martin", "p.martin@lyon.fr")}},
		"data_recipients":  {oldText, newText},
		"retention_months": {60.0, 12.0},
	}
	r := instruct.Request{ID: 9100, Definition: "api_particulier", Status: instruct.StatusSubmitted, Version: 4,
		Title: "Cantine scolaire", Organization: instruct.Organization{Name: "Ville de Lyon"},
		Scopes: []string{"cnaf_quotient_familial", "cnaf_enfants"}, RetentionMonths: 12, DataRecipients: newText,
		TermsAccepted: true, DPOInformed: true, CreatedAt: at, SubmittedAt: &submitted, UpdatedAt: submitted}
	applicant := instruct.Actor{ID: demo.ApplicantID, Name: "Camille Martin"}
	reviewer := instruct.Actor{ID: demo.InstructorID, Name: "Marie Dupont"}
	events := []instruct.Event{
		{Seq: 1, Kind: instruct.KindCreate, Actor: applicant, At: at},
		{Seq: 2, Kind: instruct.KindSubmit, Actor: applicant, At: at.Add(time.Hour)},
		{Seq: 3, Kind: instruct.KindRequestChanges, Actor: reviewer, Comment: "Merci de corriger.", At: at.Add(2 * time.Hour)},
		{Seq: 4, Kind: instruct.KindUpdate, Actor: applicant, Diff: diff, At: at.Add(47 * time.Hour)},
		{Seq: 5, Kind: instruct.KindSubmit, Actor: applicant, Diff: diff, At: submitted},
	}
	for i := range events {
		events[i].RequestID = r.ID
	}
	return instruct.History{Request: r, CreatedBy: demo.ApplicantID, Events: events}
}

// cacheWith returns a cache holding the catalogue, the reviewer and h,
// as the sync engine writes them.
func cacheWith(t *testing.T, h instruct.History) *store.Store {
	t.Helper()
	st := openStore(t, 0)
	item := instruct.FeedItem{Seq: h.Events[len(h.Events)-1].Seq, Request: h.Request, Events: h.Events}
	if err := st.ApplyPage(context.Background(), []instruct.FeedItem{item}, "5"); err != nil {
		t.Fatalf("ApplyPage: %v", err)
	}
	return st
}

// TestResubmissionDiffIsReadable: the history of a resubmission shows
// scopes added and removed with their catalogue labels, the DPO's change
// by role, a long text word by word and the rest as old → new, in both
// languages, with the applicant's escape shown, not obeyed.
func TestResubmissionDiffIsReadable(t *testing.T) {
	st := cacheWith(t, resubmittedHistory())
	wants := map[string][]string{
		"fr": {
			"Données :", "+ Identités enfants (cnaf_enfants)", "− Adresse du foyer (cnaf_adresse)",
			"Délégué à la protection des données : Inès Fontaine <i.fontaine@lyon.fr> → Paul^[[2J Martin <p.martin@lyon.fr>",
			"cantine scolaire {+et du centre de loisirs+} à partir", "Conservation (mois) : 60 → 12",
		},
		"en": {
			"Data:", "+ Identités enfants (cnaf_enfants)", "− Adresse du foyer (cnaf_adresse)",
			"Data protection officer: Inès Fontaine <i.fontaine@lyon.fr> → Paul^[[2J Martin <p.martin@lyon.fr>",
			"cantine scolaire {+et du centre de loisirs+} à partir", "Retention (months): 60 → 12",
		},
	}
	for lang, want := range wants {
		d := newDriver(t, Options{Cache: st, Lang: lang}, 200, 50)
		d.keys("t")
		screen := d.screen()
		for _, w := range want {
			if !strings.Contains(screen, w) {
				t.Errorf("%s: the history lacks %q:\n%s", lang, w, screen)
			}
		}
		if strings.Contains(screen, "Jean Roux") {
			t.Errorf("%s: the history names the technical contact, who did not change:\n%s", lang, screen)
		}
		if strings.ContainsRune(screen, '\x1b') {
			t.Errorf("%s: the history passes an escape to the terminal", lang)
		}
	}
}
