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
	m.SetEvents("D1042", events)
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
