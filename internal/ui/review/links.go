package review

import (
	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/link"
)

// maxLinks is the most links of the legal basis shown whole under the
// header.
const maxLinks = 3

// legalLinks returns the legal basis's links: its link field when valid, then
// the links its text holds.
func (m Model) legalLinks() []string {
	lb := m.detail.Request.LegalBasis
	var out []string
	if link.Valid(lb.URL) {
		out = append(out, lb.URL)
	}
	for _, u := range link.Find(lb.Nature, maxLinks) {
		if u != lb.URL {
			out = append(out, u)
		}
	}
	return out[:min(len(out), maxLinks)]
}

// linkLines draws under the header, whole on one line each, the links of
// the legal basis that the legal pane cannot show whole: a link is never
// split over lines, so that it can be selected and copied.
func (m Model) linkLines() []string {
	if m.detail == nil {
		return nil
	}
	room := m.paneWidths()[Legal] - 2 - len(indent)
	label := m.msgs.Labelled(m.msgs.Field("url"), "")
	var lines []string
	for _, u := range m.legalLinks() {
		if frame.Width(u) <= room {
			continue
		}
		lines = append(lines, frame.Fit(m.theme.Label.Paint(label)+m.hyperlink(u, m.width-frame.Width(label)), m.width))
	}
	return lines
}

// indent starts the lines of a pane's values.
const indent = "  "

// hyperlink draws link u in at most w cells: whole when it fits, else its
// start and an ellipsis, a hyperlink to u in colour (where terminals
// follow it), plain text without.
func (m Model) hyperlink(u string, w int) string {
	shown := cells.Truncate(u, w)
	if m.theme.Plain {
		return shown
	}
	return m.theme.Accent.Paint(link.Hyperlink(u, shown))
}
