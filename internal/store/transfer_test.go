package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Applicants of the transfer fixtures: Marie files the request (u1, as
// events names her), Paul and then Léa take it over.
var (
	filer = instruct.Actor{ID: "u1", Name: "Marie Dupont"}
	paul  = instruct.Actor{ID: "u7", Name: "Paul Durand"}
	lea   = instruct.Actor{ID: "u9", Name: "Léa Bernard"}
)

// transferEvent returns the event of request r's transfer from one
// applicant to another by Jean, at seq.
func transferEvent(r instruct.Request, seq int64, from, to instruct.Actor) instruct.Event {
	diff := instruct.Diff{"applicant": {instruct.Person{Name: from.Name}, instruct.Person{Name: to.Name}}}
	return instruct.Event{Seq: seq, RequestID: r.ID, Kind: instruct.KindTransfer, Actor: jean, Comment: "Départ de l'agent.", Diff: diff, At: base}
}

// messageEvent returns a message of a at seq, marked as the applicant's
// when fromApplicant.
func messageEvent(r instruct.Request, seq int64, a instruct.Actor, fromApplicant bool) instruct.Event {
	return instruct.Event{Seq: seq, RequestID: r.ID, Kind: instruct.KindMessage, Actor: a, Comment: "Bonjour",
		FromApplicant: fromApplicant, At: base.Add(time.Duration(seq) * time.Minute)}
}

// applyAndCheckUnread applies one page of r's events at seq and checks
// the queue's unread mark, then marks r seen.
func applyAndCheckUnread(t *testing.T, s *Store, r instruct.Request, evs []instruct.Event, want bool, why string) {
	t.Helper()
	ctx := context.Background()
	r.Version++
	seq := evs[len(evs)-1].Seq
	if err := s.ApplyPage(ctx, []instruct.FeedItem{{Seq: seq, Request: r, Events: evs}}, "c"); err != nil {
		t.Fatal(err)
	}
	if it := queueItem(t, s, r.ID); it.Unread != want {
		t.Errorf("unread = %v after %s, want %v", it.Unread, why, want)
	}
	if err := s.MarkSeen(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
}

// TestUnreadFollowsTransfers: after a transfer the queue marks the new
// applicant's messages unread, not a message of the former applicant
// who now writes as someone else; after a second transfer, the third
// applicant's. The pages come one by one, as a sync brings them.
func TestUnreadFollowsTransfers(t *testing.T) {
	s := openTemp(t)
	r := request(1001, "Ville de Lyon", 3)
	r.Status = instruct.StatusChangesRequested
	applyAndCheckUnread(t, s, r, append(events(r, 10), messageEvent(r, 12, filer, false)), true,
		"a message the creator wrote before messages were marked")
	applyAndCheckUnread(t, s, r, []instruct.Event{transferEvent(r, 13, filer, paul), messageEvent(r, 14, paul, true)}, true,
		"the new applicant's message")
	applyAndCheckUnread(t, s, r, []instruct.Event{messageEvent(r, 15, filer, false)}, false,
		"a message of the former applicant, not marked as the applicant's")
	applyAndCheckUnread(t, s, r, []instruct.Event{transferEvent(r, 16, paul, lea), messageEvent(r, 17, lea, true)}, true,
		"the third applicant's message")
	applyAndCheckUnread(t, s, r, []instruct.Event{messageEvent(r, 18, jean, false)}, false,
		"a reviewer's message")
}

// TestMigrationRederivesApplicantMessages: a cache filled before
// messages were marked took the creator for the applicant after a
// transfer (the new applicant's message was not unread). Opened by this
// instruct it pulls everything again and marks it unread.
func TestMigrationRederivesApplicantMessages(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "instruct.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	r := request(1001, "Ville de Lyon", 3)
	evs := append(events(r, 10), transferEvent(r, 12, filer, paul), messageEvent(r, 13, paul, true))
	page := []instruct.FeedItem{{Seq: 13, Request: r, Events: evs}}
	if err := s.ApplyPage(ctx, page, "c13"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	// What the former instruct derived: the creator as the applicant, no
	// applicant message; schema 9.
	execSQL(t, path, "UPDATE requests SET applicant_id = 'u1', message_seq = 0", "PRAGMA user_version = 9")
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if c, err := s.Cursor(ctx); err != nil || c != "" {
		t.Fatalf("Cursor() after the migration = %q, %v; want none, to pull everything again", c, err)
	}
	if err := s.ApplyPage(ctx, page, "c13"); err != nil {
		t.Fatal(err)
	}
	if it := queueItem(t, s, r.ID); !it.Unread {
		t.Error("after the pull from the start: the new applicant's message is not unread")
	}
}
