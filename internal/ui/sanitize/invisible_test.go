package sanitize

import (
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/instruct-dev/instruct/internal/cells"
)

// invisibles are characters that draw nothing (or draw differently on each
// terminal), one or more per class, with what the reviewer sees instead.
var invisibles = []struct {
	class, in, want string
}{
	{"zero-width space", "Ville de\u200bLyon", `Ville de\u200bLyon`},
	{"zero-width non-joiner", "a\u200cb", `a\u200cb`},
	{"zero-width joiner", "a\u200db", "ab"},
	{"word joiner", "a\u2060b", `a\u2060b`},
	{"invisible times", "a\u2062b", `a\u2062b`},
	{"byte-order mark", "\ufeffMairie", `\ufeffMairie`},
	{"soft hyphen", "Saint\u00adÉtienne", `Saint\u00adÉtienne`},
	{"Mongolian vowel separator", "a\u180eb", `a\u180eb`},
	{"combining grapheme joiner", "a\u034fb", `a\u034fb`},
	{"Hangul filler", "a\u3164b", `a\u3164b`},
	{"interlinear annotation", "a\ufff9b\ufffbc", `a\ufff9b\ufffbc`},
	{"line separator", "ligne 1\u2028ligne 2", "ligne 1\nligne 2"},
	{"paragraph separator", "§1\u2029§2", "§1\n§2"},
	{"tag characters (hidden ASCII)", "ok\U000e0041\U000e0042", `ok\U000e0041\U000e0042`},
	{"tag characters of a subdivision flag", "🏴\U000e0067\U000e0062\U000e007f", `🏴\U000e0067\U000e0062\U000e007f`},
	{"private use, BMP", "a\ue000b", `a\ue000b`},
	{"private use, plane 15", "a\U000f0000b", `a\U000f0000b`},
	{"private use, plane 16", "a\U0010fffdb", `a\U0010fffdb`},
	{"noncharacter U+FDD0", "a\ufdd0b", `a\ufdd0b`},
	{"noncharacter U+FFFE", "a\ufffeb", `a\ufffeb`},
	{"noncharacter U+1FFFF", "a\U0001ffffb", `a\U0001ffffb`},
	{"variation selector 16", "❤\ufe0f", "❤"},
	{"ideographic variation selector", "葛\U000e0100", "葛"},
	{"unassigned", "a\u0378b", `a\u0378b`},
	{"newer than Unicode 13", "a\U0001fae8b", `a\U0001fae8b`},
}

func TestInvisibleCharactersAreShownOrDropped(t *testing.T) {
	for _, tc := range invisibles {
		t.Run(tc.class, func(t *testing.T) {
			if got := Text(tc.in); got != tc.want {
				t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
			}
			checkSafe(t, tc.in, Text(tc.in), false)
			checkSafe(t, tc.in, Line(tc.in), true)
		})
	}
}

// wide are grapheme clusters whose width terminals disagree on, with what
// is shown instead: the same on every terminal.
var wide = []struct {
	name, in, want string
}{
	{"ZWJ family", "👨\u200d👩\u200d👧", "👨👩👧"},
	{"ZWJ profession", "🧑\u200d💻", "🧑💻"},
	{"skin tone", "👍🏽", "👍"},
	{"emoji presentation selector", "⚠\ufe0f", "⚠"},
	{"keycap", "1\ufe0f\u20e3", "1\u20e3"},
	{"flag", "🇫🇷", "🇫🇷"},
	{"lone regional indicator", "🇫", `\U0001f1eb`},
	{"wide CJK", "東京", "東京"},
	{"emoji", "😀✅", "😀✅"},
	{"combining accent", "e\u0301", "e\u0301"},
	{"precomposed Hangul", "각", "각"},
	{"decomposed Hangul", "\u1100\u1161\u11a8", `\u1100\u1161\u11a8`},
	{"Devanagari spacing mark", "का", `\u0915\u093e`},
}

func TestWidthIsTheSameForScreenAndTerminal(t *testing.T) {
	for _, tc := range wide {
		t.Run(tc.name, func(t *testing.T) {
			got := Line(tc.in)
			if got != tc.want {
				t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if g, wc := cells.Width(got), ansi.StringWidthWc(got); g != wc {
				t.Errorf("Line(%q) = %q is %d cells by grapheme, %d by wcwidth", tc.in, got, g, wc)
			}
		})
	}
}
