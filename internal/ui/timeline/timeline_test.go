package timeline

import (
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

func TestResubmissionShowsWhatChangedSinceTheRequestForChanges(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	applicant := instruct.Actor{Name: "Camille Martin"}
	events := []instruct.Event{
		{Kind: instruct.KindSubmit, Actor: applicant, At: at},
		{Kind: instruct.KindRequestChanges, Actor: instruct.Actor{Name: "Marie Dupont"}, Comment: "Conservation trop longue.", At: at.Add(time.Hour)},
		{Kind: instruct.KindUpdate, Actor: applicant, At: at.Add(2 * time.Hour), Diff: instruct.Diff{"retention_months": {"60", "24"}}},
		{Kind: instruct.KindUpdate, Actor: applicant, At: at.Add(3 * time.Hour), Diff: instruct.Diff{"retention_months": {"24", "12"}, "title": {"Cantine", "Cantine scolaire"}}},
		{Kind: instruct.KindSubmit, Actor: applicant, At: at.Add(4 * time.Hour)},
	}
	th, msgs := theme.Plain(), i18n.French()
	keys := keymap.New(msgs.Keys)
	m := New(&th, &msgs, &keys)
	m.SetSize(100, 40)
	m.SetEvents(1042, events)
	text := strings.Join(m.Lines(), "\n")
	for _, want := range []string{
		"01/03/2026 11:00  Marie Dupont a demandé des modifications", "Conservation trop longue.",
		"Modifié depuis la demande de modifications :", "Conservation (mois) : 60 → 12", "Intitulé : Cantine → Cantine scolaire",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the history lacks %q:\n%s", want, text)
		}
	}
	if first, last := strings.Index(text, "a soumis"), strings.LastIndex(text, "a soumis"); first >= strings.Index(text, "a demandé") || last <= strings.Index(text, "a demandé") {
		t.Errorf("the events are not oldest first:\n%s", text)
	}
}

func TestValue(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"nil", nil, "—"},
		{"list", []any{"cnaf_quotient_familial", "cnaf_adresse"}, "cnaf_quotient_familial, cnaf_adresse"},
		{"contact", map[string]any{"name": "Inès Fontaine", "email": "i@x.fr"}, "Inès Fontaine"},
		{"number", 36.0, "36"},
		{"typed", instruct.LegalBasis{Nature: "CRPA L114-8", URL: "https://x"}, "document: —, nature: CRPA L114-8, url: https://x"},
	}
	for _, tc := range tests {
		if got := Value(tc.in); got != tc.want {
			t.Errorf("Value(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func newTimeline(msgs i18n.Messages, w, h int) Model {
	th, keys := theme.Plain(), keymap.New(msgs.Keys)
	m := New(&th, &msgs, &keys)
	m.SetSize(w, h)
	return m
}

// history returns n events of a request, a comment each, the last a
// resubmission.
func history(n int) []instruct.Event {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	var events []instruct.Event
	for i := range n {
		events = append(events, instruct.Event{Kind: instruct.KindMessage, Actor: instruct.Actor{Name: "Karim Benali"},
			Comment: "Message numéro " + string(rune('A'+i)) + ".\nDeuxième ligne.", At: at.Add(time.Duration(i) * time.Hour)})
	}
	events[n-1].Kind, events[n-1].Comment = instruct.KindSubmit, "Dernier événement."
	return events
}

// TestHistoryOpensAtTheLatestEvent: a long history shows its latest event
// first, and again when it is opened after scrolling away.
func TestHistoryOpensAtTheLatestEvent(t *testing.T) {
	m := newTimeline(i18n.English(), 80, 12)
	m.SetEvents(1042, history(20))
	view := strings.Join(m.View(), "\n")
	if !strings.Contains(view, "Dernier événement.") || strings.Contains(view, "Message numéro A") {
		t.Errorf("the history does not open at its latest event:\n%s", view)
	}
	m.scroll.Top()
	m.ShowLatest()
	if view := strings.Join(m.View(), "\n"); !strings.Contains(view, "Dernier événement.") {
		t.Errorf("ShowLatest does not show the latest event:\n%s", view)
	}
}

// TestInternalNoteIsMarked: an internal note says it is internal, and
// every line of it is marked, unlike a message to the applicant.
func TestInternalNoteIsMarked(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	events := []instruct.Event{
		{Kind: instruct.KindNote, Actor: instruct.Actor{Name: "Marie Dupont"}, Comment: "Voir avec le DPD.\nAppel prévu lundi.", At: at},
		{Kind: instruct.KindMessage, Actor: instruct.Actor{Name: "Marie Dupont"}, Comment: "Merci de préciser la délibération.", At: at.Add(time.Hour)},
	}
	for _, msgs := range []i18n.Messages{i18n.English(), i18n.French()} {
		m := newTimeline(msgs, 100, 30)
		m.SetEvents(1042, events)
		lines := m.Lines()
		text := strings.Join(lines, "\n")
		if !strings.Contains(text, msgs.InternalNote) {
			t.Errorf("%s: the note is not said to be internal:\n%s", msgs.Lang, text)
		}
		for _, l := range lines {
			switch {
			case strings.Contains(l, "Voir avec le DPD."), strings.Contains(l, "Appel prévu lundi."):
				if !strings.Contains(l, "┆") {
					t.Errorf("%s: a line of the note is not marked internal: %q", msgs.Lang, l)
				}
			case strings.Contains(l, "Merci de préciser"):
				if strings.Contains(l, "┆") {
					t.Errorf("%s: a message to the applicant is marked internal: %q", msgs.Lang, l)
				}
			}
		}
	}
}
