// Package sanitize makes untrusted text safe to draw in a terminal: control
// characters, bidirectional overrides and invalid UTF-8 become visible
// escapes instead of reaching the terminal, and very long text is capped so
// that drawing it never hangs.
//
// The UI calls it once, where applicant-written text enters its view model.
package sanitize

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxText is the most bytes of a multi-line field kept for display; a
// longer field is cut on a character boundary and marked as truncated.
const MaxText = 32 << 10

// MaxLine is the most bytes of a one-line field kept for display.
const MaxLine = 1 << 10

// TabWidth is the number of spaces a tab becomes.
const TabWidth = 4

// Ellipsis ends a field that was cut.
const Ellipsis = " […]"

// Text returns s safe for display as multi-line text: newlines are kept
// ("\r\n" becomes "\n"), tabs become spaces, every other control character,
// DEL, C1 control, bidi override or isolate is written out visibly (^[, ^?,
// \u009b, \u202e), invalid bytes as \xff, and s is capped at MaxText bytes.
func Text(s string) string {
	return clean(s, MaxText, false)
}

// Line returns s safe for display on one line: like Text, except that
// newlines become spaces and s is capped at MaxLine bytes.
func Line(s string) string {
	return clean(s, MaxLine, true)
}

// clean escapes s, keeping at most limit bytes of input.
func clean(s string, limit int, oneLine bool) string {
	cut := false
	if len(s) > limit {
		s, cut = cutAt(s, limit), true
	}
	if safe(s, oneLine) {
		if cut {
			return s + Ellipsis
		}
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	escapeInto(&b, s, oneLine)
	if cut {
		b.WriteString(Ellipsis)
	}
	return b.String()
}

// cutAt returns the longest prefix of s of at most n bytes that doesn't
// split a UTF-8 sequence.
func cutAt(s string, n int) string {
	for i := n; i > n-utf8.UTFMax && i > 0; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i]
		}
	}
	return s[:n]
}

// safe reports whether s can be shown as it is: valid UTF-8 without
// anything Text would escape.
func safe(s string, oneLine bool) bool {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			i++
		case c == '\n' && !oneLine:
			i++
		case c < 0x80:
			return false
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && size == 1 || escaped(r) {
				return false
			}
			i += size
		}
	}
	return true
}

// escapeInto writes s to b with every unsafe character escaped.
func escapeInto(b *strings.Builder, s string, oneLine bool) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(hex2(s[i]))
		case r == '\r' && i+1 < len(s) && s[i+1] == '\n':
			// dropped: the "\n" that follows ends the line
		default:
			writeRune(b, r, oneLine)
		}
		i += size
	}
}

// writeRune writes r, or its visible escape.
func writeRune(b *strings.Builder, r rune, oneLine bool) {
	switch {
	case r == '\n' && oneLine:
		b.WriteByte(' ')
	case r == '\n':
		b.WriteByte('\n')
	case r == '\t':
		b.WriteString(strings.Repeat(" ", TabWidth))
	case r < 0x20:
		b.WriteByte('^')
		b.WriteByte(byte(r) + '@')
	case r == 0x7f:
		b.WriteString("^?")
	case escaped(r):
		b.WriteString(`\u`)
		b.WriteString(hex4(r))
	default:
		b.WriteRune(r)
	}
}

// escaped reports whether r is a C1 control or a character that reorders
// or hides text: bidi embeddings, overrides, isolates and marks.
func escaped(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	case r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}

func hex2(c byte) string {
	h := strconv.FormatUint(uint64(c), 16)
	if len(h) < 2 {
		h = "0" + h
	}
	return h
}

func hex4(r rune) string {
	h := strconv.FormatUint(uint64(r), 16)
	return strings.Repeat("0", max(0, 4-len(h))) + h
}
