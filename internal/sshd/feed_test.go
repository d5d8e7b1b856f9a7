package sshd

import (
	"context"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestFeedPagesEverythingAndRefusesForeignCursors: the feed read
// in-process pages through every request of every API with the events a
// reviewer reads (internal notes too), its last cursor covers the last
// seq, and a cursor it did not issue expires, so that the engine starts
// over rather than skip changes.
func TestFeedPagesEverythingAndRefusesForeignCursors(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	applicant := w.addUser("camille-martin")
	admin := w.addUser("paul-leroy", instruct.Grant{Definition: "*", Role: instruct.RoleAdmin})
	var ids []instruct.RequestID
	for i, def := range []string{"api_particulier", "api_entreprise", "api_particulier", "api_entreprise", "api_particulier"} {
		r := w.submitted(applicant, def, "Demande "+string(rune('A'+i)))
		ids = append(ids, r.ID)
	}
	if _, err := w.svc.Note(ctx, admin, ids[0], instruct.KindNote, "Note interne.", "k-note"); err != nil {
		t.Fatal(err)
	}
	f := NewFeed(w.svc, w.ledger, time.Hour)
	seen, notes, cursor := map[string]bool{}, 0, ""
	for pages := 0; ; pages++ {
		page, err := f.Changes(ctx, cursor, 2)
		if err != nil {
			t.Fatalf("Changes(%q) = %v", cursor, err)
		}
		for _, it := range page.Changes {
			seen[it.Request.ID.String()] = true
			for _, e := range it.Events {
				if e.Kind == instruct.KindNote {
					notes++
				}
			}
		}
		cursor = page.Cursor
		if !page.More {
			break
		}
		if pages > 10 {
			t.Fatal("the feed never ends")
		}
	}
	for _, id := range ids {
		if !seen[id.String()] {
			t.Errorf("the feed never brought %s", id)
		}
	}
	if notes != 1 {
		t.Errorf("the feed brought %d internal notes, want 1", notes)
	}
	last, _ := w.ledger.LastSeq(ctx)
	if got := appliedThrough(cursor); got != last {
		t.Errorf("last cursor %q covers seq %d, want the last seq %d", cursor, got, last)
	}
	for _, foreign := range []string{"12.ab12cd34", "abc", "-1", "5.9", "5.-1"} {
		if _, err := f.Changes(ctx, foreign, 2); instruct.ErrorCode(err) != instruct.CodeCursorExpired {
			t.Errorf("Changes(%q) = %v, want cursor_expired", foreign, err)
		}
	}
}

// TestFeedStreamHearsTheServiceAndTheLedger: the stream announces a
// change made through the service at once, and one made behind its back
// (another process on the same database) at its next poll.
func TestFeedStreamHearsTheServiceAndTheLedger(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	applicant := w.addUser("camille-martin")
	heard := make(chan int64, 16)
	f := NewFeed(w.svc, w.ledger, 50*time.Millisecond)
	go f.Stream(ctx, func() {}, func(seq int64) { heard <- seq })
	time.Sleep(100 * time.Millisecond) // the stream subscribed

	w.submitted(applicant, "api_particulier", "Tarification de la cantine scolaire")
	waitHeard(t, heard, "a change through the service")
	// A write the service doesn't see: straight to the ledger.
	if _, err := w.ledger.Create(ctx, instruct.Actor{ID: applicant.ID}, fullPatch("api_particulier", "Autre"), time.Now()); err != nil {
		t.Fatal(err)
	}
	drain(heard)
	waitHeard(t, heard, "a change behind the service's back")
}

func waitHeard(t *testing.T, heard <-chan int64, what string) {
	t.Helper()
	select {
	case <-heard:
	case <-time.After(10 * time.Second):
		t.Fatalf("the stream never announced %s", what)
	}
}

func drain(ch <-chan int64) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}
