package form

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// editor is the comment field: Bubbles' textarea, wrapping at word
// boundaries and scrolling to keep the cursor in view, behind a filter of
// ours. Typed or pasted control characters never enter the text, and the
// text stops at instruct.MaxCommentLength characters (the textarea would
// count cells).
type editor struct {
	area  textarea.Model
	limit int
}

func newEditor() editor {
	a := textarea.New()
	a.Prompt = ""
	a.ShowLineNumbers = false
	a.EndOfBufferCharacter = ' '
	// Our limit counts characters; no limit on lines shown or kept but
	// the textarea's own.
	a.CharLimit, a.MaxHeight, a.MaxWidth = 0, 0, 0
	a.KeyMap = editorKeys()
	plain := textarea.StyleState{Base: lipgloss.NewStyle()}
	a.SetStyles(textarea.Styles{Focused: plain, Blurred: plain})
	a.SetVirtualCursor(false)
	a.Focus()
	return editor{area: a, limit: instruct.MaxCommentLength}
}

// editorKeys are the textarea's keys but those that would reach outside
// the form: ctrl+v reads the clipboard of the machine instruct runs on
// (the server's, over SSH), ctrl+t is the form's template key, and
// selections would be invisible in our plain styles.
func editorKeys() textarea.KeyMap {
	k := textarea.DefaultKeyMap()
	off := key.NewBinding(key.WithDisabled())
	k.Paste, k.TransposeCharacterBackward, k.CopySelection = off, off, off
	k.SelectCharacterForward, k.SelectCharacterBackward = off, off
	k.SelectWordForward, k.SelectWordBackward = off, off
	k.SelectLineUp, k.SelectLineDown, k.SelectAll = off, off, off
	return k
}

// ready reports whether e was made by newEditor: the zero editor, of a
// form never opened, only answers with nothing.
func (e editor) ready() bool { return e.limit > 0 }

// Value returns the text.
func (e editor) Value() string { return e.area.Value() }

// Len returns the length of the text in characters.
func (e editor) Len() int { return utf8.RuneCountInString(e.area.Value()) }

// SetValue replaces the text and puts the cursor at its end.
func (e *editor) SetValue(s string) {
	e.area.Reset()
	e.Insert(s)
	e.follow()
}

// Home puts the cursor at the start of the text.
func (e *editor) Home() {
	e.area.MoveToBegin()
	e.follow()
}

// Split returns the text before and after the cursor.
func (e editor) Split() (before, after string) {
	lines := strings.Split(e.area.Value(), "\n")
	row := min(e.area.Line(), len(lines)-1)
	line := []rune(lines[row])
	col := min(e.area.Column(), len(line))
	head := append(lines[:row:row], string(line[:col]))
	tail := append([]string{string(line[col:])}, lines[row+1:]...)
	return strings.Join(head, "\n"), strings.Join(tail, "\n")
}

// Insert types s at the cursor: "\r\n" and "\r" become new lines, tabs
// four spaces, other control characters are dropped, and the text stops
// at the length limit.
func (e *editor) Insert(s string) {
	if s = clean(s, e.limit-e.Len()); s != "" {
		e.area.InsertString(s)
		e.follow()
	}
}

// follow scrolls the field to the cursor after a change made outside the
// textarea's Update, which alone does it: an Update with no message.
func (e *editor) follow() { e.area, _ = e.area.Update(nil) }

// clean returns s without control characters, with tabs as spaces and
// new lines as "\n", cut to room characters.
func clean(s string, room int) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		add, n := string(r), 1
		switch {
		case r == '\n' || r == '\r':
			add = "\n"
		case r == '\t':
			add, n = "    ", 4
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f || r == utf8.RuneError:
			continue
		}
		if room < n {
			break
		}
		b.WriteString(add)
		room -= n
	}
	return b.String()
}

// Update edits on a key press or a paste and reports whether it changed
// the text or moved the cursor.
func (e *editor) Update(msg tea.Msg) bool {
	before, row, col := e.area.Value(), e.area.Line(), e.area.Column()
	switch msg := msg.(type) {
	case tea.PasteMsg:
		e.Insert(msg.Content)
	case tea.KeyPressMsg:
		e.key(msg)
	default:
		return false
	}
	return e.area.Value() != before || e.area.Line() != row || e.area.Column() != col
}

// key types text through the filter and hands the textarea its editing
// and moving keys.
func (e *editor) key(msg tea.KeyPressMsg) {
	switch {
	case key.Matches(msg, e.area.KeyMap.InsertNewline):
		e.Insert("\n")
	case e.bound(msg):
		e.area, _ = e.area.Update(msg)
	case msg.Text != "" && msg.Mod&(tea.ModCtrl|tea.ModAlt) == 0:
		e.Insert(msg.Text)
	}
}

// bound reports whether msg is one of the textarea's keys.
func (e editor) bound(msg tea.KeyPressMsg) bool {
	k := e.area.KeyMap
	for _, b := range []key.Binding{
		k.CharacterBackward, k.CharacterForward, k.DeleteAfterCursor, k.DeleteBeforeCursor,
		k.DeleteCharacterBackward, k.DeleteCharacterForward, k.DeleteWordBackward, k.DeleteWordForward,
		k.LineEnd, k.LineNext, k.LinePrevious, k.LineStart, k.PageUp, k.PageDown,
		k.WordBackward, k.WordForward, k.InputBegin, k.InputEnd,
		k.UppercaseWordForward, k.LowercaseWordForward, k.CapitalizeWordForward,
	} {
		if key.Matches(msg, b) {
			return true
		}
	}
	return false
}

// SetSize sets the field's size in cells.
func (e *editor) SetSize(w, h int) {
	if !e.ready() {
		return
	}
	e.area.SetWidth(max(2, w))
	e.area.SetHeight(max(1, h))
	e.follow()
}

// View returns the visible lines and the cursor's place among them.
func (e editor) View() (lines []string, x, y int) {
	if !e.ready() {
		return nil, 0, 0
	}
	lines = strings.Split(e.area.View(), "\n")
	if c := e.area.Cursor(); c != nil {
		x, y = c.Position.X, c.Position.Y
	}
	return lines, x, y
}
