package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

var (
	marie = instruct.User{ID: "u-marie", Name: "Marie Dupont", Roles: []instruct.Grant{{Definition: "api_particulier", Role: instruct.RoleInstructor}}}
	jean  = instruct.Actor{ID: "u-jean", Name: "Jean Martin"}
)

// beforeClaims are the statements that take a cache back to what it was
// before migration 0005 (claims), for the tests of earlier migrations:
// the later migrations undone first (0006, then 0009, 0008 and 0007).
var beforeClaims = slices.Concat(beforeHabilitations, []string{
	"DROP TABLE stat_marks",     // migration 0009 (statistics), after the claims
	"DROP TABLE deliveries",     // migration 0008 (deliveries), after the claims
	"DROP TABLE document_texts", // migration 0007 (documents), after the claims
	"ALTER TABLE requests DROP COLUMN seq",
	"ALTER TABLE requests DROP COLUMN claim_id",
	"ALTER TABLE requests DROP COLUMN claim_name",
	"ALTER TABLE requests DROP COLUMN claim_at",
	"ALTER TABLE requests DROP COLUMN applicant_id",
	"ALTER TABLE requests DROP COLUMN decision_seq",
	"ALTER TABLE requests DROP COLUMN decider_id",
	"ALTER TABLE requests DROP COLUMN decider_name",
	"ALTER TABLE requests DROP COLUMN decision_at",
	"ALTER TABLE requests DROP COLUMN note_seq",
	"ALTER TABLE requests DROP COLUMN message_seq",
	"ALTER TABLE requests DROP COLUMN seen_seq",
	"ALTER TABLE outbox DROP COLUMN force",
})

// claimedBy returns r held by a since at, one feed position later.
func claimedBy(r instruct.Request, a instruct.Actor, at time.Time) instruct.Request {
	r.Claim = &instruct.Claim{User: a, At: at}
	return r
}

// queueRowOf returns the row of request id in the queue q selects,
// failing the test when it has none.
func queueRowOf(t *testing.T, s *Store, q instruct.QueueQuery, id instruct.RequestID) instruct.QueueItem {
	t.Helper()
	items, err := s.Queue(context.Background(), q)
	if err != nil {
		t.Fatalf("Queue() = %v", err)
	}
	for _, it := range items {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("Queue(%+v) = %v, without %s", q, ids(items), id)
	return instruct.QueueItem{}
}

// TestClaimRecordedOffline: a claim goes into the outbox at once and the
// queue shows the reviewer holding the request, waiting to sync, first in
// their Mine tab; a release puts it back.
func TestClaimRecordedOffline(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if err := s.PutMe(ctx, marie); err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, request(1001, "Ville de Lyon", 3), request(1002, "CCAS de Brest", 9))
	op, err := s.Claim(ctx, 1001, instruct.KindClaim, false)
	if err != nil || op.State != instruct.OpPending || op.Kind != instruct.KindClaim {
		t.Fatalf("Claim(D1001) = %+v, %v; want a pending claim", op, err)
	}
	pending, err := s.Pending(ctx)
	if err != nil || len(pending) != 1 || pending[0].ID != op.ID {
		t.Fatalf("Pending() = %+v, %v; want the claim", pending, err)
	}
	it := queueItem(t, s, 1001)
	if !it.Claim.HeldBy(marie.ID) || it.Claim.User.Name != "Marie Dupont" || it.Op != instruct.OpPending {
		t.Errorf("queue row = claim %+v, op %q; want Marie Dupont holding it, pending", it.Claim, it.Op)
	}
	mineQ := instruct.QueueQuery{Mine: marie.ID}
	items, err := s.Queue(ctx, mineQ)
	if err != nil || len(items) != 1 || items[0].ID != 1001 {
		t.Errorf("Queue(mine) = %v, %v; want D1001 alone", ids(items), err)
	}
	counts, err := s.Counts(ctx, mineQ)
	if err != nil || counts[instruct.StatusSubmitted] != 1 {
		t.Errorf("Counts(mine) = %v, %v; want one submitted", counts, err)
	}
	if _, err := s.Claim(ctx, 1001, instruct.KindClaim, false); instruct.ErrorCode(err) != instruct.CodeInvalidTransition {
		t.Errorf("Claim(D1001 again) = %v, want invalid_transition", err)
	}
	if _, err := s.Claim(ctx, 1001, instruct.KindRelease, false); err != nil {
		t.Fatalf("Claim(release D1001) = %v", err)
	}
	if it := queueItem(t, s, 1001); it.Claim != nil {
		t.Errorf("after the release: claim %+v, want none", it.Claim)
	}
}

// TestClaimHeldByAnother: a request another reviewer holds, as the feed
// said, is refused offline with their claim; force needs a manager.
func TestClaimHeldByAnother(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if err := s.PutMe(ctx, marie); err != nil {
		t.Fatal(err)
	}
	at := base.Add(time.Hour)
	mustApply(t, s, claimedBy(request(1001, "Ville de Lyon", 3), jean, at))
	_, err := s.Claim(ctx, 1001, instruct.KindClaim, false)
	var claimed *instruct.ClaimedError
	if !errors.As(err, &claimed) || claimed.Claim.User != jean || !claimed.Claim.At.Equal(at) {
		t.Errorf("Claim(held by Jean) = %v, want a ClaimedError naming Jean since %v", err, at)
	}
	if _, err := s.Claim(ctx, 1001, instruct.KindClaim, true); instruct.ErrorCode(err) != instruct.CodeForbidden {
		t.Errorf("Claim(force, as an instructor) = %v, want forbidden", err)
	}
	manager := marie
	manager.Roles = []instruct.Grant{{Definition: "api_particulier", Role: instruct.RoleManager}}
	if err := s.PutMe(ctx, manager); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, 1001, instruct.KindClaim, true); err != nil {
		t.Fatalf("Claim(force, as a manager) = %v", err)
	}
	if it := queueItem(t, s, 1001); !it.Claim.HeldBy(marie.ID) {
		t.Errorf("after taking it: claim %+v, want Marie's", it.Claim)
	}
	ops, err := s.Operations(ctx, 1001)
	if err != nil || len(ops) != 1 || !ops[0].Force {
		t.Errorf("Operations(D1001) = %+v, %v; want one forced claim", ops, err)
	}
}

// TestClaimFromFeedAtSameVersion: a claim leaves the version as it is;
// the cache takes the later state by its feed position, and a push's
// answer holding the claim does too.
func TestClaimFromFeedAtSameVersion(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	r := request(1001, "Ville de Lyon", 3)
	mustApply(t, s, r)
	claimed := claimedBy(r, jean, base)
	item := instruct.FeedItem{Seq: 1001*10 + 5, Request: claimed,
		Events: []instruct.Event{{Seq: 1001*10 + 5, RequestID: r.ID, Kind: instruct.KindClaim, Actor: jean, At: base}}}
	if err := s.ApplyPage(ctx, []instruct.FeedItem{item}, "c2"); err != nil {
		t.Fatal(err)
	}
	if it := queueItem(t, s, r.ID); !it.Claim.HeldBy(jean.ID) {
		t.Errorf("queue after the claim's feed item: claim %+v, want Jean's", it.Claim)
	}
	if got, err := s.Request(ctx, r.ID); err != nil || !got.Claim.HeldBy(jean.ID) {
		t.Errorf("Request() = claim %+v, %v; want Jean's", got.Claim, err)
	}
	item.Seq = 1001*10 + 4 // an older page read before the claim changes nothing
	item.Request = r
	if err := s.ApplyPage(ctx, []instruct.FeedItem{item}, "c3"); err != nil {
		t.Fatal(err)
	}
	if it := queueItem(t, s, r.ID); !it.Claim.HeldBy(jean.ID) {
		t.Errorf("queue after an older state: claim %+v, want Jean's still", it.Claim)
	}
}

// TestClaimRefusedByServer: a claim the server refused because another
// reviewer took it first is a conflict naming them; a new claim replaces
// it.
func TestClaimRefusedByServer(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	manager := marie
	manager.Roles = []instruct.Grant{{Definition: "api_particulier", Role: instruct.RoleManager}}
	if err := s.PutMe(ctx, manager); err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, request(1001, "Ville de Lyon", 3))
	op, err := s.Claim(ctx, 1001, instruct.KindClaim, false)
	if err != nil {
		t.Fatal(err)
	}
	held := instruct.Claim{User: jean, At: base}
	if err := s.SetClaimed(ctx, op.ID, held, "Jean Martin holds D1001"); err != nil {
		t.Fatalf("SetClaimed() = %v", err)
	}
	ops, err := s.Operations(ctx, 1001)
	if err != nil || len(ops) != 1 || ops[0].State != instruct.OpConflict || ops[0].Claim == nil || ops[0].Claim.User != jean || ops[0].Conflict != nil {
		t.Fatalf("Operations() = %+v, %v; want the claim in conflict naming Jean", ops, err)
	}
	if it := queueRowOf(t, s, instruct.QueueQuery{Mine: marie.ID}, 1001); it.Op != instruct.OpConflict || it.Claim != nil {
		t.Errorf("queue row = op %q, claim %+v; want the conflict, nobody shown holding it until the feed says", it.Op, it.Claim)
	}
	if _, err := s.Claim(ctx, 1001, instruct.KindClaim, true); err != nil {
		t.Fatalf("Claim(force) = %v", err)
	}
	if ops, _ := s.Operations(ctx, 1001); len(ops) != 1 || !ops[0].Force || ops[0].State != instruct.OpPending {
		t.Errorf("Operations() after taking it = %+v, want the forced claim alone", ops)
	}
}

// TestQueueMarks: the queue names who made the latest decision and when,
// marks internal notes, and applicant messages until the request is
// opened.
func TestQueueMarks(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	r := request(1001, "Ville de Lyon", 3)
	evs := events(r, 10) // created by u1, the applicant
	decided := r
	decided.Status, decided.Version = instruct.StatusChangesRequested, 3
	at := base.Add(2 * time.Hour)
	evs = append(evs,
		instruct.Event{Seq: 12, RequestID: r.ID, Kind: instruct.KindNote, Actor: jean, Comment: "à voir", At: base},
		instruct.Event{Seq: 13, RequestID: r.ID, Kind: instruct.KindRequestChanges, Actor: jean, Comment: "Précisez.", At: at},
		instruct.Event{Seq: 14, RequestID: r.ID, Kind: instruct.KindMessage, Actor: jean, Comment: "Bonjour", At: at})
	if err := s.ApplyPage(ctx, []instruct.FeedItem{{Seq: 14, Request: decided, Events: evs}}, "c"); err != nil {
		t.Fatal(err)
	}
	it := queueItem(t, s, r.ID)
	if it.DecidedBy == nil || *it.DecidedBy != jean || it.DecidedAt == nil || !it.DecidedAt.Equal(at) {
		t.Errorf("decided = %v at %v, want Jean Martin at %v", it.DecidedBy, it.DecidedAt, at)
	}
	if !it.Notes || it.Unread {
		t.Errorf("marks = notes %v, unread %v; want notes, nothing unread (the message is a reviewer's)", it.Notes, it.Unread)
	}
	answer := instruct.Event{Seq: 15, RequestID: r.ID, Kind: instruct.KindMessage, Actor: instruct.Actor{ID: "u1", Name: "Marie Dupont"}, Comment: "Voici", At: at}
	if err := s.ApplyPage(ctx, []instruct.FeedItem{{Seq: 15, Request: decided, Events: []instruct.Event{answer}}}, "c2"); err != nil {
		t.Fatal(err)
	}
	if it := queueItem(t, s, r.ID); !it.Unread || it.DecidedBy == nil || *it.DecidedBy != jean {
		t.Errorf("after the applicant's message: unread %v, decided by %v; want unread, still Jean", it.Unread, it.DecidedBy)
	}
	if err := s.MarkSeen(ctx, r.ID); err != nil {
		t.Fatal(err)
	}
	if it := queueItem(t, s, r.ID); it.Unread {
		t.Error("after opening the request: still unread")
	}
	if items, _ := s.Queue(ctx, instruct.QueueQuery{Mine: jean.ID}); len(items) != 1 {
		t.Errorf("Queue(Jean's) = %v, want the request he decided", ids(items))
	}
}

// TestPositionFollowsTheMineOrder: in the Mine tab, requests with an
// operation the server has not accepted come first; Position, which a
// screen loading the queue by windows keeps its cursor with, finds each
// request where Queue lists it.
func TestPositionFollowsTheMineOrder(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	var page []instruct.FeedItem
	for i, n := range []instruct.RequestID{1001, 1002, 1003, 1004} {
		r := request(n, "Ville de Lyon", 40-10*i)
		r.Status, r.Version = instruct.StatusChangesRequested, 3
		seq := int64(10 * (i + 1))
		evs := append(events(r, seq), instruct.Event{Seq: seq + 2, RequestID: n, Kind: instruct.KindRequestChanges,
			Actor: jean, Comment: "Précisez.", At: base})
		page = append(page, instruct.FeedItem{Seq: seq + 2, Request: r, Events: evs})
	}
	if err := s.ApplyPage(ctx, page, "c"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Record(ctx, 1004, instruct.KindNote, "à voir"); err != nil {
		t.Fatal(err)
	}
	q := instruct.QueueQuery{Mine: jean.ID, Sort: instruct.SortAge}
	items, err := s.Queue(ctx, q)
	if err != nil || len(items) != 4 || items[0].ID != 1004 {
		t.Fatalf("Queue(Jean's) = %v, %v; want D1004, with its note waiting, first of four", ids(items), err)
	}
	for i, it := range items {
		if pos, err := s.Position(ctx, q, it.ID); err != nil || pos != i {
			t.Errorf("Position(%s) = %d, %v; want %d, where Queue lists it", it.ID, pos, err, i)
		}
	}
}
