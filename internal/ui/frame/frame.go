// Package frame lays out the screen as lines of known width: fitting text
// to a column, wrapping it, drawing boxes and putting blocks side by side.
// Every block is a slice of lines, each exactly as wide as the block, so
// joining blocks is plain concatenation and drawing stays cheap.
package frame

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Ellipsis marks text cut to fit.
const Ellipsis = "…"

// Width returns the number of cells s takes on screen.
func Width(s string) int { return ansi.StringWidth(s) }

// Fit returns s cut to w cells (ending with an ellipsis when cut) and padded
// with spaces to exactly w cells. s may hold styles.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n > w {
		s = ansi.Truncate(s, w, Ellipsis)
		n = ansi.StringWidth(s)
	}
	if n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// FitRight is Fit with the padding on the left.
func FitRight(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := ansi.StringWidth(s)
	if n > w {
		return ansi.Truncate(s, w, Ellipsis)
	}
	return strings.Repeat(" ", w-n) + s
}

// Wrap breaks plain text into lines of at most w cells, at spaces where it
// can and inside words where it must; newlines in text start new lines.
func Wrap(text string, w int) []string {
	if w <= 0 {
		return nil
	}
	var out []string
	for _, para := range strings.Split(text, "\n") {
		if ansi.StringWidth(para) <= w {
			out = append(out, para)
			continue
		}
		out = append(out, strings.Split(ansi.Wrap(para, w, ""), "\n")...)
	}
	return out
}

// Indent wraps text to w cells with prefix before the first line and as
// many spaces before the others.
func Indent(prefix, text string, w int) []string {
	pw := ansi.StringWidth(prefix)
	lines := Wrap(text, w-pw)
	if len(lines) == 0 {
		return []string{prefix}
	}
	pad := strings.Repeat(" ", pw)
	for i := range lines {
		if i == 0 {
			lines[i] = prefix + lines[i]
		} else {
			lines[i] = pad + lines[i]
		}
	}
	return lines
}

// Join puts blocks side by side: line i of the result is line i of every
// block in turn. Blocks shorter than the first are padded with empty lines
// of their own width.
func Join(blocks ...[]string) []string {
	if len(blocks) == 0 {
		return nil
	}
	h := len(blocks[0])
	out := make([]string, h)
	var b strings.Builder
	for i := range h {
		b.Reset()
		for _, block := range blocks {
			if i < len(block) {
				b.WriteString(block[i])
			} else if len(block) > 0 {
				b.WriteString(strings.Repeat(" ", ansi.StringWidth(block[0])))
			}
		}
		out[i] = b.String()
	}
	return out
}

// Blank returns h lines of w spaces.
func Blank(w, h int) []string {
	out := make([]string, max(h, 0))
	line := strings.Repeat(" ", max(w, 0))
	for i := range out {
		out[i] = line
	}
	return out
}

// Lines fits each line to w cells and returns exactly h of them, cutting
// or padding with blank lines.
func Lines(lines []string, w, h int) []string {
	out := make([]string, max(h, 0))
	for i := range out {
		if i < len(lines) {
			out[i] = Fit(lines[i], w)
		} else {
			out[i] = strings.Repeat(" ", max(w, 0))
		}
	}
	return out
}
