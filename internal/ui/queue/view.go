package queue

import (
	"strconv"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
)

// columns are the widths of a row's cells for one inner width.
type columns struct {
	id, org, title, api, status, age, mark int
}

// total is the width of a row drawn with c.
func (c columns) total() int {
	n := 2 + c.id + 1 + c.org + 1 + c.age + c.mark
	for _, w := range []int{c.title, c.api, c.status} {
		if w > 0 {
			n += w + 1
		}
	}
	return n
}

// The widths of the columns that shrink as the queue narrows.
const (
	apiWidth       = 13
	apiNarrowWidth = 11
	orgMaxWidth    = 32
	orgMinWidth    = 24
	titleMinWidth  = 30
	keepAPIFrom    = 30 // the cells left for org and API from which the API shows in every tab
	wordsOrgMin    = 16 // the organisation's cells a state spelled out must leave
)

// layout shares w cells between the columns. The ID, age and mark always
// show; the API and status show in every row of a queue that mixes
// statuses (the All tab, search results), narrowed as needed; the rest
// goes to the organisation and, with room for both, the title beside it.
func (m Model) layout(w int) columns {
	c := columns{id: 7, age: 6, mark: 2}
	avail := w - (2 + c.id + 1 + c.age + c.mark)
	if m.showStatus {
		c.status = m.statusWidth()
		avail -= c.status + 1
	}
	// Colour off, states are spelled out where the organisation keeps
	// room beside them; elsewhere their symbol says it (see the help).
	if extra := m.wordsWidth() - c.mark; m.theme.Plain && avail-extra-(apiWidth+1) >= wordsOrgMin {
		avail -= extra
		c.mark += extra
	}
	if m.showStatus || avail >= keepAPIFrom {
		c.api = apiWidth
		if avail < keepAPIFrom+apiWidth {
			c.api = apiNarrowWidth
		}
		avail -= c.api + 1
	}
	if avail-orgMinWidth-2 >= titleMinWidth {
		c.org = min(orgMaxWidth, max(orgMinWidth, avail/3))
		c.title = avail - c.org - 2
		return c
	}
	c.org = max(1, avail-1)
	return c
}

// statusWidth is the width of the status column: its longest short name.
func (m Model) statusWidth() int {
	w := 0
	for _, s := range instruct.Statuses() {
		w = max(w, frame.Width(m.msgs.StatusShort(s)))
	}
	return w
}

// View draws the queue's box, with its title and count on its top edge.
func (m Model) View(now time.Time) []string {
	title := m.msgs.QueueTitle(m.Len())
	st := m.theme.Box(m.focused)
	inner := m.width - 2
	right := ""
	if m.total > 0 {
		right = strconv.Itoa(m.cursor+1) + "/" + strconv.Itoa(m.total)
	}
	if m.loading {
		right = m.msgs.Loading
	}
	return frame.BoxExact(st, title, right, m.body(now, inner), m.width, m.height)
}

// body draws the rows on screen, and only those; a row not loaded yet
// (the next window is on its way) is blank.
func (m Model) body(now time.Time, w int) []string {
	if m.total == 0 {
		if m.loading {
			return []string{frame.Fit(" "+m.msgs.Loading, w)}
		}
		lines := frame.Indent(" ", m.empty, w)
		for i := range lines {
			lines[i] = frame.Fit(lines[i], w)
		}
		return lines
	}
	cols := m.layout(w)
	end := min(m.total, m.offset+m.rows())
	lines := make([]string, 0, end-m.offset)
	for i := m.offset; i < end; i++ {
		it, ok := m.Item(i)
		if !ok {
			lines = append(lines, strings.Repeat(" ", w))
			continue
		}
		lines = append(lines, m.row(it, i == m.cursor, cols, w, now))
	}
	return lines
}

// row draws one request.
func (m Model) row(it instruct.QueueItem, selected bool, c columns, w int, now time.Time) string {
	age, overdue := m.age(it, now)
	var b strings.Builder
	b.Grow(w + 64)
	if selected {
		b.WriteString("▶ ")
	} else {
		b.WriteString("  ")
	}
	m.cell(&b, it.ID.String(), c.id, selected, m.theme.Text)
	m.cell(&b, it.Organization, c.org, selected, m.theme.Text)
	m.cell(&b, it.Title, c.title, selected, m.theme.Muted)
	m.cell(&b, m.apiName(it.Definition), c.api, selected, m.theme.Muted)
	m.cell(&b, m.msgs.StatusShort(it.Status), c.status, selected, m.theme.Muted)
	agePen := m.theme.Muted
	if overdue {
		agePen = m.theme.Overdue
	}
	m.paint(&b, frame.FitRight(age, c.age), selected, agePen)
	m.paint(&b, m.mark(it.Op, c.mark), selected, m.markPen(it.Op))
	line := b.String()
	if c.total() != w {
		line = frame.Fit(line, w)
	}
	if !selected {
		return line
	}
	if m.focused {
		return m.theme.Cursor.Paint(line)
	}
	return m.theme.CursorBlurred.Paint(line)
}

// cell writes s fitted to w cells followed by a space; w 0 skips it.
func (m Model) cell(b *strings.Builder, s string, w int, selected bool, pen frame.Pen) {
	if w <= 0 {
		return
	}
	m.paint(b, frame.Fit(s, w), selected, pen)
	b.WriteByte(' ')
}

// paint writes s, in pen unless the row is selected (the cursor's style
// covers the whole row).
func (m Model) paint(b *strings.Builder, s string, selected bool, pen frame.Pen) {
	if selected {
		b.WriteString(s)
		return
	}
	b.WriteString(pen.Paint(s))
}

// age returns the time since submission and whether the request waits past
// its definition's deadline.
func (m Model) age(it instruct.QueueItem, now time.Time) (string, bool) {
	since := it.UpdatedAt
	if it.SubmittedAt != nil {
		since = *it.SubmittedAt
	}
	d := now.Sub(since)
	overdue := it.Status == instruct.StatusSubmitted && d > m.deadline(it.Definition)
	s := m.msgs.Age(d)
	if overdue {
		s = "⚑" + s
	}
	return s, overdue
}

func (m Model) deadline(def string) time.Duration {
	if a, ok := m.apis[def]; ok && a.Deadline > 0 {
		return a.Deadline
	}
	return instruct.DefaultReviewDays * 24 * time.Hour
}

func (m Model) apiName(def string) string {
	if a, ok := m.apis[def]; ok && a.Short != "" {
		return a.Short
	}
	return def
}

// wordsWidth is the width of the mark column when states are spelled out:
// a space, the symbol, a space and the longest state's name.
func (m Model) wordsWidth() int {
	w := 0
	for _, op := range []instruct.OpState{instruct.OpPending, instruct.OpSending, instruct.OpConflict, instruct.OpRejected} {
		w = max(w, frame.Width(m.msgs.Op(op)))
	}
	return w + 3
}

// mark returns the symbol of a pending decision's state, followed by its
// name when colour is off and the column has room for it.
func (m Model) mark(op instruct.OpState, w int) string {
	sym := Symbol(op)
	if sym == "" {
		return strings.Repeat(" ", w)
	}
	if m.theme.Plain && w > 2 {
		return frame.Fit(" "+sym+" "+m.msgs.Op(op), w)
	}
	return frame.Fit(" "+sym, w)
}

func (m Model) markPen(op instruct.OpState) frame.Pen {
	switch op {
	case instruct.OpPending, instruct.OpSending:
		return m.theme.Pending
	case instruct.OpConflict:
		return m.theme.Conflict
	case instruct.OpRejected:
		return m.theme.Reject
	}
	return m.theme.Text
}

// Symbol returns the mark of an operation state: ⧗ waiting to be sent,
// ! in conflict, ✗ rejected, "" for none.
func Symbol(op instruct.OpState) string {
	switch op {
	case instruct.OpPending, instruct.OpSending:
		return "⧗"
	case instruct.OpConflict:
		return "!"
	case instruct.OpRejected:
		return "✗"
	}
	return ""
}
