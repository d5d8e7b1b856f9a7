// Package queue is the reviewer's list of requests: one line per request
// with its ID, organisation, API, age against the review deadline and the
// state of the reviewer's own pending decision. It knows the list's length
// but holds only a window of its rows around those on screen (the screen
// loads the next window as the cursor moves, see Wanted), and draws only
// the rows on screen: 100,000 requests scroll as fast as ten, and cost a
// screen no more memory.
package queue

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/component"
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
	// items are the loaded rows: rows base to base+len(items)-1 of a list
	// of total rows. The cursor and offset count rows of the whole list.
	items          []instruct.QueueItem
	base, total    int
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

var _ component.Component = (*Model)(nil)

// New returns an empty queue drawn and driven with env.
func New(env component.Env) Model {
	return Model{theme: env.Theme, msgs: env.Msgs, claims: env.Msgs.Claims(), keys: env.Keys, focused: true, loading: true, empty: env.Msgs.NoRequests}
}

// ShortHelp returns the queue's keys for the help line.
func (m Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Open, k.Approve, k.Refuse, k.RequestChanges, k.Note, k.Timeline, k.Search, k.NextTab, k.Help, k.Quit}
}

// FullHelp returns every key of the queue, in groups.
func (m Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{append(k.Nav(), k.Open, k.NextTab, k.PrevTab), k.Decisions(), k.General()}
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

// SetItems replaces the list with items, all loaded, and puts the cursor
// on keepID when present, otherwise keeps it at the same index.
func (m *Model) SetItems(items []instruct.QueueItem, keepID instruct.RequestID) {
	m.SetWindow(0, items, len(items))
	if i := m.Index(keepID); i >= 0 {
		m.Select(i)
	}
}

// SetWindow replaces the loaded rows with items, rows base onwards of a
// list of total rows, keeping the cursor at the same index.
func (m *Model) SetWindow(base int, items []instruct.QueueItem, total int) {
	m.base, m.items, m.total = base, items, max(total, base+len(items))
	m.clampCursor()
	m.scrollToCursor()
}

// Items returns the loaded rows, Base onwards.
func (m Model) Items() []instruct.QueueItem { return m.items }

// Base returns the index of the first loaded row.
func (m Model) Base() int { return m.base }

// Len returns the number of rows of the list, loaded or not.
func (m Model) Len() int { return m.total }

// Item returns row i, if it is loaded.
func (m Model) Item(i int) (instruct.QueueItem, bool) {
	if i < m.base || i >= m.base+len(m.items) {
		return instruct.QueueItem{}, false
	}
	return m.items[i-m.base], true
}

// Index returns the row of request id among the loaded rows, or -1.
func (m Model) Index(id instruct.RequestID) int {
	if id == 0 {
		return -1
	}
	for i := range m.items {
		if m.items[i].ID == id {
			return m.base + i
		}
	}
	return -1
}

// Wanted reports whether rows near those on screen are not loaded: the
// rows on screen and a screenful either side. It returns the first row
// of the size rows to load then, centred on the rows on screen.
func (m Model) Wanted(size int) (int, bool) {
	rows := max(1, m.rows())
	lo, hi := max(0, m.offset-rows), min(m.total, m.offset+2*rows)
	if lo >= m.base && hi <= m.base+len(m.items) {
		return 0, false
	}
	start := m.offset + rows/2 - size/2
	return max(0, min(start, m.total-size)), true
}

// Rows returns the number of rows the box shows.
func (m Model) Rows() int { return m.rows() }

// Offset returns the index of the first row on screen.
func (m Model) Offset() int { return m.offset }

// Cursor returns the index of the selected row.
func (m Model) Cursor() int { return m.cursor }

// Selected returns the selected row, if any is loaded.
func (m Model) Selected() (instruct.QueueItem, bool) {
	return m.Item(m.cursor)
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

// SetItem replaces the row of it.ID, if loaded.
func (m *Model) SetItem(it instruct.QueueItem) {
	if i := m.Index(it.ID); i >= 0 {
		m.items[i-m.base] = it
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
		m.Select(m.total - 1)
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
	if y < 1 || y > m.rows() || i >= m.total {
		return -1
	}
	return i
}

// Scroll moves the window by delta rows, keeping the cursor inside it.
func (m *Model) Scroll(delta int) {
	m.offset = max(0, min(m.offset+delta, m.total-m.rows()))
	m.cursor = max(m.offset, min(m.cursor, m.offset+m.rows()-1))
	m.clampCursor()
}

// rows is the number of rows the box shows.
func (m Model) rows() int { return max(0, m.height-2) }

func (m *Model) clampCursor() {
	m.cursor = max(0, min(m.cursor, m.total-1))
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
	m.offset = max(0, min(m.offset, m.total-rows))
}
