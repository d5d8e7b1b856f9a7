package ui

import (
	"strconv"
	"strings"

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
