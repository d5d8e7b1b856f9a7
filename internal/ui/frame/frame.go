// Package frame lays out the screen as lines of known width: fitting text
// to a column, wrapping it, drawing boxes and putting blocks side by side.
// Every block is a slice of lines, each exactly as wide as the block, so
// joining blocks is plain concatenation and drawing stays cheap.
package frame

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/instruct-dev/instruct/internal/cells"
)

// Ellipsis marks text cut to fit.
const Ellipsis = "…"

// Width returns the number of cells s takes on screen. Text of Latin
// letters and common punctuation, most of what the screen shows, is
// measured by counting; anything else (styles, wide or combining
// characters) by cells.Width, the grapheme rules every front measures with.
func Width(s string) int {
	n := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if !narrow(r) {
			return cells.Width(s)
		}
		n++
		i += size
	}
	return n
}

// narrow reports whether r surely takes one cell: Latin letters with their
// accents and the typographic punctuation of French text.
func narrow(r rune) bool {
	switch {
	case r >= 0xa0 && r < 0x300 && r != 0xad:
		return true
	case r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x205e:
		return true
	case r >= 0x2190 && r <= 0x21ff, r >= 0x2500 && r <= 0x259f, r == 0x2713, r == 0x2717, r == 0x25b6, r == 0x2691, r == 0x29d7, r == 0x25cf, r == 0x25cb, r == 0x21bb:
		return true
	}
	return false
}

// Fit returns s cut to w cells (ending with an ellipsis when cut) and padded
// with spaces to exactly w cells. s may hold styles.
func Fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	n := Width(s)
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
	n := Width(s)
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
		if Width(para) <= w {
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
	pw := Width(prefix)
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
				b.WriteString(strings.Repeat(" ", Width(block[0])))
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

// Pad returns exactly h lines: lines already w cells wide, cut or followed
// by blank lines. Unlike Lines it doesn't measure them.
func Pad(lines []string, w, h int) []string {
	if len(lines) >= h {
		return lines[:max(h, 0)]
	}
	blank := strings.Repeat(" ", max(w, 0))
	for len(lines) < h {
		lines = append(lines, blank)
	}
	return lines
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
