package sanitize

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
	"github.com/instruct-dev/instruct/internal/cells"
)

// injections are terminal-injection payloads an applicant could type into a
// request, with what the reviewer must see instead.
var injections = []struct {
	name, in, want string
}{
	{"OSC 52 clipboard write", "a\x1b]52;c;cm0gLXJmIH4K\x07b", `a^[]52;c;cm0gLXJmIH4K^Gb`},
	{"OSC 8 hyperlink", "\x1b]8;;https://evil.example\x1b\\Légifrance\x1b]8;;\x1b\\", `^[]8;;https://evil.example^[\Légifrance^[]8;;^[\`},
	{"CSI cursor move and erase", "ok\x1b[2J\x1b[1;1HVALIDÉE", `ok^[[2J^[[1;1HVALIDÉE`},
	{"CSI colour", "\x1b[31mrouge\x1b[0m", `^[[31mrouge^[[0m`},
	{"DCS string", "\x1bP1$r0m\x1b\\", `^[P1$r0m^[\`},
	{"APC string", "\x1b_Gi=1;AAAA\x1b\\", `^[_Gi=1;AAAA^[\`},
	{"C1 CSI", "x\u009b2Jy", `x\u009b2Jy`},
	{"C1 OSC and ST", "\u009d52;c;Zm9v\u009c", `\u009d52;c;Zm9v\u009c`},
	{"bidi override", "facture\u202egpj.exe", `facture\u202egpj.exe`},
	{"bidi isolates", "\u2066a\u2067b\u2068c\u2069", `\u2066a\u2067b\u2068c\u2069`},
	{"bidi embeddings", "\u202aa\u202bb\u202cc\u202d", `\u202aa\u202bb\u202cc\u202d`},
	{"carriage return overwrite", "Conforme\rRefusée", `Conforme^MRefusée`},
	{"CRLF line ending", "ligne 1\r\nligne 2", "ligne 1\nligne 2"},
	{"backspace overwrite", "oui\b\b\bnon", `oui^H^H^Hnon`},
	{"bell and NUL", "\a\x00", `^G^@`},
	{"DEL", "a\x7fb", `a^?b`},
	{"invalid UTF-8", "caf\xe9 \xff\xfe", `caf\xe9 \xff\xfe`},
	{"truncated sequence", "\xe2\x82", `\xe2\x82`},
	{"tab", "a\tb", "a    b"},
	{"newline kept", "a\nb", "a\nb"},
	{"plain French", "Ville de Lyon — CCAS", "Ville de Lyon — CCAS"},
}

func TestTextEscapesInjections(t *testing.T) {
	for _, tc := range injections {
		t.Run(tc.name, func(t *testing.T) {
			if got := Text(tc.in); got != tc.want {
				t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestLineFoldsNewlines(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"newline", "Ville\nde Lyon", "Ville de Lyon"},
		{"crlf", "a\r\nb", "a b"},
		{"escape", "a\x1b[Kb", "a^[[Kb"},
		{"clean", "D1042", "D1042"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Line(tc.in); got != tc.want {
				t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestTextCapsHugeDescription(t *testing.T) {
	huge := strings.Repeat("Inscription aux activités périscolaires. ", 5<<20/42)
	got := Text(huge)
	if !strings.HasSuffix(got, Ellipsis) {
		t.Errorf("Text(5 MB) does not end with %q", Ellipsis)
	}
	if w := cells.Width(got); w > MaxText+cells.Width(Ellipsis) {
		t.Errorf("Text(5 MB) is %d cells wide, want at most %d", w, MaxText+cells.Width(Ellipsis))
	}
	if !utf8.ValidString(got) {
		t.Errorf("Text(5 MB) cut a character in two")
	}
}

func TestTextCapsHugeCluster(t *testing.T) {
	zalgo := "a" + strings.Repeat("\u0301", 5<<20/2) // one character, 5 MB
	if got := Text("Lyon " + zalgo); got != "Lyon "+Ellipsis {
		t.Errorf("Text(5 MB character) = %.40q…, want %q", got, "Lyon "+Ellipsis)
	}
}

func TestTextCapsHugeEscapes(t *testing.T) {
	got := Text(strings.Repeat("\u009b", 5<<20/2))
	if limit := len(`\u009b`)*MaxText + len(Ellipsis); len(got) > limit {
		t.Errorf("len(Text(5 MB of C1)) = %d, want at most %d", len(got), limit)
	}
}

// checkSafe fails t if out could act on a terminal, hides a character, or
// takes a width that depends on who measures it.
func checkSafe(t *testing.T, in, out string, oneLine bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("sanitize(%q) = %q, not valid UTF-8", in, out)
	}
	for _, r := range out {
		bad := r < 0x20 && r != '\n' || r == 0x7f || oneLine && r == '\n' || Escaped(r) || Dropped(r)
		if bad {
			t.Fatalf("sanitize(%q) = %q, contains %U", in, out, r)
		}
	}
	for line := range strings.SplitSeq(out, "\n") {
		if g, wc := cells.Width(line), ansi.StringWidthWc(line); g != wc {
			t.Fatalf("sanitize(%q) = %q: line %q is %d cells by grapheme, %d by wcwidth", in, out, line, g, wc)
		}
	}
}

func TestCorpusIsSafe(t *testing.T) {
	for _, tc := range injections {
		checkSafe(t, tc.in, Text(tc.in), false)
		checkSafe(t, tc.in, Line(tc.in), true)
	}
}

func FuzzSanitize(f *testing.F) {
	for _, tc := range injections {
		f.Add(tc.in)
	}
	for _, tc := range invisibles {
		f.Add(tc.in)
	}
	for _, tc := range wide {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		checkSafe(t, in, Text(in), false)
		checkSafe(t, in, Line(in), true)
		if Text(Text(in)) != Text(in) && len(in) <= MaxText {
			t.Fatalf("Text is not idempotent on %q", in)
		}
	})
}

func BenchmarkTextClean(b *testing.B) {
	s := "Commune de Saint-Étienne-du-Rouvray — inscription à la cantine"
	for b.Loop() {
		Text(s)
	}
}
