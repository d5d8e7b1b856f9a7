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
	id, org, title, api, status, who, due, age, marks, mark int
}

// total is the width of a row drawn with c.
func (c columns) total() int {
	n := 2 + c.id + 1 + c.org + 1 + c.marks + c.age + c.mark
	for _, w := range []int{c.title, c.api, c.status, c.who, c.due} {
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
	titleMinWidth  = 27
	keepAPIFrom    = 30 // the cells left for org and API from which the API shows in every tab
	wordsOrgMin    = 16 // the organisation's cells a state spelled out must leave
	dueWidth       = 14 // "due in 12 d", "12 d late"
	dueFrom        = 50 // the cells left from which the deadline shows
	whoWidth       = 16 // the holder, or who decided
	whoFrom        = 45 // the cells left from which who shows
	marksWidth     = 3  // a claim, notes, an unread message
	dateWidth      = 10 // the decision's date, in the decided tabs
)

// layout shares w cells between the columns. The ID, marks, age and mark
// always show; the API and status show in every row of a queue that mixes
// statuses (the All tab, search results), narrowed as needed; then, where
// there is room, the deadline and who holds the request (who decided, in
// the decided tabs); the rest goes to the organisation and, with room for
// both, the title beside it.
func (m Model) layout(w int) columns {
	c := columns{id: 7, age: 6, mark: 2, marks: marksWidth}
	if m.view.Decided {
		c.age = dateWidth
	}
	avail := w - (2 + c.id + 1 + c.marks + c.age + c.mark)
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
	avail = m.extras(&c, avail)
	if avail-orgMinWidth-2 >= titleMinWidth {
		c.org = min(orgMaxWidth, max(orgMinWidth, avail/3))
		c.title = avail - c.org - 2
		return c
	}
	c.org = max(1, avail-1)
	return c
}

// extras gives the deadline and who (holds it, or decided) their columns
// from avail, the cells left, as far as they leave the title room when it
// fits and the organisation room otherwise, and returns the cells left.
func (m Model) extras(c *columns, avail int) int {
	titleFits := avail-orgMinWidth-2 >= titleMinWidth
	room := func(n, from int) bool {
		if titleFits {
			return avail-n-orgMinWidth-2 >= titleMinWidth
		}
		return avail >= from
	}
	if !m.view.Decided && room(dueWidth+1, dueFrom) {
		c.due = dueWidth
		avail -= c.due + 1
	}
	if room(whoWidth+1, whoFrom) {
		c.who = whoWidth
		avail -= c.who + 1
	}
	return avail
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
	m.cell(&b, m.who(it), c.who, selected, m.theme.Muted)
	m.cell(&b, m.due(it, now), c.due, selected, m.theme.Muted)
	m.paint(&b, m.marks(it), selected, m.theme.Accent)
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

// age returns the time the sort follows (since the last update when
// sorted by it, since submission otherwise), or in the decided tabs the
// decision's date, and whether the request waits past its definition's
// deadline.
func (m Model) age(it instruct.QueueItem, now time.Time) (string, bool) {
	if m.view.Decided {
		if it.DecidedAt == nil {
			return "", false
		}
		return m.msgs.Date(it.DecidedAt.In(now.Location())), false
	}
	waited := now.Sub(it.UpdatedAt)
	if it.SubmittedAt != nil {
		waited = now.Sub(*it.SubmittedAt)
	}
	overdue := it.Status == instruct.StatusSubmitted && waited > m.deadline(it.Definition)
	d := waited
	if m.view.Sort == instruct.SortUpdated {
		d = now.Sub(it.UpdatedAt)
	}
	s := m.msgs.Age(d)
	if overdue {
		s = "⚑" + s
	}
	return s, overdue
}

// due says the deadline of a request waiting for a decision: the time
// left, or how late it is.
func (m Model) due(it instruct.QueueItem, now time.Time) string {
	if it.Status != instruct.StatusSubmitted || it.SubmittedAt == nil {
		return ""
	}
	left := it.SubmittedAt.Add(m.deadline(it.Definition)).Sub(now)
	if left < 0 {
		return m.claims.Late(-left)
	}
	return m.claims.DueIn(left)
}

// who names the holder of the request, or in the decided tabs who made
// the latest decision.
func (m Model) who(it instruct.QueueItem) string {
	if m.view.Decided {
		if it.DecidedBy == nil {
			return ""
		}
		return it.DecidedBy.Name
	}
	if it.Claim == nil {
		return ""
	}
	return it.Claim.User.Name
}

// marks draws the marks cell: ● held by the reviewer or ◆ by someone
// else, ✎ internal notes, @ an unread message from the applicant.
func (m Model) marks(it instruct.QueueItem) string {
	claim, notes, unread := " ", " ", " "
	if it.Claim != nil {
		claim = HeldMark(it.Claim.HeldBy(m.view.Me))
	}
	if it.Notes {
		notes = "✎"
	}
	if it.Unread {
		unread = "@"
	}
	return claim + notes + unread
}

// HeldMark is the mark of a claim: ● when the reviewer holds the request,
// ◆ when someone else does.
func HeldMark(mine bool) string {
	if mine {
		return "●"
	}
	return "◆"
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
