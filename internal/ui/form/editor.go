package form

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// editor is a multi-line text field: Enter starts a new line, text wraps
// at the field's width, and the field scrolls to keep the cursor in view.
// Typed or pasted control characters never enter the text.
type editor struct {
	lines         [][]rune
	row, col      int
	width, height int
	offset        int
	limit         int
}

func newEditor() editor {
	return editor{lines: [][]rune{nil}, limit: instruct.MaxCommentLength}
}

// Value returns the text.
func (e editor) Value() string {
	parts := make([]string, len(e.lines))
	for i, l := range e.lines {
		parts[i] = string(l)
	}
	return strings.Join(parts, "\n")
}

// Len returns the length of the text in characters.
func (e editor) Len() int {
	n := len(e.lines) - 1
	for _, l := range e.lines {
		n += len(l)
	}
	return n
}

// SetValue replaces the text and puts the cursor at its end.
func (e *editor) SetValue(s string) {
	e.lines, e.row, e.col = [][]rune{nil}, 0, 0
	e.Insert(s)
	e.follow()
}

// Split returns the text before and after the cursor.
func (e editor) Split() (before, after string) {
	v := e.Value()
	off := 0
	for i := range e.row {
		off += len(string(e.lines[i])) + 1
	}
	off += len(string(e.lines[e.row][:e.col]))
	return v[:off], v[off:]
}

// Cursor returns the cursor's line and column.
func (e editor) Cursor() (row, col int) { return e.row, e.col }

// SetCursor moves the cursor, clamped to the text.
func (e *editor) SetCursor(row, col int) {
	e.row = max(0, min(row, len(e.lines)-1))
	e.col = max(0, min(col, len(e.lines[e.row])))
	e.follow()
}

// Insert types s at the cursor: "\r\n" and "\r" become new lines, tabs
// spaces, other control characters are dropped, and the text stops at the
// length limit.
func (e *editor) Insert(s string) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	room := e.limit - e.Len()
	for _, r := range s {
		if room <= 0 {
			return
		}
		switch {
		case r == '\n' || r == '\r':
			e.newline()
		case r == '\t':
			e.insertRunes([]rune("    "))
			room -= 3
		case r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f:
			continue
		default:
			e.insertRunes([]rune{r})
		}
		room--
	}
}

func (e *editor) insertRunes(rs []rune) {
	line := e.lines[e.row]
	next := make([]rune, 0, len(line)+len(rs))
	next = append(append(append(next, line[:e.col]...), rs...), line[e.col:]...)
	e.lines[e.row] = next
	e.col += len(rs)
}

func (e *editor) newline() {
	line := e.lines[e.row]
	head := append([]rune(nil), line[:e.col]...)
	tail := append([]rune(nil), line[e.col:]...)
	e.lines[e.row] = head
	e.lines = append(e.lines[:e.row+1], append([][]rune{tail}, e.lines[e.row+1:]...)...)
	e.row, e.col = e.row+1, 0
}

// Update edits on a key press or a paste and reports whether it used it.
func (e *editor) Update(msg tea.Msg) bool {
	used := e.apply(msg)
	if used {
		e.follow()
	}
	return used
}

func (e *editor) apply(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		e.Insert(msg.Content)
		return true
	case tea.KeyPressMsg:
		if e.edit(msg) || e.move(msg) {
			return true
		}
		if msg.Text != "" && msg.Mod&(tea.ModCtrl|tea.ModAlt) == 0 {
			e.Insert(msg.Text)
			return true
		}
	}
	return false
}

// edit handles the keys that change the text.
func (e *editor) edit(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "enter", "ctrl+m":
		if e.Len() < e.limit {
			e.newline()
		}
	case "backspace", "ctrl+h":
		e.backspace()
	case "delete", "ctrl+d":
		e.deleteForward()
	case "ctrl+u":
		e.lines[e.row] = append([]rune(nil), e.lines[e.row][e.col:]...)
		e.col = 0
	case "ctrl+k":
		e.lines[e.row] = e.lines[e.row][:e.col]
	case "ctrl+w", "alt+backspace":
		e.deleteWord()
	default:
		return false
	}
	return true
}

// move handles the keys that move the cursor.
func (e *editor) move(msg tea.KeyPressMsg) bool {
	switch msg.String() {
	case "left", "ctrl+b":
		e.left()
	case "right", "ctrl+f":
		e.right()
	case "up", "ctrl+p":
		e.SetCursor(e.row-1, e.col)
	case "down", "ctrl+n":
		e.SetCursor(e.row+1, e.col)
	case "home", "ctrl+a":
		e.col = 0
	case "end", "ctrl+e":
		e.col = len(e.lines[e.row])
	default:
		return false
	}
	return true
}

func (e *editor) left() {
	switch {
	case e.col > 0:
		e.col--
	case e.row > 0:
		e.row--
		e.col = len(e.lines[e.row])
	}
}

func (e *editor) right() {
	switch {
	case e.col < len(e.lines[e.row]):
		e.col++
	case e.row < len(e.lines)-1:
		e.row, e.col = e.row+1, 0
	}
}

func (e *editor) backspace() {
	if e.col > 0 {
		line := e.lines[e.row]
		e.lines[e.row] = append(line[:e.col-1:e.col-1], line[e.col:]...)
		e.col--
		return
	}
	if e.row == 0 {
		return
	}
	prev := e.lines[e.row-1]
	e.col = len(prev)
	e.lines[e.row-1] = append(prev[:len(prev):len(prev)], e.lines[e.row]...)
	e.lines = append(e.lines[:e.row], e.lines[e.row+1:]...)
	e.row--
}

func (e *editor) deleteForward() {
	if e.col < len(e.lines[e.row]) || e.row < len(e.lines)-1 {
		e.right()
		e.backspace()
	}
}

func (e *editor) deleteWord() {
	line := e.lines[e.row]
	i := e.col
	for i > 0 && line[i-1] == ' ' {
		i--
	}
	for i > 0 && line[i-1] != ' ' {
		i--
	}
	if i == e.col {
		e.backspace()
		return
	}
	e.lines[e.row] = append(line[:i:i], line[e.col:]...)
	e.col = i
}

// SetSize sets the field's size in cells.
func (e *editor) SetSize(w, h int) {
	e.width, e.height = max(2, w), max(1, h)
	e.follow()
}

// follow scrolls so the cursor stays in view; it runs after every change.
func (e *editor) follow() {
	_, _, y := e.layout()
	e.offset = max(min(e.offset, y), y-e.height+1)
}

// View returns the visible lines and the cursor's place among them.
func (e editor) View() (lines []string, x, y int) {
	all, x, y := e.layout()
	end := min(len(all), e.offset+e.height)
	return all[min(e.offset, end):end], x, y - e.offset
}

// layout wraps every line one cell short of the width, so the cursor
// always fits, and returns the visual rows and the cursor's place.
func (e editor) layout() (all []string, x, y int) {
	w := e.width - 1
	for i, line := range e.lines {
		segs := wrapRunes(line, w)
		if i == e.row {
			y, x = cursorIn(line, segs, e.col, len(all))
		}
		for k, start := range segs {
			end := len(line)
			if k+1 < len(segs) {
				end = segs[k+1]
			}
			all = append(all, string(line[start:end]))
		}
	}
	return all, x, y
}

// wrapRunes returns where each visual row of line starts when wrapped to
// w cells.
func wrapRunes(line []rune, w int) []int {
	starts := []int{0}
	used := 0
	for i, r := range line {
		rw := ansi.StringWidth(string(r))
		if used+rw > w && used > 0 {
			starts = append(starts, i)
			used = 0
		}
		used += rw
	}
	return starts
}

// cursorIn returns the visual row and column of column col of line,
// wrapped at starts, with first the visual row of the line's start.
func cursorIn(line []rune, starts []int, col, first int) (y, x int) {
	k := len(starts) - 1
	for k > 0 && starts[k] > col {
		k--
	}
	return first + k, ansi.StringWidth(string(line[starts[k]:col]))
}
