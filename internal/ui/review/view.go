package review

import (
	"strconv"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/queue"
)

// flagLines draws under the header who holds the request, then the
// flags, one per line.
func (m Model) flagLines() []string {
	if m.detail == nil {
		return nil
	}
	var lines []string
	if held := m.held(m.detail.Now); held != "" {
		lines = append(lines, m.theme.Accent.Paint(frame.Fit(held, m.width)))
	}
	lines = append(lines, m.reopeningLine()...)
	for _, f := range m.detail.Flags {
		text := m.msgs.Flag(f, m.detail.Request, m.detail.Unknown)
		lines = append(lines, m.theme.Flag.Paint(frame.Fit("⚑ "+text, m.width)))
	}
	return append(lines, m.prerequisiteLines()...)
}

// View draws the review in its area.
func (m Model) View(now time.Time) []string {
	if m.detail == nil {
		return frame.Lines([]string{" " + m.msgs.ChooseRequest}, m.width, m.height)
	}
	out := make([]string, 0, m.height)
	out = append(out, m.title(now))
	out = append(out, m.flags...)
	out = append(out, m.links...)
	out = append(out, m.conflict...)
	if m.single {
		out = append(out, m.tabs())
		out = append(out, m.pane(m.focus, m.width)...)
	} else {
		w := m.paneWidths()
		out = append(out, frame.Join(m.pane(Details, w[0]), m.pane(Legal, w[1]), m.pane(Scopes, w[2]))...)
	}
	return frame.Pad(out, m.width, m.height)
}

// title is the header line: ID, API, organisation, status, when it was
// first submitted and, when submitted again since, how long ago, and the
// state of the reviewer's own decision.
func (m Model) title(now time.Time) string {
	r := m.detail.Request
	parts := []string{r.ID.String(), m.detail.Definition.Name, r.Organization.Name,
		m.msgs.Labelled(m.msgs.Field("status"), m.msgs.Status(r.Status))}
	if r.SubmittedAt != nil {
		first := *r.SubmittedAt
		if f := m.detail.FirstSubmittedAt; f != nil && f.Before(first) {
			first = *f
		}
		parts = append(parts, m.msgs.Submissions(m.msgs.Date(first), now.Sub(*r.SubmittedAt), first.Before(*r.SubmittedAt)))
	}
	if due := m.due(now); due != "" {
		parts = append(parts, due)
	}
	if op := m.detail.Op; op != nil && op.State != instruct.OpAccepted {
		parts = append(parts, queue.Symbol(op.State)+" "+m.msgs.OpOf(op.State, op.Kind))
	}
	return m.theme.Title.Paint(frame.Fit(strings.Join(parts, " · "), m.width))
}

// due says the review deadline of a request waiting for a decision.
func (m Model) due(now time.Time) string {
	r := m.detail.Request
	if r.Status != instruct.StatusSubmitted || r.SubmittedAt == nil {
		return ""
	}
	left := r.SubmittedAt.Add(time.Duration(m.detail.Definition.Deadline()) * 24 * time.Hour).Sub(now)
	if left < 0 {
		return "⚑ " + m.claims.Late(-left)
	}
	return m.claims.DueIn(left)
}

// held says who holds the request and since when.
func (m Model) held(now time.Time) string {
	c := m.detail.Claim
	if c == nil {
		return ""
	}
	since := m.claims.Since(c.At.In(now.Location()), now)
	if c.HeldBy(m.detail.Me) {
		return queue.HeldMark(true) + " " + m.claims.HeldByYou(since)
	}
	return queue.HeldMark(false) + " " + m.claims.Held(c.User.Name, since)
}

// tabs is the pane bar of the narrow layout: 1 2 3 with the focused one
// in brackets.
func (m Model) tabs() string {
	names := m.paneNames()
	var b strings.Builder
	for p := range paneCount {
		label := strconv.Itoa(int(p)+1) + " " + names[p]
		if p == m.focus {
			b.WriteString(m.theme.TabActive.Paint("[" + label + "]"))
		} else {
			b.WriteString(m.theme.Tab.Paint(" " + label + " "))
		}
		b.WriteString(" ")
	}
	return frame.Fit(b.String(), m.width)
}

func (m Model) paneNames() [paneCount]string {
	return [paneCount]string{m.msgs.PaneDetails, m.msgs.PaneLegal, m.msgs.PaneScopes}
}

// pane draws pane p in a box w cells wide; the focused pane has heavier
// lines when the review has the keys.
func (m Model) pane(p Pane, w int) []string {
	s := m.panes[p]
	title := m.paneNames()[p]
	if !m.single {
		title = strconv.Itoa(int(p)+1) + " " + title
	}
	st := m.theme.Box(m.focused && p == m.focus)
	body := s.Visible()
	if p == Legal {
		body = m.marked(body, s.Offset, w-2)
	}
	return frame.BoxExact(st, title, s.Position(), body, w, m.paneHeight())
}

// Loading draws the review of request id while its details load: the
// header names id, and nothing of another request shows.
func (m Model) Loading(id instruct.RequestID) []string {
	title := m.theme.Title.Paint(frame.Fit(id.String()+" · "+m.msgs.Loading, m.width))
	return frame.Pad([]string{title}, m.width, m.height)
}
