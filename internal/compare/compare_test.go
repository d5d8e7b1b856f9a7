package compare

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

var particulier = instruct.Definition{ID: "api_particulier", Scopes: []instruct.Scope{
	{ID: "cnaf_quotient_familial", Label: "Quotient familial CAF", Group: "CNAF"},
	{ID: "cnaf_adresse", Label: "Adresse", Group: "CNAF"},
	{ID: "dgfip_rfr", Label: "Revenu fiscal de référence", Group: "DGFiP"},
}}

func contact(role, name, email, phone string) map[string]any {
	return map[string]any{"role": role, "name": name, "email": email, "phone": phone, "job_title": ""}
}

func TestExplain(t *testing.T) {
	long := "La commune simplifie l'inscription à la cantine scolaire : le tarif applicable est déterminé à partir du quotient familial."
	longer := "La commune simplifie l'inscription à la cantine scolaire : le tarif applicable est calculé à partir du quotient familial transmis par la CAF."
	tests := []struct {
		name string
		diff instruct.Diff
		want []Field
	}{
		{"short text as old and new", instruct.Diff{"title": {"Cantine", "Cantine scolaire"}},
			[]Field{{Name: "title", Kind: Value, Old: "Cantine", New: "Cantine scolaire"}}},
		{"number", instruct.Diff{"retention_months": {60.0, 12.0}},
			[]Field{{Name: "retention_months", Kind: Value, Old: 60.0, New: 12.0}}},
		{"long text word by word", instruct.Diff{"description": {long, longer}},
			[]Field{{Name: "description", Kind: Words, Spans: []Span{
				{Skipped, ""}, {Same, "scolaire : le tarif applicable est"}, {Removed, "déterminé"}, {Added, "calculé"},
				{Same, "à partir du quotient"}, {Removed, "familial."}, {Added, "familial transmis par la CAF."},
			}}}},
		{"scopes added and removed with their labels", instruct.Diff{"scopes": {
			[]any{"cnaf_quotient_familial", "cnaf_adresse"}, []any{"cnaf_quotient_familial", "dgfip_rfr", "retired_scope"}}},
			[]Field{{Name: "scopes", Kind: Set,
				Added: []Item{
					{ID: "dgfip_rfr", Label: "Revenu fiscal de référence", Group: "DGFiP", Known: true},
					{ID: "retired_scope"},
				},
				Removed: []Item{{ID: "cnaf_adresse", Label: "Adresse", Group: "CNAF", Known: true}}}}},
		{"contacts by role", instruct.Diff{"contacts": {
			[]any{contact(instruct.ContactTechnical, "Jean Roux", "j@x.fr", "01"), contact(instruct.ContactDPO, "Inès Fontaine", "i@x.fr", "02")},
			[]any{contact(instruct.ContactDPO, "Paul Martin", "p@x.fr", "02"), contact(instruct.ContactTechnical, "Jean Roux", "j@x.fr", "03"),
				contact(instruct.ContactController, "Léa Petit", "l@x.fr", "")},
		}},
			[]Field{{Name: "contacts", Kind: Roles, Contacts: []Contact{
				{Role: instruct.ContactDPO, Old: "Inès Fontaine <i@x.fr>", New: "Paul Martin <p@x.fr>"},
				{Role: instruct.ContactController, Old: "", New: "Léa Petit <l@x.fr>"},
				{Role: instruct.ContactTechnical, Old: "Jean Roux <j@x.fr> · 01", New: "Jean Roux <j@x.fr> · 03"},
			}}}},
		{"object part by part, only what changed", instruct.Diff{"legal_basis": {
			map[string]any{"nature": "CRPA L114-8", "url": "https://a.gouv.fr/1", "document": nil},
			map[string]any{"nature": "CRPA L114-8", "url": "https://a.gouv.fr/2", "document": "délibération.pdf"}}},
			[]Field{
				{Name: "legal_basis", Part: "url", Kind: Value, Old: "https://a.gouv.fr/1", New: "https://a.gouv.fr/2"},
				{Name: "legal_basis", Part: "document", Kind: Value, Old: nil, New: "délibération.pdf"},
			}},
		{"typed values read as JSON", instruct.Diff{"legal_basis": {
			instruct.LegalBasis{Nature: "CRPA"}, instruct.LegalBasis{Nature: "RGPD"}}},
			[]Field{{Name: "legal_basis", Part: "nature", Kind: Value, Old: "CRPA", New: "RGPD"}}},
		{"form order", instruct.Diff{"scopes": {nil, []any{"dgfip_rfr"}}, "title": {"A", "B"}, "zz_new": {"x", "y"}},
			[]Field{
				{Name: "title", Kind: Value, Old: "A", New: "B"},
				{Name: "scopes", Kind: Set, Added: []Item{{ID: "dgfip_rfr", Label: "Revenu fiscal de référence", Group: "DGFiP", Known: true}}},
				{Name: "zz_new", Kind: Value, Old: "x", New: "y"},
			}},
		{"text cut when stored", instruct.Diff{"description": {long + " et la suite coupée ici " + instruct.CutMarker, longer + " et la suite coupée là" + " " + instruct.CutMarker}},
			[]Field{{Name: "description", Kind: Words, Cut: true, Spans: []Span{
				{Skipped, ""}, {Same, "scolaire : le tarif applicable est"}, {Removed, "déterminé"}, {Added, "calculé"},
				{Same, "à partir du quotient"}, {Removed, "familial."}, {Added, "familial transmis par la CAF."},
				{Same, "et la suite coupée"},
			}}}},
		{"value too large to store", instruct.Diff{"description": {long, instruct.CutMarker}},
			[]Field{{Name: "description", Kind: Value, Old: long, New: instruct.CutMarker, Cut: true}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Explain(tc.diff, particulier)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Explain(%s) mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name, old, cur string
		want           string
	}{
		{"one word changed", "le tarif est fixé", "le tarif est calculé", "le tarif est [-fixé-] {+calculé+}"},
		{"words added", "a b c", "a x y b c", "a {+x y+} b c"},
		{"words removed", "a x y b c", "a b c", "a [-x y-] b c"},
		{"spacing is not a change", "a  b\nc", "a b c d", "a b c {+d+}"},
		{"all new", "", "a b", "{+a b+}"},
		{"long unchanged runs skipped", "1 2 3 4 5 6 7 8 9 10 X 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 Y 27 28 29 30 31 32 33 34",
			"1 2 3 4 5 6 7 8 9 10 x 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 y 27 28 29 30 31 32 33 34",
			"… 5 6 7 8 9 10 [-X-] {+x+} 11 12 13 14 15 16 … 21 22 23 24 25 26 [-Y-] {+y+} 27 28 29 30 31 32 …"},
		{"a run just long enough is kept whole", "1 2 3 4 5 6 7 X", "1 2 3 4 5 6 7 Y", "1 2 3 4 5 6 7 [-X-] {+Y+}"},
		{"a combining mark after a space stays with its word", "a \u0301b c", "a \u0301b d", "a \u0301b [-c-] {+d+}"},
	}
	for _, tc := range tests {
		if got := Marked(Diff(tc.old, tc.cur)); got != tc.want {
			t.Errorf("Diff(%q, %q) = %q, want %q", tc.old, tc.cur, got, tc.want)
		}
	}
}

// TestDiffPastTheBudgetIsReplaced: texts that differ over more words than
// MaxCells allows comparing are shown removed and added whole, their
// common start and end still set aside.
func TestDiffPastTheBudgetIsReplaced(t *testing.T) {
	long := alternating(MaxWords+1, "a", "b")
	if got, want := Diff(long, "a"), []Span{{Removed, long}, {Added, "a"}}; !cmp.Equal(got, want) {
		t.Errorf("Diff of a text of %d words = %.80v…, want it removed whole", MaxWords+1, got)
	}
	a, b := alternating(1000, "a", "b"), alternating(1000, "b", "a")
	got := Diff("début "+a+" fin", "début "+b+" fin")
	want := []Span{{Same, "début"}, {Removed, a}, {Added, b}, {Same, "fin"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Diff over %d×%d words mismatch (-want +got):\n%s", 1000, 1000, diff)
	}
}

// alternating returns n words, x and y in turn.
func alternating(n int, x, y string) string {
	words := make([]string, n)
	for i := range words {
		words[i] = x
		if i%2 == 1 {
			words[i] = y
		}
	}
	return strings.Join(words, " ")
}

// BenchmarkDiffWorstCase: the costliest texts the budget lets through
// (512 × 512 one-letter words, nothing in common at either end), texts
// of MaxWords words that differ in the middle, which it turns away, and
// a 5 MB text against another, which MaxWords turns away.
func BenchmarkDiffWorstCase(b *testing.B) {
	cases := []struct {
		name     string
		old, cur string
	}{
		{"512x512 words", alternating(512, "a", "b"), alternating(512, "b", "a")},
		{"4096 words", "x " + alternating(MaxWords-2, "a", "b") + " y", "x " + alternating(MaxWords-2, "b", "a") + " y"},
		{"5MB", alternating(5<<20/2, "a", "b"), alternating(5<<20/2, "b", "a")},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				Diff(c.old, c.cur)
			}
		})
	}
}
