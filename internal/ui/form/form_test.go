package form

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/component"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

func newTestForm(k instruct.Kind) Model {
	msgs := i18n.French()
	keys := keymap.New(msgs.Keys)
	th := theme.New(true)
	m := New(k, Target{RequestID: 1042, Organization: "Ville de Lyon"}, component.Env{Theme: &th, Msgs: &msgs, Keys: &keys})
	m.SetSize(60, 12)
	return m
}

// TestFormRefusesBlankComment: a refusal or a request for changes whose
// comment is only Unicode spaces, tabs, newlines and invisible characters
// stays in the editor with the "comment required" error, never reaching
// the confirmation; a real word is enough to go on.
func TestFormRefusesBlankComment(t *testing.T) {
	send := tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
	for _, k := range []instruct.Kind{instruct.KindRefuse, instruct.KindRequestChanges} {
		for _, blank := range []string{"\u3000\u3000", "\u2003\u00a0 \t", "\u200b\u2060\ufeff", "\u3000\n\u2003\n\u202f"} {
			m := newTestForm(k)
			m, _ = m.Update(tea.PasteMsg{Content: blank})
			if !strings.ContainsAny(m.Comment(), "\u3000\u2003\u00a0\u200b\u2060\ufeff\u202f") && !strings.Contains(m.Comment(), "\n") {
				t.Fatalf("the paste of %+q left %+q in the editor: the test would prove nothing", blank, m.Comment())
			}
			m, act := m.Update(send)
			msgs := i18n.French()
			if m.Stage() != Editing || act != None || m.Err() != msgs.ErrComment(k) {
				t.Errorf("%s with comment %+q: stage %d, action %d, error %q; want to stay editing with %q", k, blank, m.Stage(), act, m.Err(), msgs.ErrComment(k))
			}
		}
		m := newTestForm(k)
		m, _ = m.Update(tea.PasteMsg{Content: "\u3000Non.\u3000"})
		if m, _ = m.Update(send); m.Stage() != Confirming {
			t.Errorf("%s with a one-word comment: stage %d, error %q; want the confirmation", k, m.Stage(), m.Err())
		}
	}
}

func keyPress(s string) tea.KeyPressMsg {
	switch s {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "end":
		return tea.KeyPressMsg{Code: tea.KeyEnd}
	case "ctrl+t":
		return tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl}
	}
	r := []rune(s)[0]
	return tea.KeyPressMsg{Code: r, Text: s}
}

func typeIn(m Model, keys ...string) (Model, Action) {
	var act Action
	for _, k := range keys {
		if len([]rune(k)) > 1 && k != "enter" && k != "esc" && k != "up" && k != "down" && k != "end" && k != "ctrl+t" {
			m, act = typeIn(m, strings.Split(k, "")...)
			continue
		}
		m, act = m.Update(keyPress(k))
	}
	return m, act
}

func formWithTemplates(k instruct.Kind) Model {
	m := newTestForm(k)
	m.target.Templates = []instruct.Template{
		{Kind: instruct.KindRefuse, Title: "Base légale insuffisante", Body: "Le cadre juridique cité ne couvre pas les données demandées.\n"},
		{Kind: instruct.KindApprove, Title: "Validation standard", Body: "Demande conforme."},
		{Kind: instruct.KindRefuse, Title: "Durée de conservation", Body: "La durée de conservation dépasse 36 mois sans justification."},
	}
	return m
}

// TestTemplatesPickedByTitle: ctrl+t lists the templates of the decision's
// kind by title; Enter inserts the highlighted one as a paragraph of its
// own after what was typed, and the draft is told of the change.
func TestTemplatesPickedByTitle(t *testing.T) {
	m := formWithTemplates(instruct.KindRefuse)
	m, _ = typeIn(m, "Bonjour,", "ctrl+t")
	if m.Stage() != Picking {
		t.Fatalf("after ctrl+t stage %d, want the list of templates", m.Stage())
	}
	screen := strings.Join(m.View(time.Time{}), "\n")
	if !strings.Contains(screen, "Base légale insuffisante") || !strings.Contains(screen, "Durée de conservation") || strings.Contains(screen, "Validation standard") {
		t.Errorf("the list shows:\n%s\nwant the two refusal templates by title, not the approval's", screen)
	}
	m, act := typeIn(m, "down", "enter")
	want := "Bonjour,\n\nLa durée de conservation dépasse 36 mois sans justification."
	if m.Stage() != Editing || act != Changed || m.Comment() != want {
		t.Errorf("after down, enter: stage %d, action %d, comment %q; want editing, Changed, %q", m.Stage(), act, m.Comment(), want)
	}
	if !strings.Contains(strings.Join(m.View(time.Time{}), "\n"), "modèle inséré : Durée de conservation") {
		t.Errorf("the form does not say which template went in:\n%s", strings.Join(m.View(time.Time{}), "\n"))
	}
}

// TestTemplateIsOwnParagraph: inserted in the middle of the text, a
// template is set apart by blank lines from what is before and after it,
// and typing goes on right after it.
func TestTemplateIsOwnParagraph(t *testing.T) {
	m := formWithTemplates(instruct.KindRefuse)
	m, _ = typeIn(m, "Bonjour,", "enter", "Cordialement.", "up", "end", "ctrl+t", "enter", "!")
	want := "Bonjour,\n\nLe cadre juridique cité ne couvre pas les données demandées.!\n\nCordialement."
	if m.Comment() != want {
		t.Errorf("comment %q, want %q", m.Comment(), want)
	}
}

// TestTemplateListEscKeepsComment: Esc closes the list and leaves the
// comment as it was; with no template for the decision, ctrl+t says so.
func TestTemplateListEscKeepsComment(t *testing.T) {
	m := formWithTemplates(instruct.KindRefuse)
	m, _ = typeIn(m, "Non.", "ctrl+t", "down", "esc")
	if m.Stage() != Editing || m.Comment() != "Non." {
		t.Errorf("after Esc in the list: stage %d, comment %q; want editing, %q", m.Stage(), m.Comment(), "Non.")
	}
	m = formWithTemplates(instruct.KindNote)
	m, _ = typeIn(m, "ctrl+t")
	if msgs := i18n.French(); m.Stage() != Editing || m.Err() != msgs.NoTemplates {
		t.Errorf("ctrl+t without templates: stage %d, error %q; want editing, %q", m.Stage(), m.Err(), msgs.NoTemplates)
	}
}

// TestFormCommentLimit: a paste over the limit stops at
// instruct.MaxCommentLength characters (not cells), and a template
// inserted at the limit is cut there too.
func TestFormCommentLimit(t *testing.T) {
	m := formWithTemplates(instruct.KindRefuse)
	m, _ = m.Update(tea.PasteMsg{Content: strings.Repeat("漢", instruct.MaxCommentLength-5)})
	m, _ = typeIn(m, "ctrl+t", "enter")
	if n := len([]rune(m.Comment())); n != instruct.MaxCommentLength {
		t.Errorf("comment is %d characters, want the limit %d", n, instruct.MaxCommentLength)
	}
	if m, _ = m.Update(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}); m.Stage() != Confirming {
		t.Errorf("a comment at the limit: stage %d, error %q; want the confirmation", m.Stage(), m.Err())
	}
}

// TestHelpFollowsTheStage: the form lists the keys of where it stands —
// sending while writing, picking while listing templates, y/n at the
// confirmation — so the help line never offers a key that does nothing.
func TestHelpFollowsTheStage(t *testing.T) {
	keysOf := func(m Model) string {
		var out []string
		for _, b := range m.ShortHelp() {
			out = append(out, b.Help().Key)
		}
		return strings.Join(out, " ")
	}
	m := formWithTemplates(instruct.KindRefuse)
	if got, want := keysOf(m), "ctrl+s ctrl+t esc"; got != want {
		t.Errorf("writing: help %q, want %q", got, want)
	}
	m, _ = typeIn(m, "Non.", "ctrl+t")
	if got, want := keysOf(m), "↑/k ↓/j enter n/esc"; got != want {
		t.Errorf("listing templates: help %q, want %q", got, want)
	}
	m, _ = typeIn(m, "esc")
	m, _ = m.Update(tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl})
	if m.Stage() != Confirming {
		t.Fatalf("after ctrl+s stage %d, want the confirmation", m.Stage())
	}
	if got, want := keysOf(m), "y n/esc"; got != want {
		t.Errorf("confirming: help %q, want %q", got, want)
	}
	if len(m.FullHelp()) != 1 || len(m.FullHelp()[0]) != len(m.ShortHelp()) {
		t.Errorf("the full help %v is not the keys of the stage", m.FullHelp())
	}
}

// TestConfirmationShowsTheWholeCommentWhenThereIsRoom: a comment that fits
// the confirmation's box is shown whole, every line of it, with no "…";
// one too long for the box is cut with "…" and the question and the keys
// still show.
func TestConfirmationShowsTheWholeCommentWhenThereIsRoom(t *testing.T) {
	send := tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
	lines := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "Ligne %d du motif.\n", i+1)
		}
		return strings.TrimSuffix(b.String(), "\n")
	}
	msgs := i18n.French()
	for _, tc := range []struct {
		height, lines int
		whole         bool
	}{{18, 10, true}, {24, 16, true}, {18, 30, false}} {
		m := newTestForm(instruct.KindRefuse)
		m.SetSize(80, tc.height)
		m, _ = m.Update(tea.PasteMsg{Content: lines(tc.lines)})
		if m, _ = m.Update(send); m.Stage() != Confirming {
			t.Fatalf("after ctrl+s stage %d, want the confirmation", m.Stage())
		}
		view := m.View(time.Time{})
		screen := strings.Join(view, "\n")
		last := fmt.Sprintf("Ligne %d du motif.", tc.lines)
		if got := strings.Contains(screen, last); got != tc.whole {
			t.Errorf("%d lines at height %d: last line shown = %v, want %v:\n%s", tc.lines, tc.height, got, tc.whole, screen)
		}
		if len(view) > tc.height || !strings.Contains(screen, "Ligne 1 du motif.") || !strings.Contains(screen, "D1042") {
			t.Errorf("%d lines at height %d: %d rows, or the question or the first line missing:\n%s", tc.lines, tc.height, len(view), screen)
		}
		if !strings.Contains(screen, strings.SplitN(msgs.ConfirmHint, " ", 2)[0]) {
			t.Errorf("%d lines at height %d: the keys are gone:\n%s", tc.lines, tc.height, screen)
		}
	}
}
