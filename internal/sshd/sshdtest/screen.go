// Package sshdtest drives SSH sessions of the reviewer's screen in tests
// and benchmarks: a client terminal over golang.org/x/crypto/ssh that
// requests a PTY, sends keys and resizes, and a small VT emulator that
// turns what the server sends into the text a user would see.
package sshdtest

import (
	"strings"
	"sync"

	"github.com/charmbracelet/x/ansi"
)

// Screen is a minimal VT100/xterm emulator: enough of cursor movement,
// erasing, insertion, deletion, scrolling regions and auto-wrap to follow
// Bubble Tea's cell-diff renderer. It keeps characters, not attributes.
// Its methods are safe for concurrent use.
type Screen struct {
	mu     sync.Mutex
	parser *ansi.Parser
	w, h   int
	cells  [][]rune
	x, y   int
	top    int
	bottom int
	// wrapNext is set after writing in the last column with auto-wrap
	// on: the next character goes to the next line.
	wrapNext bool
	noWrap   bool
	last     rune
	saved    [2]int
	// replies collects what the terminal answers to queries, such as
	// the background colour.
	replies    []string
	background string
}

// NewScreen returns a blank screen of w columns and h rows that answers
// background colour queries with background ("rgb:0000/0000/0000" is
// black; "" answers nothing).
func NewScreen(w, h int, background string) *Screen {
	s := &Screen{parser: ansi.NewParser(), background: background}
	s.resize(w, h)
	s.parser.SetHandler(ansi.Handler{
		Print:     s.print,
		Execute:   s.execute,
		HandleCsi: s.csi,
		HandleEsc: s.esc,
		HandleOsc: s.osc,
	})
	return s
}

// Write feeds what the server sent.
func (s *Screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.parser.Parse(p)
	return len(p), nil
}

// Resize changes the size, keeping what fits.
func (s *Screen) Resize(w, h int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.resize(w, h)
}

// Replies returns and forgets the terminal's pending answers to queries.
func (s *Screen) Replies() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.replies
	s.replies = nil
	return r
}

// Lines returns the rows of the screen, trailing spaces trimmed.
func (s *Screen) Lines() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, s.h)
	for y, row := range s.cells {
		var b strings.Builder
		for _, r := range row {
			if r != 0 {
				b.WriteRune(r)
			}
		}
		out[y] = strings.TrimRight(b.String(), " ")
	}
	return out
}

// String returns the screen as text, one line per row.
func (s *Screen) String() string { return strings.Join(s.Lines(), "\n") }

// Size returns the screen's columns and rows.
func (s *Screen) Size() (int, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w, s.h
}

func (s *Screen) resize(w, h int) {
	cells := make([][]rune, h)
	for y := range cells {
		cells[y] = blankRow(w)
		if y < len(s.cells) {
			copy(cells[y], s.cells[y])
		}
	}
	s.w, s.h, s.cells = w, h, cells
	s.top, s.bottom = 0, h-1
	s.x, s.y = min(s.x, w-1), min(s.y, h-1)
	s.wrapNext = false
}

func blankRow(w int) []rune {
	row := make([]rune, w)
	for i := range row {
		row[i] = ' '
	}
	return row
}

// print writes r at the cursor and advances it.
func (s *Screen) print(r rune) {
	width := ansi.StringWidth(string(r))
	if width == 0 {
		return
	}
	if s.wrapNext && !s.noWrap {
		s.x = 0
		s.lineFeed()
	}
	s.wrapNext = false
	if s.x+width > s.w {
		s.x = s.w - width
	}
	s.cells[s.y][s.x] = r
	for i := 1; i < width; i++ {
		s.cells[s.y][s.x+i] = 0
	}
	s.last = r
	if s.x+width >= s.w {
		s.wrapNext = true
		return
	}
	s.x += width
}

// execute handles C0 controls.
func (s *Screen) execute(b byte) {
	switch b {
	case '\r':
		s.moveTo(0, s.y)
	case '\n', '\v', '\f':
		s.wrapNext = false
		s.lineFeed()
	case '\b':
		s.moveTo(s.x-1, s.y)
	case '\t':
		s.moveTo((s.x/8+1)*8, s.y)
	}
}

// lineFeed moves down a row, scrolling at the bottom margin.
func (s *Screen) lineFeed() {
	switch {
	case s.y == s.bottom:
		s.scrollUp(s.top, s.bottom, 1)
	case s.y < s.h-1:
		s.y++
	}
}

// reverseIndex moves up a row, scrolling down at the top margin.
func (s *Screen) reverseIndex() {
	switch {
	case s.y == s.top:
		s.scrollDown(s.top, s.bottom, 1)
	case s.y > 0:
		s.y--
	}
}

// moveTo puts the cursor at (x, y), kept on the screen.
func (s *Screen) moveTo(x, y int) {
	s.x = max(0, min(x, s.w-1))
	s.y = max(0, min(y, s.h-1))
	s.wrapNext = false
}

// scrollUp moves rows top..bottom up by n, blanking the bottom ones.
func (s *Screen) scrollUp(top, bottom, n int) {
	for ; n > 0; n-- {
		copy(s.cells[top:bottom+1], s.cells[top+1:bottom+1])
		s.cells[bottom] = blankRow(s.w)
	}
}

// scrollDown moves rows top..bottom down by n, blanking the top ones.
func (s *Screen) scrollDown(top, bottom, n int) {
	for ; n > 0; n-- {
		copy(s.cells[top+1:bottom+1], s.cells[top:bottom])
		s.cells[top] = blankRow(s.w)
	}
}

// esc handles ESC sequences.
func (s *Screen) esc(cmd ansi.Cmd) {
	if cmd.Intermediate() != 0 {
		return
	}
	switch cmd.Final() {
	case 'M':
		s.reverseIndex()
	case 'D':
		s.lineFeed()
	case 'E':
		s.x = 0
		s.lineFeed()
	case '7':
		s.saved = [2]int{s.x, s.y}
	case '8':
		s.moveTo(s.saved[0], s.saved[1])
	case 'c':
		s.resize(s.w, s.h)
		s.erase(0, 0, s.w-1, s.h-1)
		s.moveTo(0, 0)
	}
}

// osc answers a background colour query (OSC 11 ; ?).
func (s *Screen) osc(cmd int, data []byte) {
	if cmd == 11 && strings.HasSuffix(string(data), ";?") && s.background != "" {
		s.replies = append(s.replies, "\x1b]11;"+s.background+"\x1b\\")
	}
}

// erase blanks the cells from (x0, y0) to (x1, y1), in reading order.
func (s *Screen) erase(x0, y0, x1, y1 int) {
	for y := y0; y <= y1 && y < s.h; y++ {
		from, to := 0, s.w-1
		if y == y0 {
			from = x0
		}
		if y == y1 {
			to = x1
		}
		for x := max(from, 0); x <= to && x < s.w; x++ {
			s.cells[y][x] = ' '
		}
	}
}
