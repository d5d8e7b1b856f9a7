package timeline

import (
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/component"
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
	m := New(component.Env{Theme: &th, Msgs: &msgs, Keys: &keys})
	m.SetSize(100, 40)
	m.SetEvents(1042, events, instruct.Definition{})
	text := strings.Join(m.Lines(), "\n")
	for _, want := range []string{
		"01/03/2026 11:00 UTC  Marie Dupont a demandé des modifications", "Conservation trop longue.",
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

// TestTimesInTheReviewersZone: the history shows each time in the
// reviewer's zone with its offset from UTC (summer time included), and
// its title names the zone, in French and in English.
func TestTimesInTheReviewersZone(t *testing.T) {
	winter := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	summer := time.Date(2026, 7, 1, 9, 0, 0, 0, time.UTC)
	events := []instruct.Event{
		{Kind: instruct.KindSubmit, Actor: instruct.Actor{Name: "Camille Martin"}, At: winter},
		{Kind: instruct.KindApprove, Actor: instruct.Actor{Name: "Marie Dupont"}, At: summer},
	}
	tests := []struct {
		zone, lang string
		want       []string
	}{
		{"Europe/Paris", "fr", []string{"fuseau horaire : Europe/Paris", "01/03/2026 10:00 UTC+01:00  Camille Martin", "01/07/2026 11:00 UTC+02:00  Marie Dupont"}},
		{"America/Cayenne", "fr", []string{"fuseau horaire : America/Cayenne", "01/03/2026 06:00 UTC-03:00  Camille Martin", "01/07/2026 06:00 UTC-03:00  Marie Dupont"}},
		{"UTC", "fr", []string{"fuseau horaire : UTC", "01/03/2026 09:00 UTC  Camille Martin", "01/07/2026 09:00 UTC  Marie Dupont"}},
		{"Europe/Paris", "en", []string{"time zone: Europe/Paris", "2026-03-01 10:00 UTC+01:00  Camille Martin", "2026-07-01 11:00 UTC+02:00  Marie Dupont"}},
		{"America/Cayenne", "en", []string{"time zone: America/Cayenne", "2026-03-01 06:00 UTC-03:00  Camille Martin", "2026-07-01 06:00 UTC-03:00  Marie Dupont"}},
		{"UTC", "en", []string{"time zone: UTC", "2026-03-01 09:00 UTC  Camille Martin", "2026-07-01 09:00 UTC  Marie Dupont"}},
	}
	for _, tc := range tests {
		loc, err := time.LoadLocation(tc.zone)
		if err != nil {
			t.Fatal(err)
		}
		th, msgs := theme.Plain(), i18n.For(tc.lang).InZone(loc)
		keys := keymap.New(msgs.Keys)
		m := New(component.Env{Theme: &th, Msgs: &msgs, Keys: &keys})
		m.SetSize(100, 20)
		m.SetEvents(1042, events, instruct.Definition{})
		screen := strings.Join(m.View(time.Time{}), "\n")
		for _, want := range tc.want {
			if !strings.Contains(screen, want) {
				t.Errorf("%s, %s: the history lacks %q:\n%s", tc.zone, tc.lang, want, screen)
			}
		}
	}
}

func newTimeline(msgs i18n.Messages, w, h int) Model {
	th, keys := theme.Plain(), keymap.New(msgs.Keys)
	m := New(component.Env{Theme: &th, Msgs: &msgs, Keys: &keys})
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
	m.SetEvents(1042, history(20), instruct.Definition{})
	view := strings.Join(m.View(time.Time{}), "\n")
	if !strings.Contains(view, "Dernier événement.") || strings.Contains(view, "Message numéro A") {
		t.Errorf("the history does not open at its latest event:\n%s", view)
	}
	m.scroll.Top()
	m.ShowLatest()
	if view := strings.Join(m.View(time.Time{}), "\n"); !strings.Contains(view, "Dernier événement.") {
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
		m.SetEvents(1042, events, instruct.Definition{})
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

// TestWordDiffReadsWithoutHue: in colour, what a resubmission took out is
// struck out and what it put in underlined, so the two differ by more
// than their hue; without colour they are marked [-…-] and {+…+}.
func TestWordDiffReadsWithoutHue(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	old := "Les données servent à calculer le tarif de la cantine scolaire à partir du quotient familial."
	cur := "Les données servent à calculer le tarif de la cantine scolaire et du centre de loisirs à partir du quotient familial."
	events := []instruct.Event{
		{Kind: instruct.KindRequestChanges, Actor: instruct.Actor{Name: "Marie Dupont"}, At: at},
		{Kind: instruct.KindSubmit, Actor: instruct.Actor{Name: "Camille Martin"}, At: at.Add(time.Hour),
			Diff: instruct.Diff{"description": {old, cur}}},
	}
	msgs, keys := i18n.English(), keymap.New(i18n.English().Keys)
	coloured := theme.New(true)
	m := New(component.Env{Theme: &coloured, Msgs: &msgs, Keys: &keys})
	m.SetSize(200, 30)
	m.SetEvents(1042, events, instruct.Definition{})
	text := strings.Join(m.Lines(), "\n")
	added := coloured.DiffNew.Paint("et du centre de loisirs")
	if !strings.Contains(text, added) || !sgrHas(added, "4") {
		t.Errorf("the words put in are not underlined (%q):\n%q", added, text)
	}
	if removed := coloured.DiffOld.Paint("x"); !sgrHas(removed, "9") {
		t.Errorf("what a change takes out is not struck out: %q", removed)
	}
	plain := newTimeline(msgs, 200, 30)
	plain.SetEvents(1042, events, instruct.Definition{})
	if text := strings.Join(plain.Lines(), "\n"); !strings.Contains(text, "scolaire {+et du centre de loisirs+} à partir") {
		t.Errorf("without colour the words put in are not marked:\n%s", text)
	}
}

// sgrHas reports whether the SGR sequence painted opens with sets
// attribute attr ("4" underline, "9" crossed out), colour parameters
// (38;2;r;g;b, 38;5;n) aside.
func sgrHas(painted, attr string) bool {
	open, _, _ := strings.Cut(strings.TrimPrefix(painted, "\x1b["), "m")
	params := strings.Split(open, ";")
	for i := 0; i < len(params); i++ {
		switch p := params[i]; {
		case (p == "38" || p == "48" || p == "58") && i+1 < len(params) && params[i+1] == "2":
			i += 4
		case (p == "38" || p == "48" || p == "58") && i+1 < len(params) && params[i+1] == "5":
			i += 2
		case p == attr:
			return true
		}
	}
	return false
}

// TestProviderIsNamedInTheScreensLanguage: the token the API provider
// issued is told with the provider named in the reviewer's language, not
// by the French name the server records.
func TestProviderIsNamedInTheScreensLanguage(t *testing.T) {
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	provider := instruct.Actor{ID: instruct.ProviderActorID, Name: "Fournisseur de l'API"}
	events := []instruct.Event{{Kind: instruct.KindTokenDelivered, Actor: provider, HabilitationID: 2041, At: at}}
	for _, tc := range []struct {
		msgs      i18n.Messages
		want, not string
	}{
		{i18n.English(), "the API provider", "Fournisseur"},
		{i18n.French(), "le fournisseur de l'API", "the API provider"},
	} {
		th, msgs := theme.Plain(), tc.msgs
		keys := keymap.New(msgs.Keys)
		m := New(component.Env{Theme: &th, Msgs: &msgs, Keys: &keys})
		m.SetSize(100, 20)
		m.SetEvents(1042, events, instruct.Definition{})
		text := strings.Join(m.Lines(), "\n")
		if !strings.Contains(text, tc.want) || strings.Contains(text, tc.not) {
			t.Errorf("the history names the provider wrongly (want %q, not %q):\n%s", tc.want, tc.not, text)
		}
	}
}
