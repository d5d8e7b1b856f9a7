package picker

import (
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

func newList(n, h int) Model {
	items := make([]Item, n)
	for i := range items {
		items[i] = Item{Title: "API " + strconv.Itoa(i+1)}
	}
	km := keymap.New(i18n.English().Keys)
	th := theme.Plain()
	m := New(items, &th, KeysOf(&km, km.Choose, km.Cancel))
	m.SetSize(30, h)
	return m
}

func press(m Model, keys ...tea.KeyPressMsg) (Model, Action) {
	var a Action
	for _, k := range keys {
		m, a = m.Update(k)
	}
	return m, a
}

var (
	down  = tea.KeyPressMsg{Code: tea.KeyDown}
	up    = tea.KeyPressMsg{Code: tea.KeyUp}
	enter = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc   = tea.KeyPressMsg{Code: tea.KeyEscape}
	end   = tea.KeyPressMsg{Code: 'G', Text: "G"}
	quit  = tea.KeyPressMsg{Code: 'q', Text: "q"}
)

func TestUpdate(t *testing.T) {
	tests := []struct {
		name       string
		keys       []tea.KeyPressMsg
		wantCursor int
		wantAction Action
	}{
		{"down twice", []tea.KeyPressMsg{down, down}, 2, None},
		{"up stops at the top", []tea.KeyPressMsg{up, up}, 0, None},
		{"down stops at the bottom", []tea.KeyPressMsg{end, down}, 9, None},
		{"enter picks the highlighted item", []tea.KeyPressMsg{down, enter}, 1, Picked},
		{"esc goes back", []tea.KeyPressMsg{down, esc}, 1, Back},
		{"other keys are the owner's", []tea.KeyPressMsg{quit}, 0, Ignored},
	}
	for _, tc := range tests {
		m, a := press(newList(10, 4), tc.keys...)
		if m.Cursor() != tc.wantCursor || a != tc.wantAction {
			t.Errorf("%s: cursor %d, action %v; want %d, %v", tc.name, m.Cursor(), a, tc.wantCursor, tc.wantAction)
		}
	}
}

// TestViewKeepsTheHighlightInView: a list longer than its height scrolls
// to keep the highlighted item, marked ▶, on screen, in lines of the
// width set.
func TestViewKeepsTheHighlightInView(t *testing.T) {
	m, _ := press(newList(10, 4), down, down, down, down, down)
	view := m.View()
	if len(view) != 4 {
		t.Fatalf("View() has %d lines, want 4", len(view))
	}
	if got := strings.TrimSpace(view[3]); got != "▶ API 6" {
		t.Errorf("the last line = %q, want the highlighted API 6", got)
	}
	for i, l := range view {
		if w := len([]rune(l)); w != 30 {
			t.Errorf("line %d is %d cells wide, want 30: %q", i, w, l)
		}
	}
	m.Select(0)
	if got := strings.TrimSpace(m.View()[0]); got != "▶ API 1" {
		t.Errorf("after Select(0) the first line = %q, want ▶ API 1", got)
	}
}

// TestHelpComesFromTheKeysGiven: the help lists the keys the owner gave
// to pick and go back, with their words.
func TestHelpComesFromTheKeysGiven(t *testing.T) {
	m := newList(3, 3)
	var descs []string
	for _, b := range m.Keys().Help().Short {
		descs = append(descs, b.Help().Key+" "+b.Help().Desc)
	}
	if got := strings.Join(descs, ", "); !strings.Contains(got, "enter choose") || !strings.Contains(got, "esc cancel") {
		t.Errorf("Help().Short = %s, want enter to choose and esc to cancel", got)
	}
}
