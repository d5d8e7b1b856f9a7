package statsview

import (
	"strconv"
	"strings"

	"github.com/instruct-dev/instruct/internal/stats"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

// Charts are drawn with block characters, painted with the theme's pens
// (Lip Gloss styles): the bars read without colour, submitted █ and
// decided ▒ told apart by their glyphs.

// eighths are the glyphs of a bar's top cell, by eighths of a cell.
var eighths = []string{" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// series is one bar per week: its values, its glyph style and its pen.
type series struct {
	values []int
	solid  bool // █ with eighths; ▒ in whole cells otherwise
	pen    frame.Pen
}

// chart draws the series side by side per week in w cells and h lines:
// h-1 lines of bars with the largest value on the axis, then the weeks'
// numbers.
func chart(th *theme.Theme, weeks []stats.Week, ss []series, w, h int) []string {
	top := 0
	for _, s := range ss {
		for _, v := range s.values {
			top = max(top, v)
		}
	}
	axis := len(strconv.Itoa(top)) + 1
	per := len(ss)
	col := max(per, (w-axis)/max(1, len(weeks)))
	rows := max(1, h-1)
	lines := make([]string, 0, h)
	for r := range rows {
		label := strings.Repeat(" ", axis-1)
		if r == 0 {
			label = frame.FitRight(strconv.Itoa(top), axis-1)
		}
		var b strings.Builder
		b.WriteString(th.Muted.Paint(label + "┤"))
		for i := range weeks {
			for _, s := range ss {
				b.WriteString(s.pen.Paint(cell(s, s.values[i], top, rows, rows-1-r)))
			}
			b.WriteString(strings.Repeat(" ", col-per))
		}
		lines = append(lines, frame.Fit(b.String(), w))
	}
	return append(lines, frame.Fit(strings.Repeat(" ", axis)+weekLabels(weeks, col), w))
}

// cell returns the glyph of a bar of value v (of top) at level row
// (0 the bottom) of a chart rows high; a value above 0 always shows.
func cell(s series, v, top, rows, level int) string {
	if top == 0 || v == 0 {
		return " "
	}
	if !s.solid {
		cells := max(1, (v*rows+top/2)/top)
		if level < cells {
			return "▒"
		}
		return " "
	}
	total := max(1, (v*rows*8+top/2)/top)
	return eighths[min(8, max(0, total-level*8))]
}

// weekLabels writes the ISO week numbers under their bars, every few
// weeks as the room allows.
func weekLabels(weeks []stats.Week, col int) string {
	step := max(1, (3+col-1)/col)
	var b strings.Builder
	for i := 0; i < len(weeks); i += step {
		label := weekNumber(weeks[i].Week)
		b.WriteString(frame.Fit(label, col*min(step, len(weeks)-i)))
	}
	return b.String()
}

// weekNumber returns the number of an ISO week such as 2026-W07: "07".
func weekNumber(week string) string {
	if _, n, ok := strings.Cut(week, "-W"); ok {
		return n
	}
	return week
}
