package frame

import (
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

func TestFit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		w    int
		want string
	}{
		{"pads", "ab", 4, "ab  "},
		{"cuts with ellipsis", "abcdef", 4, "abc…"},
		{"exact", "abcd", 4, "abcd"},
		{"wide characters", "日本語", 4, "日… "},
		{"zero width", "abc", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Fit(tc.in, tc.w)
			if got != tc.want || Width(got) != max(tc.w, 0) {
				t.Errorf("Fit(%q, %d) = %q, want %q", tc.in, tc.w, got, tc.want)
			}
		})
	}
}

func TestWrapKeepsWidth(t *testing.T) {
	text := "Article L114-8 du code des relations entre le public et l'administration\nhttps://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000045213315"
	lines := Wrap(text, 20)
	for _, l := range lines {
		if Width(l) > 20 {
			t.Errorf("Wrap(…, 20) gave %q, %d cells wide", l, Width(l))
		}
	}
	if got := strings.Join(lines, ""); strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(strings.ReplaceAll(text, "\n", ""), " ", "") {
		t.Errorf("Wrap lost text: %q", got)
	}
}

func TestBoxIsExactlyItsSize(t *testing.T) {
	st := BoxStyle{Border: lipgloss.NormalBorder()}
	lines := Box(st, "Titre très long qui ne tient pas", "1/3", []string{"une ligne bien trop longue pour la boîte", "b"}, 20, 5)
	if len(lines) != 5 {
		t.Fatalf("Box(…, 20, 5) has %d lines, want 5", len(lines))
	}
	for _, l := range lines {
		if Width(l) != 20 {
			t.Errorf("Box line %q is %d cells wide, want 20", l, Width(l))
		}
	}
}

func TestScrollStaysInRange(t *testing.T) {
	s := Scroll{Lines: strings.Split("a b c d e f g h i j", " "), Height: 4}
	s.By(100)
	if s.Offset != 6 || s.Position() != "7–10/10" {
		t.Errorf("after scrolling past the end Offset = %d, Position = %q, want 6 and 7–10/10", s.Offset, s.Position())
	}
	s.Page(-5)
	if s.Offset != 0 {
		t.Errorf("after paging back past the start Offset = %d, want 0", s.Offset)
	}
}

func TestWidthMatchesGraphemeRules(t *testing.T) {
	for _, s := range []string{"Ville de Lyon", "Mairie de Saint-Étienne", "« Dites-le-nous une fois » – l’État…",
		"▶ D1042 ⚑12 j ⧗ ✓ ✗ ● ○ ↻ → ┃━┏", "日本語", "e\u0301", "a\u00adb", "\x1b[1mgras\x1b[m", "🔐 données"} {
		if got, want := Width(s), ansi.StringWidth(s); got != want {
			t.Errorf("Width(%q) = %d, want %d", s, got, want)
		}
	}
}
