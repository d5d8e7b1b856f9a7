// Package form is the decision form: a multi-line comment for approving,
// refusing, requesting changes or writing an internal note, with the
// definition's message templates picked by title from a list (ctrl+t) and
// inserted as paragraphs of their own, then a confirmation that names
// the request, its organisation and the decision and is answered with y
// only — Enter alone never confirms.
package form

import (
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/component"
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
	// Picking lists the templates of the decision by title.
	Picking
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
	// Version is the version of the request the reviewer is deciding on.
	Version int64
	// Consequence, when set, is what the confirmation says the decision
	// does beyond its name (who loses access to what, for a revocation).
	Consequence string
}

// Model is an open decision form.
type Model struct {
	kind   instruct.Kind
	target Target
	// meanwhile says what a colleague decided since the form opened, ""
	// while nobody did.
	meanwhile string
	editor    editor
	stage     Stage
	err       string

	// pick is the template highlighted while Picking.
	pick          int
	note          string
	width, height int

	theme *theme.Theme
	msgs  *i18n.Messages
	keys  *keymap.KeyMap
}

var _ component.Component = (*Model)(nil)

// New opens a form for a decision of kind k on t, drawn and driven with
// env.
func New(k instruct.Kind, t Target, env component.Env) Model {
	return Model{kind: k, target: t, editor: newEditor(), theme: env.Theme, msgs: env.Msgs, keys: env.Keys}
}

// ShortHelp returns the keys of the stage the form stands at, for the
// help line.
func (m Model) ShortHelp() []key.Binding {
	k := m.keys
	switch m.stage {
	case Editing:
		return []key.Binding{k.Send, k.Template, k.Cancel}
	case Picking:
		return []key.Binding{k.Up, k.Down, k.Pick, k.GoBack}
	}
	return []key.Binding{k.Confirm, k.GoBack}
}

// FullHelp returns the same keys as ShortHelp, in one group.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{m.ShortHelp()}
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
	m.editor.SetSize(w-5, max(1, h-6))
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
	case Picking:
		return m.picking(msg)
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
		m.send()
		return m, None
	case isKey && key.Matches(k, m.keys.Template):
		m.openTemplates()
		return m, None
	}
	if m.editor.Update(msg) {
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

// openTemplates lists the templates of the decision's kind to pick from.
func (m *Model) openTemplates() {
	if len(m.templates()) == 0 {
		m.err = m.msgs.NoTemplates
		return
	}
	m.err, m.pick, m.stage = "", 0, Picking
}

// picking moves through the templates; Enter inserts the highlighted one,
// Esc goes back to the comment untouched.
func (m Model) picking(msg tea.Msg) (Model, Action) {
	k, ok := msg.(tea.KeyPressMsg)
	list := m.templates()
	switch {
	case !ok:
	case key.Matches(k, m.keys.Up):
		m.pick = max(0, m.pick-1)
	case key.Matches(k, m.keys.Down):
		m.pick = min(len(list)-1, m.pick+1)
	case key.Matches(k, m.keys.Pick):
		m.stage = Editing
		m.insertTemplate(list[m.pick])
		m.note = m.msgs.TemplateInserted(list[m.pick].Title)
		return m, Changed
	case key.Matches(k, m.keys.GoBack):
		m.stage = Editing
	}
	return m, None
}

// insertTemplate puts t's body at the cursor as a paragraph of its own:
// a blank line separates it from any text before and after it, and the
// cursor ends after it.
func (m *Model) insertTemplate(t instruct.Template) {
	before, after := m.editor.Split()
	if strings.TrimSpace(before) == "" {
		before = ""
	} else {
		before = strings.TrimRight(before, " \n") + "\n\n"
	}
	if strings.TrimSpace(after) == "" {
		after = ""
	} else {
		after = "\n\n" + strings.TrimLeft(after, " \n")
	}
	m.editor.SetValue(after)
	m.editor.Home()
	m.editor.Insert(before + strings.Trim(t.Body, " \n"))
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

// View draws the form's box. It shows no ages: the time is not needed.
func (m Model) View(time.Time) []string {
	title := m.msgs.Decision(m.kind) + " · " + m.target.RequestID.String() + " · " + m.target.Organization
	st := m.theme.Box(true)
	switch m.stage {
	case Leaving:
		return frame.Box(st, title, "", m.leaveBody(m.width-2), m.width, m.height)
	case Picking:
		return frame.Box(st, title, "", m.pickBody(m.width-2), m.width, m.height)
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
	if m.meanwhile != "" {
		out[0] = m.theme.Error.Paint(frame.Fit(" ⚠ "+m.meanwhile, w))
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

// Meanwhile tells the form that someone else decided on its request
// since it opened (text says who, what, when and their comment), now at
// version v: the form shows it at once, keeps the comment, and a decision
// sent from now on is based on v.
func (m *Model) Meanwhile(text string, v int64) {
	m.meanwhile, m.target.Version = text, v
	if m.stage == Confirming {
		m.stage = Editing
	}
}

// Version returns the version of the request the decision is based on.
func (m Model) Version() int64 { return m.target.Version }

// meanwhileLines shows what a colleague decided meanwhile, and the
// reviewer's choices, or nothing.
func (m Model) meanwhileLines(w int) []string {
	if m.meanwhile == "" {
		return nil
	}
	out := paint(m.theme.Error, frame.Indent(" ⚠ ", m.meanwhile, w))
	return append(out, m.theme.Key.Paint(frame.Fit("   "+m.msgs.MeanwhileHint, w)))
}

// status is the line under the comment: the error, or the template shown.
func (m Model) status(w int) string {
	if m.err != "" {
		return m.theme.Error.Paint(frame.Fit(" ✗ "+m.err, w))
	}
	if m.note != "" {
		return m.theme.Accent.Paint(frame.Fit(" "+m.note, w))
	}
	if m.meanwhile != "" {
		return m.theme.Key.Paint(frame.Fit(" "+m.msgs.MeanwhileHint, w))
	}
	return ""
}

// pickBody lists the templates by title, the highlighted one marked, the
// list scrolled to keep it in view.
func (m Model) pickBody(w int) []string {
	out := []string{"", m.theme.Title.Paint(frame.Fit(" "+m.msgs.PickTemplate, w)), ""}
	list := m.templates()
	rows := max(1, m.height-7)
	first := max(0, min(m.pick-rows+1, len(list)-rows))
	for i := first; i < len(list) && i < first+rows; i++ {
		line := "   " + list[i].Title
		if i == m.pick {
			out = append(out, m.theme.Cursor.Paint(frame.Fit(" ▶ "+list[i].Title, w)))
			continue
		}
		out = append(out, frame.Fit(line, w))
	}
	return append(out, "", m.theme.Key.Paint(frame.Fit(" "+m.msgs.PickHint, w)))
}

// confirmBody names the request, the organisation and the decision, and
// shows the comment: whole when the box has room, else its start and "…".
func (m Model) confirmBody(w int) []string {
	question := m.msgs.Confirm(m.kind, m.target.RequestID.String(), m.target.Organization)
	out := []string{""}
	if lines := m.meanwhileLines(w); lines != nil {
		out = append(out, lines[:len(lines)-1]...) // the confirmation's keys follow
		out = append(out, "")
	}
	out = append(out, paint(m.theme.Title, frame.Indent(" ", question, w))...)
	if m.target.Consequence != "" {
		out = append(out, paint(m.theme.Flag, frame.Indent(" ", m.target.Consequence, w))...)
	}
	out = append(out, "")
	comment := frame.Wrap(m.editor.Value(), w-4)
	// The box's borders take 2 rows, the blank and the two key lines
	// under the comment 3.
	limit := max(1, m.height-2-len(out)-3)
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
