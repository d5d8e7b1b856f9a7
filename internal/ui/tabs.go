package ui

import (
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
)

// tabsLine draws the status tabs with their counts, and at the right the
// search, API filter and sort in force: the filter and sort leave out
// their defaults before the tabs take their short names.
func (m Model) tabsLine() string {
	var tabs, right string
	room := 0
	for _, short := range []struct{ query, tabs bool }{{false, false}, {true, false}, {true, true}} {
		right = m.queryLine(short.query)
		room = m.width - frame.Width(right) - 1
		tabs = m.tabs(short.tabs)
		if frame.Width(tabs) <= room {
			break
		}
	}
	return frame.Fit(frame.Fit(tabs, max(0, room))+" "+right, m.width)
}

// tabs draws each status tab with its count; short uses short names. The
// active tab is in brackets, so it shows without colour.
func (m Model) tabs(short bool) string {
	var b strings.Builder
	b.WriteByte(' ')
	total := 0
	for _, n := range m.counts {
		total += n
	}
	statuses := tabStatuses()
	for i := range tabCount() {
		label := m.msgs.TabAll
		n := total
		switch {
		case i < len(statuses):
			label, n = m.msgs.Tab(statuses[i]), m.counts[statuses[i]]
			if short {
				label = m.msgs.TabShort(statuses[i])
			}
		case mineTab(i):
			label, n = m.claims.TabMine, m.mine
		}
		if m.counts != nil && n >= 0 {
			label += " " + strconv.Itoa(n)
		}
		if i == m.query.tab {
			b.WriteString(m.theme.TabActive.Paint("[" + label + "]"))
		} else {
			b.WriteString(m.theme.Tab.Paint(" " + label + " "))
		}
	}
	return b.String()
}

// queryLine shows the search (with a cursor while typing), the API filter
// and the sort; compact leaves out the filter and sort when they are the
// defaults.
func (m Model) queryLine(compact bool) string {
	var parts []string
	if m.query.searching || m.query.text != "" {
		s := "/" + m.query.text
		if m.query.searching {
			s += "▏"
		}
		parts = append(parts, m.theme.Accent.Paint(s))
	}
	api := m.msgs.AllAPIs
	if d, ok := m.defByID[m.query.api]; ok {
		api = shortName(d)
	}
	if !compact || m.query.api != "" {
		parts = append(parts, m.theme.Muted.Paint(m.msgs.FilterBy(api)))
	}
	if !compact || m.query.sort != instruct.SortAge {
		parts = append(parts, m.theme.Muted.Paint(m.msgs.SortBy(m.query.sort)))
	}
	return strings.Join(parts, m.theme.Muted.Paint(" · ")) + " "
}

// tabMatches is a tab and how many requests of the search it holds.
type tabMatches struct{ tab, n int }

// matchesElsewhere returns the status tabs other than the current one
// that hold requests of the query, in tab order, or else the All tab when
// only statuses without a tab (revoked, archived) hold them. It reads the
// counts per status, which apply the search and filter but not the tab.
func (m Model) matchesElsewhere() []tabMatches {
	if m.counts == nil || m.query.tab == len(tabStatuses()) {
		return nil
	}
	var out []tabMatches
	inTabs, total := 0, 0
	for i, st := range tabStatuses() {
		n := m.counts[st]
		inTabs += n
		if i != m.query.tab && n > 0 {
			out = append(out, tabMatches{i, n})
		}
	}
	for _, n := range m.counts {
		total += n
	}
	if len(out) == 0 && total > inTabs {
		out = append(out, tabMatches{len(tabStatuses()), total})
	}
	return out
}

// tabName returns the name of tab i.
func (m Model) tabName(i int) string {
	if st := tabStatuses(); i < len(st) {
		return m.msgs.Tab(st[i])
	}
	return m.msgs.TabAll
}

// jumpToMatches goes to the first other tab holding requests of the
// search when the current one has none; ok is false otherwise.
func (m Model) jumpToMatches() (Model, tea.Cmd, bool) {
	elsewhere := m.matchesElsewhere()
	if m.query.text == "" || m.queue.Len() > 0 || len(elsewhere) == 0 {
		return m, nil, false
	}
	m.query.searching = false
	m.query.tab = elsewhere[0].tab
	mm, cmd := m.reload(0)
	return mm, cmd, true
}
