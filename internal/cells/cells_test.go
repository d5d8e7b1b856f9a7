package cells

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/clipperhouse/uax29/v2/graphemes"
)

func TestTruncate(t *testing.T) {
	family := "👨\u200d👩\u200d👧" // one cluster, two cells
	tests := []struct {
		name string
		in   string
		n    int
		want string
	}{
		{"fits", "Lyon", 4, "Lyon"},
		{"ascii cut", "Villeurbanne", 6, "Ville…"},
		{"accented", "Élévation", 4, "Élé…"},
		{"combining marks stay on their letter", "e\u0301e\u0301e\u0301e\u0301", 3, "e\u0301e\u0301…"},
		{"CJK wide chars", "東京都庁", 5, "東京…"},
		{"CJK never half a char", "東京都庁", 4, "東…"},
		{"ZWJ family kept whole", family + family + family, 5, family + family + "…"},
		{"ZWJ family not split", "a" + family, 2, "a…"},
		{"flags kept whole", "🇫🇷🇩🇪🇮🇹", 5, "🇫🇷🇩🇪…"},
		{"skin tone kept on its emoji", "👍🏽👍🏽👍🏽", 5, "👍🏽👍🏽…"},
		{"zero cells", "abc", 0, ""},
		{"one cell", "abc", 1, "…"},
		{"empty", "", 3, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Truncate(tc.in, tc.n)
			if got != tc.want {
				t.Errorf("Truncate(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
			}
			if w := Width(got); w > max(tc.n, 0) {
				t.Errorf("Truncate(%q, %d) is %d cells wide", tc.in, tc.n, w)
			}
		})
	}
}

// boundaries returns the byte offsets where s's grapheme clusters end.
func boundaries(s string) map[int]bool {
	ends := map[int]bool{0: true}
	g := graphemes.FromString(s)
	for g.Next() {
		ends[g.End()] = true
	}
	return ends
}

func TestPrefixBoundsBytesOfOneCellCluster(t *testing.T) {
	zalgo := "a" + strings.Repeat("\u0301", 1<<20) // one cluster, one cell, 2 MB
	got, cut := Prefix("ok "+zalgo, 40)
	if !cut || got != "ok " {
		t.Errorf("Prefix(2 MB cluster, 40) = %q, %v; want %q, true", got, cut, "ok ")
	}
}

func FuzzTruncate(f *testing.F) {
	for _, s := range []string{"Villeurbanne", "👨\u200d👩\u200d👧🇫🇷", "東京e\u0301", "\xff\xfe", "a\u0301\u0301b"} {
		f.Add(s, 3)
	}
	f.Fuzz(func(t *testing.T, s string, n int) {
		n %= 200
		got := Truncate(s, n)
		if got == s {
			return
		}
		head := strings.TrimSuffix(got, Ellipsis)
		if !strings.HasPrefix(s, head) || !boundaries(s)[len(head)] {
			t.Fatalf("Truncate(%q, %d) = %q, not cut between clusters", s, n, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("Truncate(%q, %d) = %q, not valid UTF-8", s, n, got)
		}
		if utf8.ValidString(s) && Width(got) > max(n, 0) || len(head) > MaxBytesPerCell*max(n, 0) {
			t.Fatalf("Truncate(%q, %d) = %q: %d cells, %d bytes", s, n, got, Width(got), len(head))
		}
	})
}
