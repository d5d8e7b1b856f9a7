// Package sanitize makes untrusted text safe to draw in a terminal, and
// makes every front (the TUI, its SSH sessions, instruct ls and show) draw
// it the same way:
//
//   - control characters, bidirectional overrides and invalid UTF-8 become
//     visible escapes (^[, ^?, \u202e, \xff) instead of reaching the
//     terminal;
//   - invisible and format characters (zero-width spaces and joiners,
//     byte-order marks, soft hyphens, tag characters, fillers), private-use
//     characters, noncharacters and characters unknown to Unicode 13.0 are
//     written out visibly too (\u200b, \U000e0041);
//   - line and paragraph separators (U+2028, U+2029) are line breaks;
//   - what only changes how neighbouring characters are drawn, and is
//     drawn differently by each terminal, is dropped: the zero-width joiner
//     of emoji sequences, variation selectors and skin-tone modifiers;
//   - what is left of a grapheme cluster keeps only if every way of
//     measuring it agrees on its width (the screen's grapheme width, the
//     per-character width terminals without grapheme support use); the
//     rest is written out visibly, so that no border or column moves;
//   - very long text is capped so that drawing it never hangs.
//
// Value applies it to every string of a value at any depth: a request with
// its contacts and scopes, events with their diffs, operations, queue
// rows. The UI calls it once, where text enters its view model; the
// command line calls it before printing.
package sanitize

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/clipperhouse/uax29/v2/graphemes"
	"golang.org/x/text/unicode/rangetable"

	"github.com/instruct-dev/instruct/internal/cells"
)

// MaxText is the most cells of a multi-line field kept for display; a
// longer field is cut between two characters and marked as truncated.
const MaxText = 32 << 10

// MaxLine is the most cells of a one-line field kept for display.
const MaxLine = 1 << 10

// TabWidth is the number of spaces a tab becomes.
const TabWidth = 4

// Ellipsis ends a field that was cut.
const Ellipsis = " […]"

// KnownUnicode is the Unicode version whose characters are shown as they
// are: terminals released since know their widths. A character assigned
// later may be drawn zero, one or two cells wide, so it is written out.
const KnownUnicode = "13.0.0"

var assigned = rangetable.Assigned(KnownUnicode)

// Text returns s safe for display as multi-line text: newlines are kept
// ("\r\n", U+2028 and U+2029 become "\n"), tabs become spaces, and s is
// capped at MaxText cells; everything else is as the package describes.
func Text(s string) string {
	return clean(s, MaxText, false)
}

// Line returns s safe for display on one line: like Text, except that
// line breaks become spaces and s is capped at MaxLine cells.
func Line(s string) string {
	return clean(s, MaxLine, true)
}

// clean makes s safe, keeping at most limit cells of it.
func clean(s string, limit int, oneLine bool) string {
	s, cut := cells.Prefix(s, limit)
	if !plain(s, oneLine) {
		s = agree(escape(s, oneLine))
	}
	if cut {
		return s + Ellipsis
	}
	return s
}

// plain reports whether s can be shown as it is without looking further:
// printable ASCII, newlines in multi-line text, Latin letters and French
// punctuation, each one cell wide whatever measures it.
func plain(s string, oneLine bool) bool {
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
			if !narrow(r) {
				return false
			}
			i += size
		}
	}
	return true
}

// narrow reports whether r is a Latin letter, a currency sign or common
// punctuation: shown as it is, one cell wide, whatever follows it.
func narrow(r rune) bool {
	switch {
	case r >= 0xa0 && r < 0x300 && r != 0xad:
		return true
	case r >= 0x2010 && r <= 0x2027, r >= 0x2030 && r <= 0x205e, r >= 0x20a0 && r <= 0x20c0:
		return true
	}
	return false
}

// escape writes s with every unsafe character escaped or dropped.
func escape(s string, oneLine bool) string {
	var b strings.Builder
	b.Grow(len(s) + 16)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b.WriteString(`\x`)
			b.WriteString(hex(rune(s[i]), 2))
		case r == '\r' && i+1 < len(s) && s[i+1] == '\n':
			// dropped: the "\n" that follows ends the line
		default:
			writeRune(&b, r, oneLine)
		}
		i += size
	}
	return b.String()
}

// writeRune writes r, its visible escape, or nothing.
func writeRune(b *strings.Builder, r rune, oneLine bool) {
	switch {
	case (r == '\n' || r == 0x2028 || r == 0x2029) && oneLine:
		b.WriteByte(' ')
	case r == '\n' || r == 0x2028 || r == 0x2029:
		b.WriteByte('\n')
	case r == '\t':
		b.WriteString(strings.Repeat(" ", TabWidth))
	case r < 0x20:
		b.WriteByte('^')
		b.WriteByte(byte(r) + '@')
	case r == 0x7f:
		b.WriteString("^?")
	case Dropped(r):
	case Escaped(r):
		writeEscape(b, r)
	default:
		b.WriteRune(r)
	}
}

// writeEscape writes r as \u0000 or, beyond the first plane, \U00000000.
func writeEscape(b *strings.Builder, r rune) {
	if r > 0xffff {
		b.WriteString(`\U`)
		b.WriteString(hex(r, 8))
		return
	}
	b.WriteString(`\u`)
	b.WriteString(hex(r, 4))
}

// Dropped reports whether r is left out of what is shown: the zero-width
// joiner, variation selectors and emoji skin-tone modifiers, which only
// change how the characters around them are drawn, each terminal its own
// way.
func Dropped(r rune) bool {
	return r == 0x200d || unicode.Is(unicode.Variation_Selector, r) || r >= 0x1f3fb && r <= 0x1f3ff
}

// Escaped reports whether r is shown as its code instead of itself: C1
// controls; format characters (bidi controls and marks, zero-width space
// and non-joiner, word joiner, soft hyphen, byte-order mark, tag
// characters…) and the other characters Unicode says to draw as nothing;
// private-use characters; noncharacters; and characters unknown to
// Unicode KnownUnicode.
func Escaped(r rune) bool {
	switch {
	case r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0xfdd0 && r <= 0xfdef, r&0xfffe == 0xfffe:
		return true // noncharacters
	}
	return unicode.In(r, unicode.Cf, unicode.Co, unicode.Other_Default_Ignorable_Code_Point) ||
		!unicode.Is(assigned, r)
}

// agree returns s with every grapheme cluster whose width depends on who
// measures it written out as escapes. The screen measures clusters
// (grapheme width); a terminal without grapheme support, and the renderer
// then, adds up the widths of the characters (wcwidth): where they differ
// (a lone regional indicator, Indic conjuncts, decomposed Hangul), a
// border drawn after the text would move.
func agree(s string) string {
	if plain(s, false) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	g := graphemes.FromString(s)
	for g.Next() {
		c := g.Value()
		if len(c) == 1 || cells.Width(c) == ansi.StringWidthWc(c) {
			b.WriteString(c)
			continue
		}
		for _, r := range c {
			if r < utf8.RuneSelf {
				b.WriteRune(r)
			} else {
				writeEscape(&b, r)
			}
		}
	}
	return b.String()
}

// hex returns r in lower-case hexadecimal, zero-padded to digits.
func hex(r rune, digits int) string {
	h := strconv.FormatUint(uint64(r), 16)
	return strings.Repeat("0", max(0, digits-len(h))) + h
}
