package form

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/cells"
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

// TestEditorWrapsAtWordBoundaries: a long sentence wraps between words,
// never inside one, and every row fits the field.
func TestEditorWrapsAtWordBoundaries(t *testing.T) {
	e := newEditor()
	e.SetSize(20, 5)
	text := "Le cadre juridique cité ne couvre pas les données fiscales demandées."
	press(&e, text)
	lines, _, _ := e.View()
	var words []string
	for _, l := range lines {
		if w := cells.Width(l); w > 20 {
			t.Errorf("row %q is %d cells wide, the field 20", l, w)
		}
		words = append(words, strings.Fields(l)...)
	}
	if got, want := strings.Join(words, " "), text; got != want {
		t.Errorf("the rows %q split words: read back %q, want %q", lines, got, want)
	}
	if len(lines) < 4 || strings.TrimSpace(lines[0]) != "Le cadre juridique" {
		t.Errorf("rows %q: want the sentence wrapped after \"juridique\"", lines)
	}
}

// TestEditorFollowsCursor: in a field two rows high, the rows shown are
// the cursor's, and the cursor is on the last one, after what was typed.
func TestEditorFollowsCursor(t *testing.T) {
	e := newEditor()
	e.SetSize(10, 2)
	press(&e, "un", "enter", "deux", "enter", "trois", "enter", "quatre")
	lines, x, y := e.View()
	if len(lines) != 2 || strings.TrimSpace(lines[0]) != "trois" || strings.TrimSpace(lines[1]) != "quatre" || y != 1 || x != 6 {
		t.Errorf("View() = %q, cursor (%d,%d), want the rows trois, quatre and the cursor at (6,1)", lines, x, y)
	}
}
