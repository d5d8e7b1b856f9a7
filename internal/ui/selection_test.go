package ui

import (
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

// headerRE finds the review's header: a request ID at the left edge of
// the review area (the screen's, or right of the queue's box).
var headerRE = regexp.MustCompile(`(?m)(?:^|[┃│┓┐])(D\d+) · `)

// shownIDs returns the ID of the review's header and of the queue's
// highlighted row on screen ("" for what is not shown).
func shownIDs(screen string) (header, highlighted string) {
	for _, l := range strings.Split(screen, "\n") {
		if i := strings.Index(l, "▶ "); i >= 0 && highlighted == "" {
			if f := strings.Fields(l[i+len("▶ "):]); len(f) > 0 {
				highlighted = f[0]
			}
		}
	}
	if m := headerRE.FindStringSubmatch(screen); m != nil {
		header = m[1]
	}
	return header, highlighted
}

// TestResizeShowsTheHighlightedRequest: the reviewer reads a request at
// 120×40, goes back to the queue, moves the cursor, and widens the window
// to 200×50: the panes show the highlighted request, and a acts on it.
func TestResizeShowsTheHighlightedRequest(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st}, 120, 40)
	d.keys("enter", "esc", "j", "j")
	want := d.m.queue.SelectedID()
	d.send(tea.WindowSizeMsg{Width: 200, Height: 50})
	header, highlighted := shownIDs(d.screen())
	if header != want || highlighted != want {
		t.Fatalf("after the resize the header names %q and the queue highlights %q, want both %s:\n%s", header, highlighted, want, d.screen())
	}
	if got := d.m.review.Detail(); got == nil || got.Request.ID != want {
		t.Errorf("the panes hold %v, want %s", got, want)
	}
}
