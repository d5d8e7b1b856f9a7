package ui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
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
	if header != want.String() || highlighted != want.String() {
		t.Fatalf("after the resize the header names %q and the queue highlights %q, want both %s:\n%s", header, highlighted, want, d.screen())
	}
	if got := d.m.review.Detail(); got == nil || got.Request.ID != want {
		t.Errorf("the panes hold %v, want %s", got, want)
	}
}

// closedSyncer is a sync engine that sends nothing more: the test sends
// its statuses to Update itself.
func closedSyncer() *syncer {
	s := &syncer{ch: make(chan instruct.SyncStatus)}
	close(s.ch)
	return s
}

// TestEverythingNamesTheSelectedRequest walks random sequences of
// resizes, moves, opening and closing the review and the history, tab
// changes, searches and syncs that bring changes, and checks after every
// step that the queue's highlighted row, the review's header and the
// request a would decide on are one and the same; and, at every state a
// terminal may draw, that the header never names another request.
func TestEverythingNamesTheSelectedRequest(t *testing.T) {
	f := newFixture(t)
	for seed := range uint64(6) {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			walkSelection(t, f, rand.New(rand.NewPCG(seed, 1042)), 60)
		})
	}
}

// walkSelection takes n random steps and checks the invariant after each.
func walkSelection(t *testing.T, f fixture, rnd *rand.Rand, n int) {
	// The smallest window (five screenfuls) is shorter than the queue, so
	// the walk moves through windows of rows too.
	d := newDriver(t, Options{Cache: f.st, Syncer: closedSyncer(), Window: 1}, 120, 40)
	var trail []string
	d.observe = func(m Model) {
		want := m.queue.SelectedID()
		if m.overlay == overlayForm {
			want = m.form.Target().RequestID
		}
		if header, _ := shownIDs(m.View().Content); header != "" && header != want.String() {
			t.Fatalf("after %v a drawable frame names %s in the header while %s is selected:\n%s", trail, header, want, m.View().Content)
		}
	}
	syncs := 0
	for range n {
		step := selectionSteps[rnd.IntN(len(selectionSteps))]
		trail = append(trail, step.name)
		step.do(d, f, rnd, &syncs)
		checkSelection(t, d, trail)
	}
}

// checkSelection fails t unless the highlighted row, the header and the
// target of a name the same request.
func checkSelection(t *testing.T, d *driver, trail []string) {
	t.Helper()
	screen := d.screen()
	selected := d.m.queue.SelectedID()
	header, highlighted := shownIDs(screen)
	if highlighted != "" && highlighted != selected.String() {
		t.Fatalf("after %v the queue highlights %s, the cursor is on %s:\n%s", trail, highlighted, selected, screen)
	}
	reviewing := d.m.reviewVisible() && selected != 0 && d.m.overlay == overlayNone
	if reviewing && header != selected.String() {
		t.Fatalf("after %v the review's header names %q, want the selected %s:\n%s", trail, header, selected, screen)
	}
	if d := d.m.review.Detail(); reviewing && (d == nil || d.Request.ID != selected) {
		t.Fatalf("after %v the panes do not show the selected %s", trail, selected)
	}
	next, _ := d.m.Update(keyPress("a"))
	if mm := next.(Model); mm.overlay == overlayForm && mm.form.Target().RequestID != selected {
		t.Fatalf("after %v, a opens a form on %s while %s is selected", trail, mm.form.Target().RequestID, selected)
	}
}

// selectionSteps are what a reviewer (or the sync engine) does.
var selectionSteps = []struct {
	name string
	do   func(d *driver, f fixture, rnd *rand.Rand, syncs *int)
}{
	{"resize", func(d *driver, _ fixture, rnd *rand.Rand, _ *int) {
		sizes := [][2]int{{80, 24}, {100, 30}, {120, 40}, {159, 40}, {160, 30}, {200, 50}}
		sz := sizes[rnd.IntN(len(sizes))]
		d.send(tea.WindowSizeMsg{Width: sz[0], Height: sz[1]})
	}},
	{"move", func(d *driver, _ fixture, rnd *rand.Rand, _ *int) {
		moves := []string{"j", "j", "k", "G", "g", "pgdown", "J", "K"}
		d.keys(moves[rnd.IntN(len(moves))])
	}},
	{"open", func(d *driver, _ fixture, _ *rand.Rand, _ *int) { d.keys("enter") }},
	{"back", func(d *driver, _ fixture, _ *rand.Rand, _ *int) { d.keys("esc") }},
	{"tab", func(d *driver, _ fixture, rnd *rand.Rand, _ *int) {
		d.keys([]string{"tab", "shift+tab"}[rnd.IntN(2)])
	}},
	{"history", func(d *driver, _ fixture, _ *rand.Rand, _ *int) { d.keys("t") }},
	{"search", func(d *driver, _ fixture, rnd *rand.Rand, _ *int) {
		words := []string{"ville", "commune", "D10", "cantine", "zzz", "a"}
		d.keys("/")
		d.typeText(words[rnd.IntN(len(words))])
		d.keys([]string{"enter", "esc"}[rnd.IntN(2)])
	}},
	{"sync", func(d *driver, f fixture, rnd *rand.Rand, syncs *int) {
		*syncs++
		colleagueDecides(d.t, f, d.m.queue.Items(), rnd, *syncs)
		d.send(syncMsg{status: instruct.SyncStatus{Online: true, LastSync: testNow.Add(time.Duration(*syncs) * time.Second)}})
	}},
}

// colleagueDecides has another reviewer validate a request of the queue,
// as a sync would bring it: it leaves the tab it was in.
func colleagueDecides(t testing.TB, f fixture, items []instruct.QueueItem, rnd *rand.Rand, n int) {
	if len(items) == 0 {
		return
	}
	it := items[rnd.IntN(len(items))]
	ctx := context.Background()
	r, err := f.st.Request(ctx, it.ID)
	if err != nil {
		t.Fatalf("Request(%s): %v", it.ID, err)
	}
	r.Status, r.Version, r.UpdatedAt = instruct.StatusValidated, r.Version+1, testNow
	if err := f.st.ApplyPage(ctx, []instruct.FeedItem{{Seq: 1<<42 + int64(n), Request: r}}, fmt.Sprint("sync-", n)); err != nil {
		t.Fatalf("ApplyPage: %v", err)
	}
}
