// Package form is the decision form: a multi-line comment for approving,
// refusing, requesting changes or writing an internal note, with the
// definition's message templates at hand, then a confirmation that names
// the request, its organisation and the decision and is answered with y
// only — Enter alone never confirms.
package form

import (
	"strconv"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

// Stage is where the form stands.
type Stage int

// The stages of a decision.
const (
	Editing Stage = iota
	Confirming
	Sending
	// Leaving asks before throwing away what was written.
	Leaving
)

// Action is what the form asks of its owner after a message.
type Action int

// The actions of the form.
const (
	None Action = iota
	// Cancel closes the form without recording anything.
	Cancel
	// Submit records the decision: the reviewer confirmed it.
	Submit
	// Changed says the comment changed: the owner keeps it as a draft.
	Changed
)

// Target is the request a decision is about, sanitised.
type Target struct {
	RequestID    instruct.RequestID
	Organization string
	Templates    []instruct.Template
	// Replaces is the ID of the reviewer's operation in conflict that this
	// decision supersedes, or "".
	Replaces string
}

// Model is an open decision form.
type Model struct {
	kind   instruct.Kind
	target Target
	editor editor
	stage  Stage
	err    string

	template      int
	cycling       bool
	note          string
	before, after string
	width, height int

	theme *theme.Theme
	msgs  *i18n.Messages
	keys  *keymap.KeyMap
}

// New opens a form for a decision of kind k on t.
func New(k instruct.Kind, t Target, th *theme.Theme, msgs *i18n.Messages, keys *keymap.KeyMap) Model {
	return Model{kind: k, target: t, editor: newEditor(), template: -1, theme: th, msgs: msgs, keys: keys}
}

// Kind returns the decision's kind.
func (m Model) Kind() instruct.Kind { return m.kind }

// Target returns the request the decision is about.
func (m Model) Target() Target { return m.target }

// Comment returns the comment typed so far.
func (m Model) Comment() string { return m.editor.Value() }

// Stage returns where the form stands.
func (m Model) Stage() Stage { return m.stage }

// Err returns the error shown in the form, or "".
func (m Model) Err() string { return m.err }

// SetTheme changes the styles.
func (m *Model) SetTheme(th *theme.Theme) { m.theme = th }

// SetSize sets the outer size of the form's box.
func (m *Model) SetSize(w, h int) {
	m.width, m.height = w, h
	m.editor.SetSize(w-4, max(1, h-6))
}

// Restore puts back a comment written before (a draft, or the comment of
// a decision in conflict) when nothing is typed yet, with note saying
// where it comes from. It reports whether it did.
func (m *Model) Restore(comment, note string) bool {
	if m.stage != Editing || m.editor.Len() > 0 || comment == "" {
		return false
	}
	m.editor.SetValue(comment)
	m.note = note
	return true
}

// SetReplaces records that the decision supersedes the reviewer's
// operation opID, in conflict.
func (m *Model) SetReplaces(opID string) { m.target.Replaces = opID }

// Failed returns the form to editing with err shown, after the cache
// refused the decision.
func (m *Model) Failed(err string) {
	m.stage, m.err = Editing, err
}

// Update handles a message and says what the owner must do next.
func (m Model) Update(msg tea.Msg) (Model, Action) {
	switch m.stage {
	case Confirming:
		return m.confirming(msg)
	case Leaving:
		return m.leaving(msg)
	case Sending:
		return m, None
	}
	before := m.editor.Value()
	m, act := m.editing(msg)
	if act == None && m.editor.Value() != before {
		m.note = ""
		act = Changed
	}
	return m, act
}

// leaving waits for y to throw the comment away; n and Esc go back to it.
func (m Model) leaving(msg tea.Msg) (Model, Action) {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
	case key.Matches(k, m.keys.Confirm):
		return m, Cancel
	case key.Matches(k, m.keys.GoBack):
		m.stage = Editing
	}
	return m, None
}

// editing handles keys while the comment is typed.
func (m Model) editing(msg tea.Msg) (Model, Action) {
	k, isKey := msg.(tea.KeyPressMsg)
	switch {
	case isKey && key.Matches(k, m.keys.Cancel):
		if instruct.IsBlank(m.editor.Value()) {
			return m, Cancel
		}
		m.stage = Leaving
		return m, None
	case isKey && key.Matches(k, m.keys.Send):
		m.cycling = false
		m.send()
		return m, None
	case isKey && key.Matches(k, m.keys.Template):
		m.insertTemplate()
		return m, None
	}
	if m.editor.Update(msg) {
		m.cycling = false
		m.err = ""
	}
	return m, None
}

// send checks the comment and moves to the confirmation.
func (m *Model) send() {
	if err := instruct.CheckComment(m.kind, m.editor.Value()); err != nil {
		m.err = ErrorText(m.msgs, m.kind, err, "")
		return
	}
	m.err, m.stage = "", Confirming
}

// confirming waits for y; n and Esc go back; anything else, Enter
// included, does nothing.
func (m Model) confirming(msg tea.Msg) (Model, Action) {
	k, ok := msg.(tea.KeyPressMsg)
	switch {
	case !ok:
	case key.Matches(k, m.keys.Confirm):
		m.stage = Sending
		return m, Submit
	case key.Matches(k, m.keys.GoBack):
		m.stage = Editing
	}
	return m, None
}

// insertTemplate puts the next template of the decision's kind at the
// cursor; pressed again at once, it replaces it with the following one.
func (m *Model) insertTemplate() {
	list := m.templates()
	if len(list) == 0 {
		m.err = m.msgs.NoTemplates
		return
	}
	if !m.cycling {
		m.before, m.after = m.editor.Split()
		m.template = -1
	}
	m.template = (m.template + 1) % len(list)
	m.cycling = true
	m.editor.SetValue(m.before + list[m.template].Body)
	row, col := m.editor.Cursor()
	m.editor.Insert(m.after)
	m.editor.SetCursor(row, col)
	m.err = ""
}

func (m Model) templates() []instruct.Template {
	var out []instruct.Template
	for _, t := range m.target.Templates {
		if t.Kind == m.kind {
			out = append(out, t)
		}
	}
	return out
}

// Cursor returns where the terminal cursor goes, relative to the form's
// box, or ok false when it is hidden.
func (m Model) Cursor() (x, y int, ok bool) {
	if m.stage != Editing {
		return 0, 0, false
	}
	_, cx, cy := m.editor.View()
	return 3 + cx, 2 + cy, true
}

// View draws the form's box.
func (m Model) View() []string {
	title := m.msgs.Decision(m.kind) + " · " + m.target.RequestID.String() + " · " + m.target.Organization
	st := m.theme.Box(true)
	if m.stage == Leaving {
		return frame.Box(st, title, "", m.leaveBody(m.width-2), m.width, m.height)
	}
	if m.stage != Editing {
		return frame.Box(st, title, "", m.confirmBody(m.width-2), m.width, m.height)
	}
	count := strconv.Itoa(m.editor.Len()) + "/" + strconv.Itoa(instruct.MaxCommentLength)
	return frame.Box(st, title, count, m.editBody(m.width-2), m.width, m.height)
}

// editBody is the hint, the comment and the template or error line.
func (m Model) editBody(w int) []string {
	out := []string{m.theme.Muted.Paint(frame.Fit(" "+m.msgs.FormHint(m.kind), w))}
	if m.target.Replaces != "" {
		out[0] = m.theme.Conflict.Paint(frame.Fit(" "+m.msgs.ReplacesYours, w))
	}
	lines, _, _ := m.editor.View()
	bar := m.theme.Border.Paint("│ ")
	for i := range max(1, m.height-6) {
		text := ""
		if i < len(lines) {
			text = lines[i]
		}
		out = append(out, " "+bar+frame.Fit(text, w-3))
	}
	out = append(out, "", m.status(w))
	return out
}

// status is the line under the comment: the error, or the template shown.
func (m Model) status(w int) string {
	if m.err != "" {
		return m.theme.Error.Paint(frame.Fit(" ✗ "+m.err, w))
	}
	if m.note != "" {
		return m.theme.Accent.Paint(frame.Fit(" "+m.note, w))
	}
	list := m.templates()
	if m.cycling && m.template >= 0 && m.template < len(list) {
		return m.theme.Accent.Paint(frame.Fit(" "+m.msgs.TemplateOf(m.template+1, len(list), list[m.template].Title), w))
	}
	return ""
}

// confirmBody names the request, the organisation and the decision, and
// shows the start of the comment.
func (m Model) confirmBody(w int) []string {
	question := m.msgs.Confirm(m.kind, m.target.RequestID.String(), m.target.Organization)
	out := []string{""}
	out = append(out, paint(m.theme.Title, frame.Indent(" ", question, w))...)
	out = append(out, "")
	comment := frame.Wrap(m.editor.Value(), w-4)
	limit := max(1, m.height-12)
	if len(comment) > limit {
		comment = append(comment[:limit-1], frame.Ellipsis)
	}
	for _, l := range comment {
		out = append(out, "   "+m.theme.Border.Paint("│ ")+l)
	}
	out = append(out, "")
	if m.stage == Sending {
		return append(out, m.theme.Muted.Paint(frame.Fit(" "+m.msgs.Recording, w)))
	}
	return append(out, m.theme.Key.Paint(frame.Fit(" "+m.msgs.ConfirmHint, w)), m.theme.Muted.Paint(frame.Fit(" "+m.msgs.EnterNever, w)))
}

// leaveBody asks whether to throw the comment away, showing its start.
func (m Model) leaveBody(w int) []string {
	out := []string{"", m.theme.Title.Paint(frame.Fit(" "+m.msgs.LeaveQuestion, w)), ""}
	comment := frame.Wrap(m.editor.Value(), w-4)
	if limit := max(1, m.height-8); len(comment) > limit {
		comment = append(comment[:limit-1], frame.Ellipsis)
	}
	for _, l := range comment {
		out = append(out, "   "+m.theme.Border.Paint("│ ")+l)
	}
	return append(out, "", m.theme.Key.Paint(frame.Fit(" "+m.msgs.LeaveHint, w)))
}

func paint(p frame.Pen, lines []string) []string {
	for i := range lines {
		lines[i] = p.Paint(lines[i])
	}
	return lines
}
