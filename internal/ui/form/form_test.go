package form

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

func newTestForm(k instruct.Kind) Model {
	msgs := i18n.French()
	keys := keymap.New(msgs.Keys)
	th := theme.New(true)
	m := New(k, Target{RequestID: 1042, Organization: "Ville de Lyon"}, &th, &msgs, &keys)
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
