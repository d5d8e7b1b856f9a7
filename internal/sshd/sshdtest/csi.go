package sshdtest

import "github.com/charmbracelet/x/ansi"

// csi handles CSI sequences: cursor moves, erasing, editing, scrolling,
// margins, repeat and the auto-wrap mode; others (colours, modes) change
// nothing that shows as text.
func (s *Screen) csi(cmd ansi.Cmd, params ansi.Params) {
	n := func(i int) int {
		v, _, _ := params.Param(i, 1)
		return max(v, 1)
	}
	if cmd.Prefix() == '?' {
		s.privateMode(cmd.Final(), params)
		return
	}
	if cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
		return
	}
	if s.cursorCSI(cmd.Final(), n) || s.editCSI(cmd.Final(), n) {
		return
	}
	switch cmd.Final() {
	case 'J':
		s.eraseDisplay(param0(params))
	case 'K':
		s.eraseLine(param0(params))
	case 'r':
		top, _, _ := params.Param(0, 1)
		bottom, _, _ := params.Param(1, s.h)
		s.top, s.bottom = max(top, 1)-1, min(max(bottom, 1), s.h)-1
		s.moveTo(0, 0)
	case 'b':
		for range n(0) {
			s.print(s.last)
		}
	}
}

func param0(params ansi.Params) int {
	v, _, _ := params.Param(0, 0)
	return v
}

// cursorCSI moves the cursor; it reports whether final was one of its.
func (s *Screen) cursorCSI(final byte, n func(int) int) bool {
	switch final {
	case 'A':
		s.moveTo(s.x, s.y-n(0))
	case 'B':
		s.moveTo(s.x, s.y+n(0))
	case 'C':
		s.moveTo(s.x+n(0), s.y)
	case 'D':
		s.moveTo(s.x-n(0), s.y)
	case 'E':
		s.moveTo(0, s.y+n(0))
	case 'F':
		s.moveTo(0, s.y-n(0))
	case 'G', '`':
		s.moveTo(n(0)-1, s.y)
	case 'd':
		s.moveTo(s.x, n(0)-1)
	case 'H', 'f':
		s.moveTo(n(1)-1, n(0)-1)
	case 'I':
		s.moveTo((s.x/8+n(0))*8, s.y)
	case 'Z':
		s.moveTo(((s.x-1)/8-n(0)+1)*8, s.y)
	default:
		return false
	}
	return true
}

// editCSI inserts, deletes, erases characters and lines and scrolls; it
// reports whether final was one of its.
func (s *Screen) editCSI(final byte, n func(int) int) bool {
	row := s.cells[s.y]
	switch final {
	case '@':
		k := min(n(0), s.w-s.x)
		copy(row[s.x+k:], row[s.x:s.w-k])
		s.erase(s.x, s.y, s.x+k-1, s.y)
	case 'P':
		k := min(n(0), s.w-s.x)
		copy(row[s.x:], row[s.x+k:])
		s.erase(s.w-k, s.y, s.w-1, s.y)
	case 'X':
		s.erase(s.x, s.y, min(s.x+n(0), s.w)-1, s.y)
	case 'L':
		if s.y >= s.top && s.y <= s.bottom {
			s.scrollDown(s.y, s.bottom, min(n(0), s.bottom-s.y+1))
		}
	case 'M':
		if s.y >= s.top && s.y <= s.bottom {
			s.scrollUp(s.y, s.bottom, min(n(0), s.bottom-s.y+1))
		}
	case 'S':
		s.scrollUp(s.top, s.bottom, min(n(0), s.bottom-s.top+1))
	case 'T':
		s.scrollDown(s.top, s.bottom, min(n(0), s.bottom-s.top+1))
	default:
		return false
	}
	s.wrapNext = false
	return true
}

// eraseDisplay handles ED: 0 below, 1 above, 2 and 3 all.
func (s *Screen) eraseDisplay(mode int) {
	switch mode {
	case 0:
		s.erase(s.x, s.y, s.w-1, s.h-1)
	case 1:
		s.erase(0, 0, s.x, s.y)
	default:
		s.erase(0, 0, s.w-1, s.h-1)
	}
}

// eraseLine handles EL: 0 right, 1 left, 2 all.
func (s *Screen) eraseLine(mode int) {
	switch mode {
	case 0:
		s.erase(s.x, s.y, s.w-1, s.y)
	case 1:
		s.erase(0, s.y, s.x, s.y)
	default:
		s.erase(0, s.y, s.w-1, s.y)
	}
}

// privateMode follows auto-wrap (DECAWM) and the alternate screen, which
// starts blank.
func (s *Screen) privateMode(final byte, params ansi.Params) {
	if final != 'h' && final != 'l' {
		return
	}
	set := final == 'h'
	params.ForEach(0, func(_, mode int, _ bool) {
		switch mode {
		case 7:
			s.noWrap = !set
		case 1049, 1047, 47:
			s.erase(0, 0, s.w-1, s.h-1)
		}
	})
}
