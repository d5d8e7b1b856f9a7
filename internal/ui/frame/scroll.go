package frame

import "strconv"

// Scroll is a window of Height lines over Lines, starting at Offset.
type Scroll struct {
	Lines  []string
	Offset int
	Height int
}

// SetLines replaces the lines, keeping the offset where it still fits.
func (s *Scroll) SetLines(lines []string) {
	s.Lines = lines
	s.By(0)
}

// SetHeight changes the window's height.
func (s *Scroll) SetHeight(h int) {
	s.Height = max(0, h)
	s.By(0)
}

// By scrolls by delta lines, down when positive.
func (s *Scroll) By(delta int) {
	s.Offset = max(0, min(s.Offset+delta, len(s.Lines)-s.Height))
}

// Page scrolls by pages, down when positive.
func (s *Scroll) Page(pages int) { s.By(pages * max(1, s.Height-1)) }

// Top scrolls to the first line.
func (s *Scroll) Top() { s.Offset = 0 }

// Bottom scrolls to the last page.
func (s *Scroll) Bottom() { s.By(len(s.Lines)) }

// Visible returns the lines in the window.
func (s Scroll) Visible() []string {
	end := min(len(s.Lines), s.Offset+s.Height)
	if s.Offset >= end {
		return nil
	}
	return s.Lines[s.Offset:end]
}

// Position describes where the window is, such as "12–40/120", or "" when
// every line fits.
func (s Scroll) Position() string {
	if len(s.Lines) <= s.Height {
		return ""
	}
	end := min(len(s.Lines), s.Offset+s.Height)
	return itoa(s.Offset+1) + "–" + itoa(end) + "/" + itoa(len(s.Lines))
}

func itoa(n int) string { return strconv.Itoa(n) }
