package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
)

// View draws the screen in the alternate screen, with the mouse when
// asked, and the terminal cursor in the comment field when typing.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = m.msgs.AppName
	if m.opts.Mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	if x, y, ok := m.cursor(); ok {
		v.Cursor = tea.NewCursor(x, y)
	}
	return v
}

// render returns the screen's text: status bar, tabs, body and the help
// line, or the size it needs.
func (m Model) render() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if m.class() == tooSmall {
		return m.tooSmallView()
	}
	lines := make([]string, 0, m.height)
	lines = append(lines, m.status.View(m.now), m.tabsLine())
	lines = append(lines, m.body()...)
	lines = append(lines, m.footer())
	return strings.Join(lines, "\n")
}

// tooSmallView says how large the window must be.
func (m Model) tooSmallView() string {
	text := frame.Wrap(m.msgs.TooSmall(m.width, m.height, MinWidth, MinHeight), max(1, m.width-2))
	lines := make([]string, 0, m.height)
	for range max(0, (m.height-len(text))/2) {
		lines = append(lines, "")
	}
	for _, l := range text {
		lines = append(lines, " "+l)
	}
	return strings.Join(lines[:min(len(lines), m.height)], "\n")
}

// body draws the queue and the review area where regions puts them.
func (m Model) body() []string {
	bodyH := m.height - chromeRows
	if m.overlay == overlayHelp {
		return m.helpView(m.width, bodyH)
	}
	if m.overlay == overlayStats {
		return m.statsView.View(m.now)
	}
	if m.dialog != nil {
		return m.dialogBody(m.width, bodyH)
	}
	if m.life.view != lifeNone {
		return m.lifeBody(m.width, bodyH)
	}
	q, area := m.regions()
	if m.overlay == overlayPicker {
		p := m.pickerRect()
		if m.class() == wide {
			return frame.Pad(frame.Join(m.queue.View(m.now), m.pickerView(p)), m.width, bodyH)
		}
		return frame.Pad(m.pickerView(p), m.width, bodyH)
	}
	var queueLines, areaLines []string
	if !q.empty() {
		queueLines = m.queue.View(m.now)
	}
	if !area.empty() {
		areaLines = m.areaView(area.h)
	}
	if m.class() == wide {
		return frame.Pad(frame.Join(queueLines, areaLines), m.width, bodyH)
	}
	return frame.Pad(append(queueLines, areaLines...), m.width, bodyH)
}

// areaView draws what the review area, h rows high, holds.
func (m Model) areaView(h int) []string {
	switch m.overlay {
	case overlayForm:
		if reviewH, _ := formSplit(h); reviewH > 0 {
			return append(m.reviewView(), m.form.View(m.now)...)
		}
		return m.form.View(m.now)
	case overlayTimeline:
		if id := m.selectedID(); m.timeline.ID() != id {
			return m.timeline.Loading(id)
		}
		return m.timeline.View(m.now)
	}
	return m.reviewView()
}

// reviewView draws the review of the selected request: its details once
// they are loaded, its ID alone until then, never another request's.
func (m Model) reviewView() []string {
	if id := m.selectedID(); id != 0 && !m.shown() {
		return m.review.Loading(id)
	}
	return m.review.View(m.now)
}

// cursor returns where the terminal cursor goes, when the comment field
// has it.
func (m Model) cursor() (x, y int, ok bool) {
	if m.overlay != overlayForm || m.class() == tooSmall {
		return 0, 0, false
	}
	_, area := m.regions()
	fx, fy, ok := m.form.Cursor()
	reviewH, _ := formSplit(area.h)
	return area.x + fx, area.y + reviewH + fy, ok
}

// currentHelp returns the keys of what has the keyboard; a read-only
// screen offers no decision key.
func (m Model) currentHelp() keymap.Help {
	h := m.screenHelp()
	if m.readOnly() {
		h = h.Without(m.keys.Decisions())
	}
	return h
}

// screenHelp returns every key of what has the keyboard, as it supplies
// them: the list of APIs, the form, the history, the search field, the
// review or the queue.
func (m Model) screenHelp() keymap.Help {
	if h, ok := m.lifeHelp(); ok {
		return h
	}
	switch {
	case m.overlay == overlayPicker:
		return helpOf(m.apis)
	case m.overlay == overlayStats:
		return helpOf(m.statsView)
	case m.overlay == overlayForm:
		return helpOf(m.form)
	case m.overlay == overlayTimeline:
		return helpOf(m.timeline)
	case m.query.searching:
		return m.keys.ForSearch()
	case m.focus == focusReview:
		return helpOf(m.review)
	}
	return helpOf(m.queue)
}

// helpOf returns the keys c lists for its help. It takes c by its own
// type, not as an interface, so drawing the help line copies no
// component to the heap.
func helpOf[C help.KeyMap](c C) keymap.Help {
	return keymap.Help{Short: c.ShortHelp(), Full: c.FullHelp()}
}

// footer is the last line: a notice, or the main keys of the screen.
func (m Model) footer() string {
	if m.ask != nil {
		return m.askLine()
	}
	if m.discarding != nil {
		return m.theme.Conflict.Paint(frame.Fit(" "+m.msgs.DiscardQuestion(m.discarding.Kind, m.discarding.RequestID.String()), m.width))
	}
	if m.notice != "" {
		pen := m.theme.Notice
		if m.noticeBad {
			pen = m.theme.Error
		}
		return pen.Paint(frame.Fit(" "+m.notice, m.width))
	}
	if line := m.findLine(); line != "" {
		return line
	}
	help := m.currentHelp()
	if m.overlay == overlayHelp {
		help = keymap.Help{Short: []key.Binding{m.keys.Help, m.keys.Close}}
	}
	if m.readOnly() && m.overlay != overlayForm {
		return m.shortHelp(help.Short, m.theme.Accent.Paint(m.msgs.ReadOnly))
	}
	return m.shortHelp(help.Short)
}

// shortHelp draws keys and what they do on one line, as many as fit,
// after lead (such as the read-only mark). The last two (help and quit,
// where the screen has them) and the way back (esc) always show.
func (m Model) shortHelp(bindings []key.Binding, lead ...string) string {
	type item struct {
		text string
		kept bool
	}
	items := make([]item, 0, len(bindings)+len(lead))
	for _, l := range lead {
		items = append(items, item{l, true})
	}
	for _, kb := range bindings {
		if kb.Enabled() {
			esc := strings.Contains(kb.Help().Key, "esc")
			items = append(items, item{m.theme.Key.Paint(kb.Help().Key) + " " + m.theme.Muted.Paint(kb.Help().Desc), esc})
		}
	}
	for i := max(0, len(items)-2); i < len(items); i++ {
		items[i].kept = true
	}
	width := func(items []item) int {
		n := 0
		for _, it := range items {
			n += frame.Width(it.text) + 3
		}
		return n
	}
	// Drop the last optional items until the line fits.
	for width(items) > m.width+2 {
		i := len(items) - 1
		for i >= 0 && items[i].kept {
			i--
		}
		if i < 0 {
			break
		}
		items = append(items[:i], items[i+1:]...)
	}
	texts := make([]string, len(items))
	for i, it := range items {
		texts[i] = it.text
	}
	return frame.Fit(" "+strings.Join(texts, m.theme.Muted.Paint(" · ")), m.width)
}

// helpView lists every key of the screen under the help, from the same
// key map Update uses, with its groups side by side as far as they fit,
// and what the queue's symbols mean. When that is taller than the box, it
// shows the lines from m.helpTop and says where it is in the title.
func (m Model) helpView(w, h int) []string {
	body := m.helpBody(w)
	right := ""
	if inner := h - 2; len(body) > inner && inner > 0 {
		top := helpTop(m.helpTop, len(body), inner)
		body = body[top : top+inner]
		right = m.msgs.HelpScroll(top+1, top+inner, len(m.helpBody(w)))
	}
	return frame.Box(m.theme.Box(true), m.msgs.HelpTitle, right, body, w, h)
}

// helpTop clamps top, the first line of a help of n lines shown in a box
// of inner lines, so that the box is never left half empty.
func helpTop(top, n, inner int) int {
	return max(0, min(top, n-inner))
}

// helpBody is the whole help in lines for a box w cells wide.
func (m Model) helpBody(w int) []string {
	var body, row []string
	for _, group := range m.helpFor.FullHelp() {
		block := helpBlock(m.help.FullHelpView([][]key.Binding{group}))
		if len(row) > 0 && frame.Width(row[0])+frame.Width(block[0]) > w-2 {
			body = append(append(body, row...), "")
			row = nil
		}
		if len(row) == 0 {
			row = m.helpRowStart(group, block, len(body) > 0, w)
			continue
		}
		row = frame.Join(equalize(row, len(block)), equalize(block, len(row)))
	}
	body = append(append(body, row...), "")
	if m.readOnly() {
		for _, l := range frame.Indent(" ", m.msgs.ReadOnlyHelp(m.readOnlyAPIs()), w-2) {
			body = append(body, m.theme.Accent.Paint(l))
		}
		body = append(body, "")
	}
	body = append(body, frame.Indent(" ", m.msgs.Legend, w-2)...)
	return append(body, frame.Indent(" ", m.claims.Legend, w-2)...)
}

// helpBlock splits a rendered help group into lines of equal width, with a
// margin.
func helpBlock(s string) []string {
	lines := strings.Split(s, "\n")
	bw := 0
	for _, l := range lines {
		bw = max(bw, frame.Width(l))
	}
	for i, l := range lines {
		lines[i] = frame.Fit(" "+l, bw+4)
	}
	return lines
}

// helpRowStart is the block a group starts a row of the help with: on a
// row after the first (the screen is narrow), a long group is laid in two
// columns when they fit, so that the help keeps every key on a small
// terminal.
func (m Model) helpRowStart(group []key.Binding, block []string, wrapped bool, w int) []string {
	if !wrapped || len(group) < 8 {
		return block
	}
	half := (len(group) + 1) / 2
	a := helpBlock(m.help.FullHelpView([][]key.Binding{group[:half]}))
	b := helpBlock(m.help.FullHelpView([][]key.Binding{group[half:]}))
	if frame.Width(a[0])+frame.Width(b[0]) > w-2 {
		return block
	}
	return frame.Join(equalize(a, len(b)), equalize(b, len(a)))
}

// equalize pads block with blank lines of its width up to n lines.
func equalize(block []string, n int) []string {
	if len(block) == 0 {
		return block
	}
	blank := strings.Repeat(" ", frame.Width(block[0]))
	for len(block) < n {
		block = append(block, blank)
	}
	return block
}
