package form

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
)

func press(e *editor, keys ...string) {
	for _, k := range keys {
		switch k {
		case "enter":
			e.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
		case "backspace":
			e.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
		case "left":
			e.Update(tea.KeyPressMsg{Code: tea.KeyLeft})
		case "up":
			e.Update(tea.KeyPressMsg{Code: tea.KeyUp})
		case "ctrl+w":
			e.Update(tea.KeyPressMsg{Code: 'w', Mod: tea.ModCtrl})
		default:
			for _, r := range k {
				e.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
		}
	}
}

func TestEditorEdits(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		want string
	}{
		{"typing", []string{"Bonjour"}, "Bonjour"},
		{"enter is a new line", []string{"a", "enter", "b"}, "a\nb"},
		{"backspace joins lines", []string{"a", "enter", "backspace", "b"}, "ab"},
		{"insert in the middle", []string{"ac", "left", "b"}, "abc"},
		{"up keeps the column", []string{"abc", "enter", "de", "up", "X"}, "abXc\nde"},
		{"ctrl+w deletes a word", []string{"un deux", "ctrl+w"}, "un "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEditor()
			e.SetSize(20, 5)
			press(&e, tc.keys...)
			if got := e.Value(); got != tc.want {
				t.Errorf("after %q Value() = %q, want %q", tc.keys, got, tc.want)
			}
		})
	}
}

func TestEditorPasteDropsControls(t *testing.T) {
	e := newEditor()
	e.SetSize(40, 5)
	e.Update(tea.PasteMsg{Content: "ligne 1\r\nligne\x1b[2J 2\t!\u009b"})
	if got, want := e.Value(), "ligne 1\nligne[2J 2    !"; got != want {
		t.Errorf("after a paste Value() = %q, want %q", got, want)
	}
}

func TestEditorStopsAtLimit(t *testing.T) {
	e := newEditor()
	e.SetSize(40, 5)
	e.Insert(strings.Repeat("é", instruct.MaxCommentLength+10))
	if n := e.Len(); n != instruct.MaxCommentLength {
		t.Errorf("Len() = %d, want the limit %d", n, instruct.MaxCommentLength)
	}
}

func TestEditorWrapsAndFollowsCursor(t *testing.T) {
	e := newEditor()
	e.SetSize(10, 2)
	press(&e, "aaaaaaaaa", "bbbbbbbbb", "ccc")
	lines, x, y := e.View()
	if len(lines) != 2 || y != 1 || x != 3 {
		t.Errorf("View() = %q, cursor (%d,%d), want the last 2 rows and the cursor at (3,1)", lines, x, y)
	}
	for _, l := range lines {
		if len([]rune(l)) > 9 {
			t.Errorf("row %q is wider than the field allows", l)
		}
	}
}
