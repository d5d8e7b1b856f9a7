// Package cells measures text in terminal cells and cuts it to a width
// without ever splitting a character: a cut falls between grapheme
// clusters (what a reader sees as one character: a letter with its accents,
// an emoji sequence, a flag), never inside one and never inside a UTF-8
// sequence.
//
// Width is the width the screen lays text out with (x/ansi's grapheme
// width); Truncate is the one helper every package uses to shorten text,
// for the screen as for error messages. The package imports nothing of the
// project, so every package may use it.
package cells

import (
	"github.com/charmbracelet/x/ansi"
	"github.com/clipperhouse/uax29/v2/graphemes"
)

// Ellipsis ends text that Truncate cut.
const Ellipsis = "…"

// MaxBytesPerCell bounds the bytes Prefix keeps per cell of width, so that
// a cluster of thousands of combining marks (one cell wide) cannot make a
// short text long.
const MaxBytesPerCell = 16

// Width returns the number of cells s takes on screen: the sum of the
// widths of its grapheme clusters. Escape sequences take none.
func Width(s string) int {
	return ansi.StringWidth(s)
}

// Prefix returns the longest run of whole grapheme clusters at the start of
// s that is at most n cells wide and at most MaxBytesPerCell*n bytes long,
// and whether that is less than s. A cluster that takes no cell (a lone
// combining mark, a control character) counts as one, so n also bounds the
// number of clusters kept.
func Prefix(s string, n int) (string, bool) {
	if len(s) <= n {
		return s, false // n bytes are at most n clusters and n cells
	}
	if n <= 0 {
		return "", s != ""
	}
	width, maxBytes := 0, MaxBytesPerCell*n
	g := graphemes.FromString(s)
	for g.Next() {
		width += max(1, Width(g.Value()))
		if width > n || g.End() > maxBytes {
			return s[:g.Start()], true
		}
	}
	return s, false
}

// Truncate returns s if it fits in n cells, else its longest prefix of
// whole grapheme clusters that fits in n cells with Ellipsis after it.
func Truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	head, cut := Prefix(s, n)
	if !cut {
		return s
	}
	head, _ = Prefix(head, n-Width(Ellipsis))
	return head + Ellipsis
}
