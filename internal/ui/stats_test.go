package ui

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// decideAs records, as the feed would bring it, an approval of request
// id by actor, 10 seconds before testNow.
func decideAs(t testing.TB, f fixture, id instruct.RequestID, actor instruct.Actor) {
	t.Helper()
	ctx := context.Background()
	r, err := f.st.Request(ctx, id)
	if err != nil {
		t.Fatalf("Request(%s): %v", id, err)
	}
	at := testNow.Add(-10 * time.Second)
	r.Status, r.Version, r.UpdatedAt, r.DecidedAt = instruct.StatusValidated, r.Version+1, at, &at
	e := instruct.Event{Seq: 1 << 42, RequestID: id, Kind: instruct.KindApprove, At: at, Actor: actor}
	if err := f.st.ApplyPage(ctx, []instruct.FeedItem{{Seq: 1 << 42, Request: r, Events: []instruct.Event{e}}}, "stats"); err != nil {
		t.Fatalf("ApplyPage: %v", err)
	}
}

// TestStatsFollowTheFeed: with the statistics open, a sync that brings
// a decision on the request waiting longest redraws them at once: one
// request less waiting, one more approved, that request off the list,
// and the reviewer's own decision counted in "my decisions this week".
func TestStatsFollowTheFeed(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st, Syncer: closedSyncer(), Lang: "en"}, 120, 40)
	d.keys("S")
	first := d.m.statsView.Selected()
	before := d.screen()
	waiting, approved := count(t, before, "waiting"), count(t, before, "approved")
	for _, want := range []string{"My decisions this week: 0", first.String()} {
		if !strings.Contains(before, want) {
			t.Fatalf("the statistics lack %q:\n%s", want, before)
		}
	}
	decideAs(t, f, first, reviewer(t).Actor())
	d.send(syncMsg{status: instruct.SyncStatus{Online: true, LastSync: testNow.Add(time.Second)}})
	after := d.screen()
	for _, want := range []string{strconv.Itoa(waiting-1) + " waiting", strconv.Itoa(approved+1) + " approved", "My decisions this week: 1"} {
		if !strings.Contains(after, want) {
			t.Errorf("after the sync, the statistics lack %q:\n%s", want, after)
		}
	}
	if strings.Contains(after, first.String()+" ") {
		t.Errorf("after the sync, %s still waits on the statistics:\n%s", first, after)
	}
}

// count returns the number the statistics' first line writes before
// label ("41 waiting").
func count(t *testing.T, screen, label string) int {
	t.Helper()
	m := regexp.MustCompile(`(\d+) ` + label).FindStringSubmatch(screen)
	if m == nil {
		t.Fatalf("the statistics say no %s:\n%s", label, screen)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestStatsOpenARequestWaiting: Enter on a request waiting opens its
// review; the help opened from the statistics goes back to them.
func TestStatsOpenARequestWaiting(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st, Lang: "fr"}, 80, 24)
	d.keys("S", "?")
	if d.m.overlay != overlayHelp || !strings.Contains(d.screen(), "filtrer par API") {
		t.Fatalf("? on the statistics does not list their keys:\n%s", d.screen())
	}
	d.keys("esc", "j")
	second := d.m.statsView.Selected()
	if d.m.overlay != overlayStats || second == 0 {
		t.Fatalf("esc from the help left the statistics (overlay %d) or no request is selected", d.m.overlay)
	}
	d.keys("enter")
	if d.m.overlay != overlayNone || d.m.focus != focusReview || d.m.selectedID() != second {
		t.Errorf("enter on %s: overlay %d, focus %d, review of %s; want the review of %s", second, d.m.overlay, d.m.focus, d.m.selectedID(), second)
	}
	if !strings.Contains(d.screen(), second.String()) {
		t.Errorf("the screen does not show %s:\n%s", second, d.screen())
	}
}
