package review

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/component"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

// withText returns a review at w×h of a request citing a PDF whose text
// is text, the legal pane focused.
func withText(tb testing.TB, text string, w, h int) Model {
	th, msgs := theme.Plain(), i18n.English()
	keys := keymap.New(msgs.Keys).WithDocuments(msgs.Documents())
	m := New(component.Env{Theme: &th, Msgs: &msgs, Keys: &keys})
	m.SetSize(w, h)
	d := detail()
	doc := instruct.Document{ID: "doc_1", Name: "convention.pdf", ContentType: instruct.ContentTypePDF, Size: int64(len(text)),
		Pages: 300, Text: instruct.DocumentTextAvailable}
	d.Request.Documents, d.Request.LegalBasis.Document = []instruct.Document{doc}, &doc.ID
	m.SetDetail(d)
	m.SetDocumentText(d.Request.ID, doc.ID, DocText{State: TextShown, Content: instruct.DocumentContent{Text: sanitize.Document(text)}})
	m.SetFocus(Legal)
	return m
}

// convention is some 300 pages of an agreement's text, about 1 MiB.
func convention() string {
	para := "Article %d. La collectivité s’engage à n’utiliser les données du quotient familial transmises par la CNAF " +
		"qu’aux seules fins de la tarification sociale de la restauration scolaire, dans le respect du règlement général " +
		"sur la protection des données et des articles L. 114-8 et suivants du code des relations entre le public et l’administration.\n"
	return strings.Repeat(para, 1<<20/len(para))
}

func typeKey(m Model, s string) Model {
	for _, r := range s {
		m = m.FindKey(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}

func TestFindStopsCountingAtMaxMatches(t *testing.T) {
	m := withText(t, convention(), 200, 50)
	m.StartFind()
	m = typeKey(m, "e")
	if len(m.doc.find.matches) != maxMatches || !m.doc.find.many || !strings.Contains(m.FindLine(), "over 10000 matches") {
		t.Errorf("a find of e in 1 MiB: %d matches, many %v, line %q", len(m.doc.find.matches), m.doc.find.many, m.FindLine())
	}
}

// BenchmarkFindKeystroke is one key typed in the find of a 1 MiB text
// (the worst case, one letter found everywhere, then a word), with the
// frame it draws, at 200×50.
func BenchmarkFindKeystroke(b *testing.B) {
	for _, q := range []string{"e", "quotient"} {
		b.Run(q, func(b *testing.B) {
			m := withText(b, convention(), 200, 50)
			m.StartFind()
			m = typeKey(m, q[:len(q)-1])
			last := tea.KeyPressMsg{Code: rune(q[len(q)-1]), Text: q[len(q)-1:]}
			back := tea.KeyPressMsg{Code: tea.KeyBackspace}
			b.ResetTimer()
			for range b.N {
				m = m.FindKey(last)
				_ = m.View(time.Time{})
				b.StopTimer()
				m = m.FindKey(back)
				b.StartTimer()
			}
		})
	}
}

// BenchmarkRebuildWithLongText is a refresh of the review (a sync) while
// it shows a 1 MiB text: the wrapped lines are kept, not wrapped again.
func BenchmarkRebuildWithLongText(b *testing.B) {
	m := withText(b, convention(), 200, 50)
	d := m.Detail()
	b.ResetTimer()
	for range b.N {
		m.SetDetail(d)
	}
}

func TestReflowJoinsTheLinesOfAParagraph(t *testing.T) {
	in := "RÉPUBLIQUE FRANÇAISE\nVILLE DE QUIMPER\n\nLa commune applique aux repas de ses écoles\npubliques une grille tarifaire.\nArticle 1 — D'autoriser la ville pour les\ndonnées suivantes :\ncnaf_quotient_familial."
	want := "RÉPUBLIQUE FRANÇAISE\nVILLE DE QUIMPER\n\nLa commune applique aux repas de ses écoles publiques une grille tarifaire.\nArticle 1 — D'autoriser la ville pour les données suivantes :\ncnaf_quotient_familial."
	if got := reflow(in); got != want {
		t.Errorf("reflow =\n%s\nwant\n%s", got, want)
	}
}
