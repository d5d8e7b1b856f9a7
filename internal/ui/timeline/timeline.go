// Package timeline shows a request's history oldest first: who did what,
// when, with their comment, and for a resubmission what the applicant
// changed since the reviewer asked for changes.
package timeline

import (
	"maps"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/compare"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/component"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

// Model is the history of one request. Events are already sanitised,
// their diffs' values included.
type Model struct {
	id instruct.RequestID
	// latest is the line the latest event starts on; atLatest asks the
	// next rebuild to scroll there.
	latest int
	// starts holds the line each event shown starts on, startOf the
	// index in events of that event.
	starts   []int
	startOf  []int
	atLatest bool
	events   []instruct.Event
	// changes holds, by event index, what a resubmission changed since
	// the request for changes, explained once when the events are set.
	changes       map[int][]compare.Field
	scroll        frame.Scroll
	width, height int
	talk          talk

	theme *theme.Theme
	msgs  *i18n.Messages
	keys  *keymap.KeyMap
}

var _ component.Component = (*Model)(nil)

// New returns an empty history, drawn and driven with env.
func New(env component.Env) Model {
	return Model{theme: env.Theme, msgs: env.Msgs, keys: env.Keys}
}

// ShortHelp returns the history's keys for the help line.
func (m Model) ShortHelp() []key.Binding {
	k := m.keys
	return []key.Binding{k.Up, k.Down, k.Close, m.other(), k.Approve, k.Refuse, k.RequestChanges, k.Note, k.Help, k.Quit}
}

// FullHelp returns every key of the history, in groups.
func (m Model) FullHelp() [][]key.Binding {
	k := m.keys
	return [][]key.Binding{append(k.Nav(), k.Close, k.Copy, k.Timeline, k.Conversation), k.Decisions(), {k.Help, k.Quit}}
}

// other returns the key that shows the other view: the conversation from
// the history, the history from the conversation.
func (m Model) other() key.Binding {
	if m.talk.conversation {
		return m.keys.Timeline
	}
	return m.keys.Conversation
}

// SetTheme changes the styles.
func (m *Model) SetTheme(th *theme.Theme) {
	m.theme = th
	m.rebuild()
}

// SetSize sets the outer size of the history's box.
func (m *Model) SetSize(w, h int) {
	if w == m.width && h == m.height {
		return
	}
	m.width, m.height = w, h
	m.rebuild()
}

// SetEvents shows the events of request id, at the latest event for
// another request; def, the request's definition, names the scopes its
// resubmissions add and remove.
func (m *Model) SetEvents(id instruct.RequestID, events []instruct.Event, def instruct.Definition) {
	if id != m.id {
		m.atLatest = true
	}
	m.id, m.events = id, events
	m.talk.fromApplicant = instruct.ApplicantMessages(events)
	m.changes = Resubmissions(events, def)
	m.rebuild()
}

// Resubmissions explains, by index in events (oldest first), what each
// submission that follows a request for changes changed since: the
// submission's diff, or else the updates' diffs merged.
func Resubmissions(events []instruct.Event, def instruct.Definition) map[int][]compare.Field {
	out := map[int][]compare.Field{}
	var since instruct.Diff
	asked := false
	for i, e := range events {
		switch {
		case e.Kind == instruct.KindRequestChanges:
			asked, since = true, instruct.Diff{}
		case asked && e.Kind == instruct.KindUpdate:
			merge(since, e.Diff)
		case asked && e.Kind == instruct.KindSubmit:
			merge(since, e.Diff)
			out[i] = compare.Explain(since, def)
			asked = false
		}
	}
	return out
}

// ShowLatest scrolls to the latest event: its start at the top, or the
// end of the history when it fits below.
func (m *Model) ShowLatest() {
	m.atLatest = true
	m.rebuild()
}

// ID returns the request shown.
func (m Model) ID() instruct.RequestID { return m.id }

// Lines returns every line of the history.
func (m Model) Lines() []string { return m.scroll.Lines }

// Update scrolls on navigation keys and reports whether it used the key.
func (m Model) Update(msg tea.KeyPressMsg) (Model, bool) {
	switch {
	case key.Matches(msg, m.keys.Down):
		m.scroll.By(1)
	case key.Matches(msg, m.keys.Up):
		m.scroll.By(-1)
	case key.Matches(msg, m.keys.PageDown):
		m.scroll.Page(1)
	case key.Matches(msg, m.keys.PageUp):
		m.scroll.Page(-1)
	case key.Matches(msg, m.keys.Top):
		m.scroll.Top()
	case key.Matches(msg, m.keys.Bottom):
		m.scroll.Bottom()
	default:
		return m, false
	}
	return m, true
}

// CommentInView returns the event whose comment the reviewer is reading:
// the one at the top of the window, or else the first below it in view
// with a comment; ok is false when none shows.
func (m Model) CommentInView() (instruct.Event, bool) {
	top, bottom := m.scroll.Offset, m.scroll.Offset+m.scroll.Height
	for i, start := range m.starts {
		end := len(m.scroll.Lines)
		if i+1 < len(m.starts) {
			end = m.starts[i+1]
		}
		if end <= top || start >= bottom || i >= len(m.startOf) || m.startOf[i] >= len(m.events) {
			continue
		}
		if e := m.events[m.startOf[i]]; strings.TrimSpace(e.Comment) != "" {
			return e, true
		}
	}
	return instruct.Event{}, false
}

// Scroll scrolls by delta lines.
func (m *Model) Scroll(delta int) { m.scroll.By(delta) }

// View draws the history's box. It shows dates, not ages: the time is
// not needed.
func (m Model) View(time.Time) []string {
	st := m.theme.Box(true)
	return frame.BoxExact(st, m.title(m.id), m.scroll.Position(), m.scroll.Visible(), m.width, m.height)
}

// Loading draws the history's box for request id while its events load.
func (m Model) Loading(id instruct.RequestID) []string {
	body := []string{frame.Fit(m.msgs.Loading, m.width-2)}
	return frame.BoxExact(m.theme.Box(true), m.title(id), "", body, m.width, m.height)
}

// title names the history of request id and the time zone of its dates,
// since it is a record.
func (m Model) title(id instruct.RequestID) string {
	if m.talk.conversation {
		return m.msgs.Conversation().Title(id.String()) + " · " + m.msgs.ZoneNote(m.msgs.Zone)
	}
	return m.msgs.TimelineTitle(id.String()) + " · " + m.msgs.ZoneNote(m.msgs.Zone)
}

func (m *Model) rebuild() {
	if m.width <= 2 {
		return
	}
	m.scroll.SetHeight(m.height - 2)
	lines := m.lines(m.width - 2)
	m.scroll.SetLines(frame.Lines(lines, m.width-2, len(lines)))
	if m.atLatest {
		m.scroll.Offset = m.latest
		m.scroll.By(0)
		m.atLatest = false
	}
}

// lines draws every event, oldest first, each with the deliveries it
// caused; or the conversation alone.
func (m *Model) lines(w int) []string {
	m.latest, m.starts, m.startOf = 0, nil, nil
	if m.talk.conversation {
		return m.conversationLines(w)
	}
	if len(m.events) == 0 {
		return []string{m.msgs.NoEvents}
	}
	var out []string
	for i, e := range m.events {
		if len(out) > 0 {
			out = append(out, "")
		}
		m.latest = len(out)
		m.starts = append(m.starts, len(out))
		m.startOf = append(m.startOf, i)
		out = append(out, m.event(e, w)...)
		out = append(out, m.deliveryLines(e, w)...)
		if fields, ok := m.changes[i]; ok {
			out = append(out, m.diff(fields, w)...)
		}
	}
	return out
}

// event draws one event's head line, its comment and, for an edit, the
// fields it changed.
func (m Model) event(e instruct.Event, w int) []string {
	did := m.msgs.Did(e.Kind)
	if m.fromApplicant(e) {
		did = m.msgs.Conversation().ToReviewers
	}
	head := m.msgs.Stamp(e.At) + "  " + m.msgs.Who(e.Actor) + " " + did
	out := []string{m.theme.Title.Paint(frame.Fit(head, w))}
	if e.Kind == instruct.KindNote {
		return append(out, Internal(e.Comment, m.msgs, m.theme, w)...)
	}
	if strings.TrimSpace(e.Comment) != "" {
		out = append(out, frame.Indent("  ", e.Comment, w)...)
	}
	if e.Kind == instruct.KindUpdate && len(e.Diff) > 0 {
		names := make([]string, 0, len(e.Diff))
		for _, f := range sortedFields(e.Diff) {
			names = append(names, m.msgs.Field(f))
		}
		out = append(out, m.theme.Muted.Paint(frame.Fit("  ("+strings.Join(names, ", ")+")", w)))
	}
	return out
}

// merge folds the changes of next into acc: the first old value and the
// last new value of each field.
func merge(acc, next instruct.Diff) {
	for f, v := range next {
		if prev, ok := acc[f]; ok {
			acc[f] = [2]any{prev[0], v[1]}
		} else {
			acc[f] = v
		}
	}
}

func sortedFields(d instruct.Diff) []string {
	return slices.Sorted(maps.Keys(d))
}

// internalBar starts every line of an internal note.
const internalBar = "  ┆ "

// Internal draws an internal note so that it can never be taken for a
// message to the applicant: a line saying it is internal, then the note,
// every line behind a dotted bar, in w cells.
func Internal(comment string, msgs *i18n.Messages, th *theme.Theme, w int) []string {
	out := []string{th.Accent.Paint(frame.Fit(internalBar+msgs.InternalNote, w))}
	if strings.TrimSpace(comment) == "" {
		return out
	}
	for _, l := range frame.Wrap(comment, w-frame.Width(internalBar)) {
		out = append(out, th.Accent.Paint(internalBar)+l)
	}
	return out
}
