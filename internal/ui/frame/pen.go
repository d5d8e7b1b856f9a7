package frame

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// Pen paints one line of text in a style. It holds the escape sequences a
// style opens and closes with, worked out once, so painting is a
// concatenation instead of a full lipgloss render on every frame.
type Pen struct {
	open, close string
}

// NewPen returns the pen of st. Only attributes that apply to a run of
// text (colours, bold, underline, reverse…) carry over; padding, margins
// and widths are ignored.
func NewPen(st lipgloss.Style) Pen {
	const probe = "x"
	out := st.Render(probe)
	i := strings.Index(out, probe)
	if i < 0 {
		return Pen{}
	}
	return Pen{open: out[:i], close: out[i+len(probe):]}
}

// Paint returns s painted; the zero Pen returns s untouched.
func (p Pen) Paint(s string) string {
	if p.open == "" || s == "" {
		return s
	}
	return p.open + s + p.close
}

// Plain reports whether the pen leaves text untouched.
func (p Pen) Plain() bool { return p.open == "" }
