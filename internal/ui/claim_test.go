package ui

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// findItem returns the first row of the whole queue that keep accepts.
func findItem(t *testing.T, f fixture, keep func(instruct.QueueItem) bool) instruct.QueueItem {
	t.Helper()
	items, err := f.st.Queue(context.Background(), instruct.QueueQuery{Sort: instruct.SortAge})
	if err != nil {
		t.Fatalf("Queue: %v", err)
	}
	for _, it := range items {
		if keep(it) {
			return it
		}
	}
	t.Fatal("the demo data has no such request")
	return instruct.QueueItem{}
}

// TestClaimTakesAndLeaves: C on a request nobody holds records a claim
// at once, marked ● in the queue and named in the review's header; C
// again leaves it.
func TestClaimTakesAndLeaves(t *testing.T) {
	f := newFixture(t)
	me := reviewer(t)
	it := findItem(t, f, func(it instruct.QueueItem) bool {
		return it.Status == instruct.StatusSubmitted && it.Claim == nil && it.Op == "" && me.CanDecide(it.Definition)
	})
	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 120, 40)
	d.selectRequest(it.ID)
	if row := queueRow(d.screen(), it.ID.String()); strings.Contains(row, "●") {
		t.Fatalf("before C the row is marked held: %q", row)
	}
	d.keys("C")
	ops := operations(t, f, it.ID)
	if len(ops) != 1 || ops[0].Kind != instruct.KindClaim || ops[0].State != instruct.OpPending || ops[0].Force {
		t.Fatalf("after C: Operations(%s) = %+v, want one pending claim", it.ID, ops)
	}
	screen := d.screen()
	if row := queueRow(screen, it.ID.String()); !strings.Contains(row, "●") {
		t.Errorf("after C the row reads %q, want ●", row)
	}
	if !strings.Contains(screen, it.ID.String()+": you take it") {
		t.Errorf("after C the footer does not say it:\n%s", screen)
	}
	d.keys("enter")
	if !strings.Contains(d.screen(), "● you hold it since ") {
		t.Errorf("the review's header does not say who holds it:\n%s", d.screen())
	}
	d.keys("C")
	if ops := operations(t, f, it.ID); len(ops) != 2 || ops[0].Kind != instruct.KindRelease {
		t.Errorf("after C again: Operations(%s) = %+v, want a release on top", it.ID, ops)
	}
	if row := lineWith(d.screen(), " "+it.ID.String()+" "); strings.Contains(row, "●") {
		t.Errorf("after leaving it the row still reads %q", row)
	}
}

// TestClaimHeldByAnother: C on a request someone else holds tells an
// instructor who holds it and records nothing; a manager is asked, n
// leaves it, y takes it (force).
func TestClaimHeldByAnother(t *testing.T) {
	f := newFixture(t)
	me := reviewer(t)
	it := findItem(t, f, func(it instruct.QueueItem) bool {
		return it.Status == instruct.StatusSubmitted && it.Claim != nil && !it.Claim.HeldBy(me.ID) && me.CanDecide(it.Definition)
	})
	holder := it.Claim.User.Name
	d := newDriver(t, Options{Cache: f.st}, 120, 40)
	d.selectRequest(it.ID)
	d.keys("C")
	if foot := lineWith(d.screen(), "seul un responsable"); !strings.Contains(foot, holder+" a pris "+it.ID.String()+" depuis") {
		t.Errorf("C on %s held by %s: footer %q, want who holds it and that only a manager may take it:\n%s", it.ID, holder, foot, d.screen())
	}
	if ops := operations(t, f, it.ID); len(ops) != 0 {
		t.Fatalf("an instructor's C on another's request recorded %+v", ops)
	}

	manager := me
	for i := range manager.Roles {
		manager.Roles[i].Role = instruct.RoleManager
	}
	if err := f.st.PutMe(context.Background(), manager); err != nil {
		t.Fatal(err)
	}
	d = newDriver(t, Options{Cache: f.st}, 120, 40)
	d.selectRequest(it.ID)
	d.keys("C")
	if ask := lineWith(d.screen(), "la lui reprendre ?"); !strings.Contains(ask, holder+" a pris "+it.ID.String()+" depuis") || !strings.Contains(ask, "y : la prendre") {
		t.Errorf("a manager's C: footer %q, want the question naming %s", ask, holder)
	}
	d.keys("n")
	if ops := operations(t, f, it.ID); len(ops) != 0 || !strings.Contains(d.screen(), "laissée à "+holder) {
		t.Errorf("after n: ops %+v, screen:\n%s", ops, d.screen())
	}
	d.keys("C", "y")
	ops := operations(t, f, it.ID)
	if len(ops) != 1 || ops[0].Kind != instruct.KindClaim || !ops[0].Force {
		t.Fatalf("after C y: Operations(%s) = %+v, want one forced claim", it.ID, ops)
	}
	if row := queueRow(d.screen(), it.ID.String()); !strings.Contains(row, "●") {
		t.Errorf("after taking it the row reads %q, want ●", row)
	}
}

// TestMineTab: the last tab lists what the reviewer holds or decided,
// their pending operations first, with its count.
func TestMineTab(t *testing.T) {
	f := newFixture(t)
	me := reviewer(t)
	it := findItem(t, f, func(it instruct.QueueItem) bool {
		return it.Status == instruct.StatusSubmitted && it.Claim == nil && it.Op == "" && me.CanDecide(it.Definition)
	})
	if _, err := f.st.Claim(context.Background(), it.ID, instruct.KindClaim, false); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 120, 40)
	d.keys("shift+tab")
	items := d.m.queue.Items()
	if len(items) == 0 || items[0].Op == "" {
		t.Fatalf("Mine tab = %d rows, first %+v; want the operations first", len(items), items)
	}
	if d.m.queue.Index(it.ID) < 0 {
		t.Errorf("Mine tab lacks %s, which the reviewer holds", it.ID)
	}
	for _, row := range items {
		decided := row.DecidedBy != nil && row.DecidedBy.ID == me.ID
		if row.Op == "" && !row.Claim.HeldBy(me.ID) && !decided {
			t.Errorf("Mine tab holds %s, neither held, decided nor pending: %+v", row.ID, row)
		}
	}
	if tabs := lineWith(d.screen(), "[Mine "); !strings.Contains(tabs, "[Mine "+strconv.Itoa(len(items))+"]") {
		t.Errorf("tabs line %q, want the Mine tab active with its count %d", tabs, len(items))
	}
}

// TestUnreadMessageMark: a request whose applicant answered shows @ until
// the reviewer opens it.
func TestUnreadMessageMark(t *testing.T) {
	f := newFixture(t)
	it := findItem(t, f, func(it instruct.QueueItem) bool { return it.Unread })
	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 120, 40)
	d.selectRequest(it.ID)
	if row := queueRow(d.screen(), it.ID.String()); !strings.Contains(row, "@") {
		t.Fatalf("row of %s with an unread answer reads %q, want @", it.ID, row)
	}
	d.keys("enter", "esc")
	if row := lineWith(d.screen(), " "+it.ID.String()+" "); strings.Contains(row, "@") {
		t.Errorf("after opening %s its row still reads %q", it.ID, row)
	}
}

// TestUnreadMarkSurvivesARestart: what the reviewer read stays read in a
// new screen on the same cache.
func TestUnreadMarkSurvivesARestart(t *testing.T) {
	f := newFixture(t)
	it := findItem(t, f, func(it instruct.QueueItem) bool { return it.Unread })
	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 120, 40)
	d.selectRequest(it.ID)
	d.keys("enter")
	d = newDriver(t, Options{Cache: f.st, Lang: "en"}, 120, 40)
	d.selectRequest(it.ID)
	if row := queueRow(d.screen(), it.ID.String()); strings.Contains(row, "@") {
		t.Errorf("after a restart the row of %s, read before, reads %q", it.ID, row)
	}
}
