// Package queue is the reviewer's list of requests: one line per request
// with its ID, organisation, API, age against the review deadline and the
// state of the reviewer's own pending decision. It holds the whole list in
// memory and draws only the rows on screen, so 100,000 requests scroll as
// fast as ten.
package queue

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

// API is what a row shows of a request's definition.
type API struct {
	Short    string
	Deadline time.Duration
}

// Model is the queue. Items are already sanitised.
type Model struct {
	items          []instruct.QueueItem
	cursor, offset int
	width, height  int
	focused        bool
	loading        bool
	showStatus     bool
	empty          string

	// view is what the columns show for the tab and sort in force.
	view View

	apis   map[string]API
	theme  *theme.Theme
	msgs   *i18n.Messages
	claims i18n.ClaimWords
	keys   *keymap.KeyMap
}

// View is what the columns show: Decided shows who made the latest
// decision and its date (the Approved and Refused tabs) instead of the
// holder and the age; Sort is the order the list follows, whose time the
// age column shows (since the last update for SortUpdated, since
// submission otherwise); Me is the reviewer, whose claims are marked ●.
type View struct {
	Decided bool
	Sort    instruct.Sort
	Me      string
}

// New returns an empty queue.
func New(th *theme.Theme, msgs *i18n.Messages, keys *keymap.KeyMap) Model {
	return Model{theme: th, msgs: msgs, claims: msgs.Claims(), keys: keys, focused: true, loading: true, empty: msgs.NoRequests}
}

// SetView sets what the columns show.
func (m *Model) SetView(v View) { m.view = v }

// SetTheme changes the styles.
func (m *Model) SetTheme(th *theme.Theme) { m.theme = th }

// SetSize sets the outer size of the queue's box.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.scrollToCursor()
}

// SetFocused tells the queue whether keys go to it, which changes how the
// selected row is drawn.
func (m *Model) SetFocused(f bool) { m.focused = f }

// SetAPIs sets the definitions rows refer to.
func (m *Model) SetAPIs(apis map[string]API) { m.apis = apis }

// SetShowStatus adds a status column, for the tab that mixes statuses.
func (m *Model) SetShowStatus(show bool) { m.showStatus = show }

// SetEmptyText sets what an empty queue says.
func (m *Model) SetEmptyText(s string) { m.empty = s }

// SetLoading marks the list as still arriving.
func (m *Model) SetLoading(loading bool) { m.loading = loading }

// SetItems replaces the rows and puts the cursor on keepID when present,
// otherwise keeps it at the same index.
func (m *Model) SetItems(items []instruct.QueueItem, keepID instruct.RequestID) {
	m.items = items
	if i := m.Index(keepID); i >= 0 {
		m.cursor = i
	}
	m.clampCursor()
	m.scrollToCursor()
}

// Append adds rows at the end of the list.
func (m *Model) Append(items []instruct.QueueItem) {
	m.items = append(m.items, items...)
}

// Items returns the rows.
func (m Model) Items() []instruct.QueueItem { return m.items }

// Len returns the number of rows.
func (m Model) Len() int { return len(m.items) }

// Index returns the row of request id, or -1.
func (m Model) Index(id instruct.RequestID) int {
	if id == 0 {
		return -1
	}
	for i := range m.items {
		if m.items[i].ID == id {
			return i
		}
	}
	return -1
}

// Offset returns the index of the first row on screen.
func (m Model) Offset() int { return m.offset }

// Cursor returns the index of the selected row.
func (m Model) Cursor() int { return m.cursor }

// Selected returns the selected row, if any.
func (m Model) Selected() (instruct.QueueItem, bool) {
	if m.cursor < 0 || m.cursor >= len(m.items) {
		return instruct.QueueItem{}, false
	}
	return m.items[m.cursor], true
}

// SelectedID returns the ID of the selected row, or 0.
func (m Model) SelectedID() instruct.RequestID {
	it, _ := m.Selected()
	return it.ID
}

// Select moves the cursor to row i.
func (m *Model) Select(i int) {
	m.cursor = i
	m.clampCursor()
	m.scrollToCursor()
}

// Move moves the cursor by delta rows.
func (m *Model) Move(delta int) { m.Select(m.cursor + delta) }

// SetItem replaces the row of it.ID, if present.
func (m *Model) SetItem(it instruct.QueueItem) {
	if i := m.Index(it.ID); i >= 0 {
		m.items[i] = it
	}
}

// Update moves the cursor on navigation keys and reports whether it
// handled the key.
func (m Model) Update(msg tea.KeyPressMsg) (Model, bool) {
	switch {
	case key.Matches(msg, m.keys.Up):
		m.Move(-1)
	case key.Matches(msg, m.keys.Down):
		m.Move(1)
	case key.Matches(msg, m.keys.Top):
		m.Select(0)
	case key.Matches(msg, m.keys.Bottom):
		m.Select(len(m.items) - 1)
	case key.Matches(msg, m.keys.PageUp):
		m.Move(-max(1, m.rows()-1))
	case key.Matches(msg, m.keys.PageDown):
		m.Move(max(1, m.rows()-1))
	default:
		return m, false
	}
	return m, true
}

// RowAt returns the index of the row drawn at line y of the box, or -1.
func (m Model) RowAt(y int) int {
	i := m.offset + y - 1
	if y < 1 || y > m.rows() || i >= len(m.items) {
		return -1
	}
	return i
}

// Scroll moves the window by delta rows, keeping the cursor inside it.
func (m *Model) Scroll(delta int) {
	m.offset = max(0, min(m.offset+delta, len(m.items)-m.rows()))
	m.cursor = max(m.offset, min(m.cursor, m.offset+m.rows()-1))
	m.clampCursor()
}

// rows is the number of rows the box shows.
func (m Model) rows() int { return max(0, m.height-2) }

func (m *Model) clampCursor() {
	m.cursor = max(0, min(m.cursor, len(m.items)-1))
}

func (m *Model) scrollToCursor() {
	rows := m.rows()
	if rows <= 0 {
		return
	}
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	if m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	m.offset = max(0, min(m.offset, len(m.items)-rows))
}
