package frame

import (
	"strings"

	"charm.land/lipgloss/v2"
)

// BoxStyle is how a box is drawn.
type BoxStyle struct {
	Border     lipgloss.Border
	Line       Pen
	Title      Pen
	RightTitle Pen
}

// Box draws body inside a border of w×h cells, with title on the top edge
// at the left and right on it at the right. Body lines are fitted to the
// inside width; missing lines are blank and extra ones are cut.
func Box(st BoxStyle, title, right string, body []string, w, h int) []string {
	return box(st, title, right, body, w, h, false)
}

// BoxExact is Box for body lines already exactly w-2 cells wide, which it
// doesn't measure again.
func BoxExact(st BoxStyle, title, right string, body []string, w, h int) []string {
	return box(st, title, right, body, w, h, true)
}

func box(st BoxStyle, title, right string, body []string, w, h int, exact bool) []string {
	if w < 2 || h < 2 {
		return Blank(w, h)
	}
	inner := w - 2
	out := make([]string, 0, h)
	out = append(out, topEdge(st, title, right, inner))
	left := st.Line.Paint(st.Border.Left)
	rightEdge := st.Line.Paint(st.Border.Right)
	blank := strings.Repeat(" ", inner)
	for i := range h - 2 {
		line := blank
		switch {
		case i < len(body) && exact:
			line = body[i]
		case i < len(body):
			line = Fit(body[i], inner)
		}
		out = append(out, left+line+rightEdge)
	}
	bottom := st.Border.BottomLeft + strings.Repeat(st.Border.Bottom, inner) + st.Border.BottomRight
	return append(out, st.Line.Paint(bottom))
}

// topEdge draws "┌ title ───── right ┐" in inner+2 cells.
func topEdge(st BoxStyle, title, right string, inner int) string {
	var b strings.Builder
	b.WriteString(st.Line.Paint(st.Border.TopLeft))
	used := 0
	if title != "" && inner > 4 {
		t := Fit(title, min(Width(title), inner-3))
		b.WriteString(st.Line.Paint(st.Border.Top))
		b.WriteString(st.Title.Paint(" " + t + " "))
		used = Width(t) + 3
	}
	rightPart := ""
	if right != "" && inner-used > Width(right)+3 {
		rightPart = st.RightTitle.Paint(" "+right+" ") + st.Line.Paint(st.Border.Top)
		used += Width(right) + 3
	}
	if fill := inner - used; fill > 0 {
		b.WriteString(st.Line.Paint(strings.Repeat(st.Border.Top, fill)))
	}
	b.WriteString(rightPart)
	b.WriteString(st.Line.Paint(st.Border.TopRight))
	return b.String()
}
