package review

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

func detail() *Detail {
	submitted := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	def := instruct.Definition{ID: "api_particulier", Name: "API Particulier", Scopes: []instruct.Scope{
		{ID: "cnaf_quotient_familial", Label: "Quotient familial CAF & MSA", Group: "API Quotient familial CAF & MSA"},
		{ID: "cnaf_adresse", Label: "Adresse", Group: "API Quotient familial CAF & MSA"},
	}}
	r := instruct.Request{ID: 1042, Definition: def.ID, Status: instruct.StatusSubmitted, Title: "Cantine scolaire",
		Organization:    instruct.Organization{SIRET: "21690123100011", Name: "Ville de Lyon", City: "Lyon"},
		LegalBasis:      instruct.LegalBasis{Nature: "Code de l'éducation R531-52"},
		Scopes:          []string{"cnaf_quotient_familial", "dgfip_rfr"},
		RetentionMonths: 60, SubmittedAt: &submitted, CreatedAt: submitted, UpdatedAt: submitted}
	return &Detail{Request: r, Definition: def, Flags: r.Flags(def), Unknown: r.UnknownScopes(def)}
}

func newReview() Model {
	th, msgs := theme.Plain(), i18n.French()
	keys := keymap.New(msgs.Keys)
	return New(&th, &msgs, &keys)
}

func TestFlagsAndScopesAreShown(t *testing.T) {
	m := newReview()
	m.SetSize(150, 40, false)
	m.SetDetail(detail())
	view := strings.Join(m.View(time.Date(2026, 3, 13, 10, 0, 0, 0, time.UTC)), "\n")
	for _, want := range []string{
		"D1042 · API Particulier · Ville de Lyon · Statut : soumise · soumise le 01/03/2026, il y a 12 j",
		"⚑ Conservation de 60 mois (plus de 36) sans justification",
		"⚑ Cadre juridique sans lien ni document joint",
		"⚑ Données hors catalogue : dgfip_rfr",
		"✓ Quotient familial CAF & MSA", "(cnaf_quotient_familial)", "✗ dgfip_rfr",
		"SIRET 216 901 231 00011",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("the review lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, "(cnaf_adresse)") {
		t.Errorf("the review lists a scope that was not requested")
	}
}

func TestPanesScrollOnTheirOwn(t *testing.T) {
	m := newReview()
	m.SetSize(90, 12, false)
	d := detail()
	d.Request.Description = strings.Repeat("Une longue description. ", 80)
	m.SetDetail(d)
	m.SetFocus(Details)
	for range 5 {
		m, _ = m.Update(keyJ())
	}
	if m.panes[Details].Offset != 5 || m.panes[Legal].Offset != 0 {
		t.Errorf("after 5 j on the first pane the offsets are %d and %d, want 5 and 0",
			m.panes[Details].Offset, m.panes[Legal].Offset)
	}
	for _, l := range m.View(time.Now()) {
		if frame.Width(l) != 90 {
			t.Errorf("line %q is %d cells wide, want 90", l, frame.Width(l))
		}
	}
}

func keyJ() tea.KeyPressMsg { return tea.KeyPressMsg{Code: 'j', Text: "j"} }

// TestEnglishReviewHasNoFrenchSpacing: the English review writes
// "Status: submitted", never "Status : submitted".
func TestEnglishReviewHasNoFrenchSpacing(t *testing.T) {
	th, msgs := theme.Plain(), i18n.English()
	keys := keymap.New(msgs.Keys)
	m := New(&th, &msgs, &keys)
	m.SetSize(150, 60, false)
	m.SetDetail(detail())
	view := strings.Join(m.View(time.Date(2026, 3, 13, 10, 0, 0, 0, time.UTC)), "\n")
	for _, want := range []string{"Status: submitted", "Terms accepted: no"} {
		if !strings.Contains(view, want) {
			t.Errorf("the English review lacks %q:\n%s", want, view)
		}
	}
	if strings.Contains(view, " : ") {
		t.Errorf("the English review has a colon spaced the French way:\n%s", view)
	}
}

// TestHeaderNamesStatusAndFirstSubmission: a request submitted again
// after changes names its status, when it was first submitted and when it
// was last, in both languages.
func TestHeaderNamesStatusAndFirstSubmission(t *testing.T) {
	first := time.Date(2025, 9, 30, 12, 28, 0, 0, time.UTC)
	for _, tc := range []struct {
		msgs i18n.Messages
		want string
	}{
		{i18n.English(), "D1042 · API Particulier · Ville de Lyon · Status: submitted · first submitted 2025-09-30, again 12 d ago"},
		{i18n.French(), "D1042 · API Particulier · Ville de Lyon · Statut : soumise · déposée le 30/09/2025, resoumise il y a 12 j"},
	} {
		th, keys := theme.Plain(), keymap.New(tc.msgs.Keys)
		m := New(&th, &tc.msgs, &keys)
		m.SetSize(150, 40, false)
		d := detail()
		d.FirstSubmittedAt = &first
		m.SetDetail(d)
		if got := m.View(time.Date(2026, 3, 13, 10, 0, 0, 0, time.UTC))[0]; !strings.Contains(got, tc.want) {
			t.Errorf("%s header = %q, want %q", tc.msgs.Lang, got, tc.want)
		}
	}
}

// legifrance is a legal basis link longer than a pane of the wide layout.
const legifrance = "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000045213315?etatTexte=VIGUEUR"

// TestLinksAreNeverSplit: a legal basis link too long for its pane shows
// whole on one line under the header, in colour as a hyperlink whose
// target is the text shown, in the pane on one line (cut, never wrapped);
// without colour, the same text without escapes.
func TestLinksAreNeverSplit(t *testing.T) {
	d := detail()
	d.Request.LegalBasis.URL = legifrance
	now := time.Date(2026, 3, 13, 10, 0, 0, 0, time.UTC)

	m := newReview()
	m.SetSize(150, 40, false)
	m.SetDetail(d)
	view := m.View(now)
	if !hasLine(view, "Lien : "+legifrance) {
		t.Errorf("no line shows the link whole:\n%s", strings.Join(view, "\n"))
	}
	for _, l := range m.PaneLines(Legal) {
		if strings.Contains(l, "LEGIARTI") && !strings.Contains(l, "https://www.legifrance") {
			t.Errorf("the legal pane splits the link: %q", l)
		}
	}
	if text := strings.Join(view, "\n"); strings.Contains(text, "\x1b") {
		t.Errorf("without colour the review holds escapes")
	}

	coloured, msgs := theme.New(true), i18n.French()
	keys := keymap.New(msgs.Keys)
	c := New(&coloured, &msgs, &keys)
	c.SetSize(150, 40, false)
	c.SetDetail(d)
	want := "\x1b]8;;" + legifrance + "\x07" + legifrance + "\x1b]8;;\x07"
	if text := strings.Join(c.View(now), "\n"); !strings.Contains(text, want) {
		t.Errorf("in colour the link is not a hyperlink to itself, %q:\n%q", want, text)
	}
}

// TestApplicantLinksThatFoolAreNotFollowable: a link with user info
// before another host, or holding an escape, is shown as the text it is,
// never made a hyperlink nor put on the links line.
func TestApplicantLinksThatFoolAreNotFollowable(t *testing.T) {
	for _, u := range []string{
		"https://www.legifrance.gouv.fr@evil.example/codes/article_lc/LEGIARTI000045213315",
		`https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000045213315^[]8;;https://evil.example^G`,
	} {
		d := detail()
		d.Request.LegalBasis.URL = u
		coloured, msgs := theme.New(true), i18n.French()
		keys := keymap.New(msgs.Keys)
		m := New(&coloured, &msgs, &keys)
		m.SetSize(150, 40, false)
		m.SetDetail(d)
		text := strings.Join(m.View(time.Now()), "\n")
		if strings.Contains(text, "\x1b]8;") || strings.Contains(text, "Lien : https") {
			t.Errorf("%q is made a link:\n%q", u, text)
		}
	}
}

// hasLine reports whether a line of lines holds s.
func hasLine(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}
