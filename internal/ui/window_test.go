package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// longQueue is a cache holding a long queue of submitted requests in
// memory, in the order it lists them, that notes the largest window of
// rows asked of it. It answers the queue's calls only; the review shows
// a request's row as its details.
type longQueue struct {
	noLife
	mu    sync.Mutex
	items []instruct.QueueItem
	// largest is the largest number of rows one call returned.
	largest int
}

func newLongQueue(n int) *longQueue {
	c := &longQueue{}
	c.insert(0, n, 100_000)
	return c
}

// insert puts n new requests at row at, numbered from first.
func (c *longQueue) insert(at, n int, first int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	rows := make([]instruct.QueueItem, n)
	for i := range rows {
		submitted := testNow.Add(-time.Duration(i%40) * 24 * time.Hour)
		rows[i] = instruct.QueueItem{ID: instruct.RequestID(first + int64(i)), Definition: "api_particulier",
			Organization: fmt.Sprintf("Commune n°%d", first+int64(i)), Status: instruct.StatusSubmitted,
			SubmittedAt: &submitted, UpdatedAt: submitted}
	}
	c.items = append(c.items[:at:at], append(rows, c.items[at:]...)...)
}

func (c *longQueue) Queue(_ context.Context, q instruct.QueueQuery) ([]instruct.QueueItem, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if q.Text != "" || q.Definition != "" || (len(q.Statuses) > 0 && q.Statuses[0] != instruct.StatusSubmitted) {
		return nil, nil
	}
	end := len(c.items)
	if q.Limit > 0 {
		end = min(end, q.Offset+q.Limit)
	}
	start := min(q.Offset, end)
	c.largest = max(c.largest, end-start)
	return append([]instruct.QueueItem(nil), c.items[start:end]...), nil
}

func (c *longQueue) Counts(context.Context, instruct.QueueQuery) (map[instruct.Status]int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return map[instruct.Status]int{instruct.StatusSubmitted: len(c.items)}, nil
}

func (c *longQueue) Position(_ context.Context, _ instruct.QueueQuery, id instruct.RequestID) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, it := range c.items {
		if it.ID == id {
			return i, nil
		}
	}
	return -1, nil
}

func (c *longQueue) Request(_ context.Context, id instruct.RequestID) (instruct.Request, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, it := range c.items {
		if it.ID == id {
			r := instruct.Request{ID: it.ID, Definition: it.Definition, Status: it.Status,
				SubmittedAt: it.SubmittedAt, UpdatedAt: it.UpdatedAt}
			r.Organization.Name = it.Organization
			return r, nil
		}
	}
	return instruct.Request{}, instruct.Errorf(instruct.CodeNotFound, "no request %s", id)
}

var errReadOnly = errors.New("this cache records nothing")

func (c *longQueue) Events(context.Context, instruct.RequestID) ([]instruct.Event, error) {
	return nil, nil
}
func (c *longQueue) Operations(context.Context, instruct.RequestID) ([]instruct.Operation, error) {
	return nil, nil
}
func (c *longQueue) Definitions(context.Context) ([]instruct.Definition, error) { return nil, nil }
func (c *longQueue) Me(context.Context) (instruct.User, error)                  { return instruct.User{}, nil }
func (c *longQueue) Record(context.Context, instruct.RequestID, instruct.Kind, string) (instruct.Operation, error) {
	return instruct.Operation{}, errReadOnly
}
func (c *longQueue) Discard(context.Context, string) error { return errReadOnly }
func (c *longQueue) SaveDraft(context.Context, instruct.RequestID, instruct.Kind, string) error {
	return nil
}
func (c *longQueue) Draft(context.Context, instruct.RequestID) (instruct.Draft, bool, error) {
	return instruct.Draft{}, false, nil
}
func (c *longQueue) DeleteDraft(context.Context, instruct.RequestID) error { return nil }
func (c *longQueue) Claim(context.Context, instruct.RequestID, instruct.Kind, bool) (instruct.Operation, error) {
	return instruct.Operation{}, errReadOnly
}
func (c *longQueue) MarkSeen(context.Context, instruct.RequestID) error { return nil }

// rowAt returns the cache's row i.
func (c *longQueue) rowAt(i int) instruct.QueueItem {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.items[i]
}

// TestScreenHoldsAWindowOfRows moves the cursor over a queue of 100,000
// requests from top to bottom and back, with every key that moves it and
// the mouse wheel: at every state a terminal may draw, the screen holds
// at most DefaultWindow rows, and after every key the row under the
// cursor is the cache's row at that index, highlighted, with its place
// ("50001/100000") on the queue's edge.
func TestScreenHoldsAWindowOfRows(t *testing.T) {
	const n = 100_000
	c := newLongQueue(n)
	d := newDriver(t, Options{Cache: c, Mouse: true}, 200, 50)
	d.observe = func(m Model) {
		if held := len(m.queue.Items()); held > DefaultWindow {
			t.Fatalf("the screen holds %d rows, more than %d", held, DefaultWindow)
		}
	}
	check := func(step string) {
		t.Helper()
		i := d.m.queue.Cursor()
		want := c.rowAt(i).ID
		screen := d.screen()
		if got := d.m.queue.SelectedID(); got != want {
			t.Fatalf("after %s the cursor is on row %d, %q, want the cache's %s", step, i, got, want)
		}
		if _, highlighted := shownIDs(screen); highlighted != want.String() {
			t.Fatalf("after %s the queue highlights %q, want %s:\n%s", step, highlighted, want, screen)
		}
		if place := fmt.Sprintf("%d/%d", i+1, n); !strings.Contains(screen, place) {
			t.Fatalf("after %s the queue does not say %s:\n%s", step, place, screen)
		}
	}
	check("the first frame")
	q, _ := d.m.regions()
	wheel := tea.MouseWheelMsg{X: q.x + 5, Y: q.y + 5, Button: tea.MouseWheelDown}
	steps := []struct {
		key   string
		times int
	}{{"pgdown", 40}, {"j", 400}, {"wheel", 200}, {"G", 1}, {"k", 300}, {"pgup", 40}, {"g", 1}, {"G", 1}}
	bottom := false
	for _, s := range steps {
		for range s.times {
			if s.key == "wheel" {
				d.send(wheel)
			} else {
				d.keys(s.key)
			}
			check(s.key)
			bottom = bottom || d.m.queue.Cursor() == n-1
		}
	}
	if !bottom {
		t.Errorf("the cursor never reached the last row")
	}
	if c.largest > DefaultWindow {
		t.Errorf("the screen asked the cache for %d rows at once, more than %d", c.largest, DefaultWindow)
	}
}

// TestRefreshKeepsTheRequestFarDown: the reviewer reads row 50,000 of a
// long queue; a sync brings ten requests that sort before it. The cursor
// stays on the same request, now ten rows further, and says so.
func TestRefreshKeepsTheRequestFarDown(t *testing.T) {
	c := newLongQueue(100_000)
	d := newDriver(t, Options{Cache: c, Syncer: closedSyncer()}, 200, 50)
	for d.m.queue.Cursor() < 50_000 {
		d.keys("pgdown")
	}
	selected := d.m.queue.SelectedID()
	at := d.m.queue.Cursor()
	c.insert(0, 10, 200_000)
	d.send(syncMsg{status: instruct.SyncStatus{Online: true, LastSync: testNow}})
	if got := d.m.queue.SelectedID(); got != selected || d.m.queue.Cursor() != at+10 {
		t.Fatalf("after the sync the cursor is on row %d, %s; want row %d, %s", d.m.queue.Cursor(), got, at+10, selected)
	}
	if place := fmt.Sprintf("%d/100010", at+11); !strings.Contains(d.screen(), place) {
		t.Errorf("the queue does not say %s:\n%s", place, d.screen())
	}
	if held := len(d.m.queue.Items()); held > DefaultWindow {
		t.Errorf("the screen holds %d rows after the sync, more than %d", held, DefaultWindow)
	}
}
