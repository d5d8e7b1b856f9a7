package instruct

import "unicode"

// IsBlank reports whether s shows nothing a reader could take for words:
// it holds only white space of any script (U+00A0, U+2003, U+3000, tabs,
// line and paragraph separators…), control characters, and characters a
// terminal draws as nothing (IsInvisible). The server, the command line
// and the TUI all judge comments by it.
func IsBlank(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !IsInvisible(r) {
			return false
		}
	}
	return true
}

// IsInvisible reports whether r is drawn as nothing: a control or format
// character (zero-width space and joiners, BOM, bidi controls, soft
// hyphen, tag characters), a variation selector, another default-ignorable
// code point (such as the Hangul fillers), or the blank Braille pattern
// U+2800, which fonts draw empty.
func IsInvisible(r rune) bool {
	return unicode.In(r, unicode.Cc, unicode.Cf, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point) ||
		r == '\u2800'
}
