// Package picker is a list to pick one item from by its title, such as
// the APIs to filter the queue by or a decision's message templates. The
// highlighted item is marked ▶ (it shows without colour) and kept in view;
// the owner draws the list where it wants it, framed as it wants, and
// gives it the keys that pick and go back, so their help reads right
// ("choose", "insert").
package picker

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

// Item is one entry of the list. Titles are already sanitised.
type Item struct {
	Title string
	// Note follows the title, muted, such as "current filter".
	Note string
}

// Action is what the list asks of its owner after a key.
type Action int

const (
	// None: the key moved the highlight, or did nothing.
	None Action = iota
	// Picked: the highlighted item is chosen (see Cursor).
	Picked
	// Back: the reviewer leaves the list without choosing.
	Back
	// Ignored: the key is not the list's.
	Ignored
)

// Keys are the list's bindings: moving, picking and going back.
type Keys struct {
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding
	Pick, Back                              key.Binding
}

// KeysOf returns the list's bindings from the screen's key map, with the
// given keys to pick and to go back.
func KeysOf(k *keymap.KeyMap, pick, back key.Binding) Keys {
	return Keys{Up: k.Up, Down: k.Down, Top: k.Top, Bottom: k.Bottom, PageUp: k.PageUp, PageDown: k.PageDown,
		Pick: pick, Back: back}
}

// Help is the list's help, from the bindings Update uses.
func (k Keys) Help() keymap.Help {
	return keymap.Help{
		Short: []key.Binding{k.Up, k.Down, k.Pick, k.Back},
		Full:  [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown, k.Pick, k.Back}},
	}
}

// Model is a list of items with one highlighted.
type Model struct {
	items          []Item
	cursor, offset int
	width, height  int

	theme *theme.Theme
	keys  Keys
}

// New returns a list of items, the first highlighted.
func New(items []Item, th *theme.Theme, keys Keys) Model {
	return Model{items: items, theme: th, keys: keys}
}

// SetTheme changes the styles.
func (m *Model) SetTheme(th *theme.Theme) { m.theme = th }

// SetSize sets the size the list is drawn in, w cells by h lines.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, max(1, h)
	m.follow()
}

// Select highlights item i.
func (m *Model) Select(i int) {
	m.cursor = max(0, min(i, len(m.items)-1))
	m.follow()
}

// Cursor returns the index of the highlighted item.
func (m Model) Cursor() int { return m.cursor }

// Len returns the number of items.
func (m Model) Len() int { return len(m.items) }

// Keys returns the list's bindings.
func (m Model) Keys() Keys { return m.keys }

// Update moves the highlight, picks or goes back.
func (m Model) Update(msg tea.KeyPressMsg) (Model, Action) {
	switch {
	case key.Matches(msg, m.keys.Pick):
		if len(m.items) == 0 {
			return m, None
		}
		return m, Picked
	case key.Matches(msg, m.keys.Back):
		return m, Back
	case key.Matches(msg, m.keys.Up):
		m.Select(m.cursor - 1)
	case key.Matches(msg, m.keys.Down):
		m.Select(m.cursor + 1)
	case key.Matches(msg, m.keys.Top):
		m.Select(0)
	case key.Matches(msg, m.keys.Bottom):
		m.Select(len(m.items) - 1)
	case key.Matches(msg, m.keys.PageUp):
		m.Select(m.cursor - m.height)
	case key.Matches(msg, m.keys.PageDown):
		m.Select(m.cursor + m.height)
	default:
		return m, Ignored
	}
	return m, None
}

// follow scrolls so that the highlighted item is in view.
func (m *Model) follow() {
	if m.height <= 0 {
		return
	}
	m.offset = max(0, min(m.offset, m.cursor, len(m.items)-m.height))
	if m.cursor >= m.offset+m.height {
		m.offset = m.cursor - m.height + 1
	}
}

// View draws the items in view: exactly the size set, one item a line,
// the highlighted one marked ▶.
func (m Model) View() []string {
	end := min(len(m.items), m.offset+m.height)
	lines := make([]string, 0, m.height)
	for i := m.offset; i < end; i++ {
		lines = append(lines, m.row(i))
	}
	return frame.Pad(lines, m.width, m.height)
}

// row draws item i.
func (m Model) row(i int) string {
	it := m.items[i]
	if i == m.cursor {
		text := " ▶ " + it.Title
		if it.Note != "" {
			text += "  " + it.Note
		}
		return m.theme.Cursor.Paint(frame.Fit(text, m.width))
	}
	text := "   " + it.Title
	if it.Note != "" {
		text += "  " + m.theme.Muted.Paint(it.Note)
	}
	return frame.Fit(text, m.width)
}
