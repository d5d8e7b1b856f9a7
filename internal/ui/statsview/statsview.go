// Package statsview is the statistics screen (S): the backlog and the
// weekly submitted and decided requests as bar charts, the days to
// decide per API (median and 80th percentile), the requests waiting
// longest, which open with Enter, and the reviewer's decisions this
// week; f filters by API. Its figures come from package stats, the same
// as the server's GET /api/v1/stats.
package statsview

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/stats"
	"github.com/instruct-dev/instruct/internal/ui/component"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/picker"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

// Action is what the screen asks of its owner after a key.
type Action int

const (
	// None: the key moved the cursor, or did nothing.
	None Action = iota
	// Back: the reviewer leaves the screen.
	Back
	// Open: the reviewer opens the selected request (see Selected).
	Open
	// Filter: the reviewer chose an API to filter by (see API).
	Filter
	// Refresh: the reviewer asks for the figures again.
	Refresh
	// Ignored: the key is not the screen's.
	Ignored
)

// Model is the statistics screen.
type Model struct {
	env           component.Env
	words         i18n.StatsWords
	width, height int
	data          *Data
	loading       bool
	failed        bool
	cursor        int
	// choosing is set while the list of APIs is open; apiIDs are its
	// items' definitions, "" for all.
	choosing bool
	apis     picker.Model
	apiIDs   []string
	api      string
}

var _ component.Component = (*Model)(nil)

// New returns the screen, drawn with env's theme, words and keys.
func New(env component.Env) Model {
	return Model{env: env, words: env.Msgs.Stats(), loading: true}
}

// SetSize sets the screen's size, its frame included.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.apis.SetSize(max(1, w-4), max(1, h-3))
}

// SetTheme changes the styles.
func (m *Model) SetTheme(th *theme.Theme) {
	m.env.Theme = th
	m.apis.SetTheme(th)
}

// SetLoading shows that figures are on their way (the ones shown stay).
func (m *Model) SetLoading() { m.loading, m.failed = true, false }

// SetFailed says the figures could not be computed.
func (m *Model) SetFailed() { m.loading, m.failed = false, true }

// SetData shows new figures, keeping the cursor on the same request.
func (m *Model) SetData(d Data) {
	keep := m.Selected()
	m.data, m.loading, m.failed, m.api = &d, false, false, d.API
	m.cursor = 0
	for i, w := range d.Longest {
		if w.ID == keep {
			m.cursor = i
		}
	}
}

// API returns the definition the figures are filtered by, "" for all.
func (m Model) API() string { return m.api }

// Selected returns the request under the cursor, 0 when none.
func (m Model) Selected() instruct.RequestID {
	if m.data == nil || m.cursor >= len(m.data.Longest) {
		return 0
	}
	return m.data.Longest[m.cursor].ID
}

// keys returns the screen's bindings.
func (m Model) keys() *keymap.KeyMap { return m.env.Keys }

// ShortHelp returns the screen's main keys.
func (m Model) ShortHelp() []key.Binding {
	if m.choosing {
		return m.apis.ShortHelp()
	}
	k := m.keys()
	return []key.Binding{k.Filter, k.Up, k.Down, k.Open, k.Sync, k.Back, k.Help, k.Quit}
}

// FullHelp returns every key of the screen.
func (m Model) FullHelp() [][]key.Binding {
	if m.choosing {
		return m.apis.FullHelp()
	}
	k := m.keys()
	return [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.Open}, {k.Filter, k.Sync, k.Back, k.Help, k.Quit}}
}

// Update handles a key: moving in the list of requests waiting longest,
// opening one, filtering by API, refreshing, going back.
func (m Model) Update(msg tea.KeyPressMsg) (Model, Action) {
	if m.choosing {
		return m.chooseKey(msg)
	}
	k := m.keys()
	switch {
	case key.Matches(msg, k.Back, k.Stats):
		return m, Back
	case key.Matches(msg, k.Open):
		if m.Selected() == 0 {
			return m, None
		}
		return m, Open
	case key.Matches(msg, k.Filter):
		m.openAPIs()
	case key.Matches(msg, k.Sync):
		return m, Refresh
	case key.Matches(msg, k.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(msg, k.Down):
		m.cursor = max(0, min(m.cursor+1, m.waiting()-1))
	case key.Matches(msg, k.Top):
		m.cursor = 0
	case key.Matches(msg, k.Bottom):
		m.cursor = max(0, m.waiting()-1)
	default:
		return m, Ignored
	}
	return m, None
}

func (m Model) waiting() int {
	if m.data == nil {
		return 0
	}
	return len(m.data.Longest)
}

// openAPIs opens the list of APIs to filter by, the current one
// highlighted.
func (m *Model) openAPIs() {
	if m.data == nil {
		return
	}
	m.apiIDs = append([]string{""}, m.data.APIs...)
	items := []picker.Item{{Title: m.env.Msgs.EveryAPI}}
	current := 0
	for i, id := range m.data.APIs {
		items = append(items, picker.Item{Title: m.data.Names[id]})
		if id == m.api {
			current = i + 1
		}
	}
	items[current].Note = m.env.Msgs.CurrentFilter
	m.apis = picker.New(items, m.env, m.keys().Choose, m.keys().Cancel)
	m.apis.SetSize(max(1, m.width-4), max(1, m.height-3))
	m.apis.Select(current)
	m.choosing = true
}

// chooseKey moves in the list of APIs; Enter filters by the one
// highlighted.
func (m Model) chooseKey(msg tea.KeyPressMsg) (Model, Action) {
	var action picker.Action
	m.apis, action = m.apis.Update(msg)
	switch action {
	case picker.Picked:
		m.choosing = false
		m.api = m.apiIDs[m.apis.Cursor()]
		return m, Filter
	case picker.Back:
		m.choosing = false
	case picker.Ignored:
		return m, Ignored
	}
	return m, None
}

// View draws the screen in its box: exactly its size.
func (m Model) View(now time.Time) []string {
	th := m.env.Theme
	inner := max(1, m.width-2)
	title := m.words.Title + " · " + m.apiName()
	if m.choosing {
		body := append([]string{""}, m.apis.View(now)...)
		return frame.BoxExact(th.Box(true), m.env.Msgs.PickAPI, "", body, m.width, m.height)
	}
	var body []string
	switch {
	case m.data == nil && m.failed:
		body = []string{" " + m.words.Unavailable}
	case m.data == nil:
		body = []string{" " + m.env.Msgs.Loading}
	default:
		body = m.body(now, inner, max(1, m.height-2))
	}
	right := ""
	if m.loading && m.data != nil {
		right = m.env.Msgs.Loading
	}
	return frame.BoxExact(th.Box(true), title, right, body, m.width, m.height)
}

// apiName names the filter: an API, or all of them.
func (m Model) apiName() string {
	if m.api == "" || m.data == nil {
		return m.env.Msgs.EveryAPI
	}
	return m.data.Names[m.api]
}

// body lays the figures out in w cells and h lines.
func (m Model) body(now time.Time, w, h int) []string {
	d := m.data
	t := totals(d.Report)
	lines := []string{
		m.volumes(t, w),
		frame.Fit(" "+m.words.MyWeek(d.Mine)+" · "+m.words.Range(d.Report.From, d.Report.To), w),
	}
	delays := m.delays(w)
	rest := h - len(lines) - len(delays) - 1
	chartH := max(3, min(10, rest-4))
	lines = append(lines, m.charts(t, w, chartH)...)
	lines = append(lines, delays...)
	lines = append(lines, m.longest(now, w, max(2, h-len(lines)))...)
	return frame.Pad(lines, w, h)
}

// volumes writes the range's volumes on one line.
func (m Model) volumes(t stats.Figures, w int) string {
	th := m.env.Theme
	part := func(n int, label string) string { return th.Title.Paint(strconv.Itoa(n)) + " " + label }
	return frame.Fit(" "+strings.Join([]string{
		part(t.Submitted, m.words.Submitted), part(t.Validated, m.words.Validated), part(t.Refused, m.words.Refused),
		part(t.ChangesRequested, m.words.ChangesRequested), part(t.Backlog, m.words.Backlog),
	}, " · "), w)
}

// charts draws the backlog and the weekly volumes side by side, h lines
// high with their titles.
func (m Model) charts(t stats.Figures, w, h int) []string {
	th := m.env.Theme
	half := (w - 3) / 2
	backlog, submitted, decided := make([]int, len(t.Weeks)), make([]int, len(t.Weeks)), make([]int, len(t.Weeks))
	for i, wk := range t.Weeks {
		backlog[i], submitted[i], decided[i] = wk.Backlog, wk.Submitted, wk.Decided
	}
	left := append([]string{th.Label.Paint(frame.Fit(m.words.BacklogChart, half))},
		chart(th, t.Weeks, []series{{values: backlog, solid: true, pen: th.Accent}}, half, h-1)...)
	right := append([]string{th.Label.Paint(frame.Fit(m.words.WeeklyChart, half))},
		chart(th, t.Weeks, []series{{values: submitted, solid: true, pen: th.Accent}, {values: decided, pen: th.Muted}}, half, h-1)...)
	out := make([]string, len(left))
	for i := range left {
		out[i] = frame.Fit(" "+frame.Fit(left[i], half)+"  "+right[i], w)
	}
	return out
}

// delayColumn and waitColumn are the widths of the columns of the table
// of durations.
const (
	delayColumn = 9
	waitColumn  = 11
)

// delays draws the table of days to decide per API: a heading line, a
// line of column names, a line per API.
func (m Model) delays(w int) []string {
	th := m.env.Theme
	name := max(8, w-1-4*delayColumn-waitColumn)
	group := func(s string) string { return frame.FitRight(s, 2*delayColumn) }
	cols := func(cells ...string) string {
		var b strings.Builder
		for _, c := range cells {
			b.WriteString(frame.FitRight(c, delayColumn))
		}
		return b.String()
	}
	lines := []string{
		frame.Fit(" "+th.Label.Paint(frame.Fit(m.words.Delays, name))+group(m.words.FirstDecision)+group(m.words.FinalDecision)+
			frame.FitRight(m.words.Backlog, waitColumn), w),
		frame.Fit(" "+th.Muted.Paint(strings.Repeat(" ", name)+cols(m.words.P50, m.words.P80, m.words.P50, m.words.P80)), w),
	}
	for _, f := range m.data.Report.Definitions {
		lines = append(lines, frame.Fit(" "+frame.Fit(m.data.Names[f.Definition], name)+cols(
			m.words.Days(f.TimeToFirstDecision.P50), m.words.Days(f.TimeToFirstDecision.P80),
			m.words.Days(f.TimeToFinalDecision.P50), m.words.Days(f.TimeToFinalDecision.P80))+
			frame.FitRight(strconv.Itoa(f.Backlog), waitColumn), w))
	}
	return lines
}

// longest lists the requests waiting longest in h lines, the cursor's
// marked ▶.
func (m Model) longest(now time.Time, w, h int) []string {
	th := m.env.Theme
	lines := []string{frame.Fit(" "+th.Label.Paint(m.words.Longest), w)}
	if len(m.data.Longest) == 0 {
		return append(lines, "   "+th.Muted.Paint(m.words.NoneWaiting))
	}
	rows := h - 1
	first := max(0, min(m.cursor-rows+1, len(m.data.Longest)-rows))
	for i := first; i < min(len(m.data.Longest), first+rows); i++ {
		lines = append(lines, m.waitRow(m.data.Longest[i], i == m.cursor, now, w))
	}
	return lines
}

// waitRow draws one waiting request: ID, organisation, API, days waited.
func (m Model) waitRow(wt Waiting, selected bool, now time.Time, w int) string {
	days := m.words.Waiting(int(now.Sub(wt.Since) / (24 * time.Hour)))
	apiW := min(20, max(8, w/4))
	orgW := max(4, w-3-7-apiW-8)
	text := frame.Fit(wt.ID.String(), 7) + frame.Fit(wt.Organization, orgW) + " " + frame.Fit(wt.API, apiW) + frame.FitRight(days, 7)
	if selected {
		return m.env.Theme.Cursor.Paint(frame.Fit(" ▶ "+text, w))
	}
	return frame.Fit("   "+text, w)
}
