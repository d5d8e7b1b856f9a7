package instruct

import (
	"testing"
	"unicode"
)

// TestIsBlank: every Unicode white space, control and invisible format
// character counts as blank, alone or mixed; one visible character, in
// any script, makes a text not blank.
func TestIsBlank(t *testing.T) {
	blank := []string{
		"", " ", "\t\n\r\v\f", "\u00a0", "\u2003", "\u3000", "\u2028\u2029", "\u0085",
		"\u200b", "\u200c\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e\u2066", "\u180e",
		"\U000e0041\U000e007f", "\ufe0f", "\u3164", "\u115f", "\u2800", "\x00\x1b\x7f",
		"\u3000 \u00a0\u200b\t\n\u2003",
	}
	for _, s := range blank {
		if !IsBlank(s) {
			t.Errorf("IsBlank(%+q) = false, want true", s)
		}
	}
	for _, s := range []string{"a", "\u3000ok\u3000", "é", "日", "\u200b.", "0", "👍", "\u00a0-"} {
		if IsBlank(s) {
			t.Errorf("IsBlank(%+q) = true, want false", s)
		}
	}
}

// TestIsBlankCountsEveryUnicodeSpace: no white space of the Unicode
// database passes for a comment.
func TestIsBlankCountsEveryUnicodeSpace(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if (unicode.IsSpace(r) || unicode.Is(unicode.Zs, r) || unicode.Is(unicode.Cf, r)) && !IsBlank(string(r)) {
			t.Errorf("IsBlank(%U) = false, want true", r)
		}
	}
}
