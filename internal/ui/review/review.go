// Package review shows one request the way a reviewer checks it: its
// details, its legal basis and the data it asks for, side by side in three
// panes that scroll on their own (or one at a time on a narrow screen),
// under a header and the flags the reviewer must notice.
package review

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/component"
	"github.com/instruct-dev/instruct/internal/ui/conflict"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

// Pane names one of the three panes.
type Pane int

// The panes, left to right.
const (
	Details Pane = iota
	Legal
	Scopes
	paneCount
)

// Detail is everything the review shows of one request, sanitised.
type Detail struct {
	Request    instruct.Request
	Definition instruct.Definition
	// Flags are what Request.Flags found, checked on the raw request;
	// Unknown the scopes outside the catalogue.
	Flags   []instruct.Flag
	Unknown []string
	// Op is the reviewer's latest operation on the request, if any.
	Op *instruct.Operation
	// FirstSubmittedAt is when the request was first submitted, from its
	// history; nil when the history has no submission.
	FirstSubmittedAt *time.Time
	// Claim is who holds the request as the reviewer sees it (their own
	// claim waiting to sync laid over), nil for nobody; Me is the
	// reviewer's user ID.
	Claim *instruct.Claim
	Me    string
	// Now is when the detail was loaded, which says "since 10:05" today
	// and "since 2026-03-02" before.
	Now time.Time
	// Habilitations are the request's habilitations, oldest first; a
	// reopening is reviewed against the active one.
	Habilitations []instruct.Habilitation
	// Missing names the definitions the request requires that its
	// organisation holds no active habilitation of (its checks).
	Missing []string
}

// Model is the review of the selected request.
type Model struct {
	detail        *Detail
	panes         [paneCount]frame.Scroll
	focus         Pane
	single        bool
	focused       bool
	width, height int
	flags         []string
	links         []string
	conflict      []string
	// doc is what the review holds of the request's documents.
	doc docState

	theme  *theme.Theme
	msgs   *i18n.Messages
	claims i18n.ClaimWords
	life   i18n.LifeWords
	keys   *keymap.KeyMap
}

var _ component.Component = (*Model)(nil)

// New returns a review showing nothing yet, drawn and driven with env.
func New(env component.Env) Model {
	return Model{theme: env.Theme, msgs: env.Msgs, claims: env.Msgs.Claims(), keys: env.Keys, doc: newDocState()}
}

// ShortHelp returns the review's keys for the help line.
func (m Model) ShortHelp() []key.Binding {
	k := m.keys
	short := []key.Binding{k.Approve, k.Refuse, k.RequestChanges, k.Note, k.Timeline, k.NextPane, k.Pane1}
	return append(append(short, m.documentKeys()...), k.Back, k.Help, k.Quit)
}

// FullHelp returns every key of the review, in groups.
func (m Model) FullHelp() [][]key.Binding {
	k := m.keys
	full := [][]key.Binding{
		append(k.Nav(), k.NextPane, k.PrevPane, k.Pane1, k.NextRequest, k.PrevRequest, k.Back),
		k.Decisions(), k.General(),
	}
	if docs := m.documentKeys(); len(docs) > 0 {
		full = append(full, docs)
	}
	return full
}

// SetTheme changes the styles.
func (m *Model) SetTheme(th *theme.Theme) {
	m.theme = th
	m.rebuild()
}

// SetSize sets the area of the review.
func (m *Model) SetSize(w, h int) {
	if w == m.width && h == m.height {
		return
	}
	m.width, m.height = w, h
	m.rebuild()
}

// SetSingle shows one pane at a time, for a narrow screen, or all three.
func (m *Model) SetSingle(single bool) {
	if single == m.single {
		return
	}
	m.single = single
	m.rebuild()
}

// SetFocused tells the review whether keys go to it.
func (m *Model) SetFocused(f bool) { m.focused = f }

// Focused reports whether keys go to the review.
func (m Model) Focused() bool { return m.focused }

// SetDetail shows d, from the top of each pane when it is another request.
func (m *Model) SetDetail(d *Detail) {
	same := m.detail != nil && d != nil && m.detail.Request.ID == d.Request.ID
	m.detail = d
	m.doc.follow(same)
	if !same {
		for i := range m.panes {
			m.panes[i].Offset = 0
		}
	}
	m.rebuild()
}

// Detail returns what the review shows, or nil.
func (m Model) Detail() *Detail { return m.detail }

// Focus returns the pane keys scroll.
func (m Model) Focus() Pane { return m.focus }

// SetFocus gives the keys to pane p.
func (m *Model) SetFocus(p Pane) { m.focus = (p%paneCount + paneCount) % paneCount }

// Update handles pane focus and scrolling keys and reports whether it used
// the key.
func (m Model) Update(msg tea.KeyPressMsg) (Model, bool) {
	p := &m.panes[m.focus]
	switch {
	case key.Matches(msg, m.keys.NextPane):
		m.SetFocus(m.focus + 1)
	case key.Matches(msg, m.keys.PrevPane):
		m.SetFocus(m.focus - 1)
	case key.Matches(msg, m.keys.Pane1):
		m.SetFocus(Details)
	case key.Matches(msg, m.keys.Pane2):
		m.SetFocus(Legal)
	case key.Matches(msg, m.keys.Pane3):
		m.SetFocus(Scopes)
	case key.Matches(msg, m.keys.Down):
		p.By(1)
	case key.Matches(msg, m.keys.Up):
		p.By(-1)
	case key.Matches(msg, m.keys.PageDown):
		p.Page(1)
	case key.Matches(msg, m.keys.PageUp):
		p.Page(-1)
	case key.Matches(msg, m.keys.Top):
		p.Top()
	case key.Matches(msg, m.keys.Bottom):
		p.Bottom()
	case m.doc.find.active() && key.Matches(msg, m.keys.Doc.Next):
		m.step(1)
	case m.doc.find.active() && key.Matches(msg, m.keys.Doc.Prev):
		m.step(-1)
	default:
		return m, false
	}
	return m, true
}

// ScrollAt scrolls the pane under column x of the review by delta lines
// and gives it focus.
func (m *Model) ScrollAt(x, delta int) {
	if !m.single && m.width > 0 {
		m.SetFocus(Pane(min(int(paneCount)-1, x*int(paneCount)/m.width)))
	}
	m.panes[m.focus].By(delta)
}

// PaneLines returns every line of pane p, for tests and search.
func (m Model) PaneLines(p Pane) []string { return m.panes[p].Lines }

// rebuild lays out the header and the panes' lines for the current size
// and request. It runs when either changes, never while drawing.
func (m *Model) rebuild() {
	if m.width <= 0 || m.height <= 0 {
		return
	}
	m.flags = m.flagLines()
	m.links = m.linkLines()
	m.conflict = m.conflictLines()
	widths := m.paneWidths()
	h := m.paneHeight()
	for p := range paneCount {
		var content []string
		if p == Legal {
			content, m.doc.spans = m.legal(widths[p] - 2)
		} else {
			content = m.paneContent(p, widths[p]-2)
		}
		m.panes[p].SetLines(frame.Lines(content, widths[p]-2, len(content)))
		m.panes[p].SetHeight(h - 2)
	}
	if m.doc.find.active() {
		m.search(false)
	}
}

// paneWidths returns the outer width of each pane.
func (m Model) paneWidths() [paneCount]int {
	if m.single {
		return [paneCount]int{m.width, m.width, m.width}
	}
	third := m.width / int(paneCount)
	return [paneCount]int{third, third, m.width - 2*third}
}

// paneHeight returns the outer height of the panes.
func (m Model) paneHeight() int {
	h := m.height - 1 - len(m.flags) - len(m.links) - len(m.conflict)
	if m.single {
		h--
	}
	return max(3, h)
}

// conflictLines draws the reviewer's refused decision, if any (a claim
// another reviewer took first shows in the header).
func (m Model) conflictLines() []string {
	if m.detail == nil || m.detail.Op == nil || !conflict.Needs(*m.detail.Op) {
		return nil
	}
	return conflict.View(*m.detail.Op, m.msgs, m.theme, m.width, max(4, m.height/3))
}
