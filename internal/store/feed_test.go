package store

import (
	"context"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

func TestApplyPageUpserts(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if c, err := s.Cursor(ctx); err != nil || c != "" {
		t.Fatalf("Cursor() before the first pull = %q, %v, want \"\"", c, err)
	}
	r := request(1042, "Ville de Lyon", 12)
	page := feed(r)
	if err := s.ApplyPage(ctx, page, "10421"); err != nil {
		t.Fatalf("ApplyPage() = %v", err)
	}
	// The request changed: a newer version with one more event.
	newer := r
	newer.Version, newer.Title, newer.Status = 3, "Restauration scolaire et périscolaire", instruct.StatusChangesRequested
	changes := instruct.Event{Seq: 10500, RequestID: 1042, Kind: instruct.KindRequestChanges, Comment: "Précisez la base légale.", At: base}
	next := []instruct.FeedItem{{Seq: 10500, Request: newer, Events: append(page[0].Events, changes)}}
	if err := s.ApplyPage(ctx, next, "10500"); err != nil {
		t.Fatalf("ApplyPage(newer) = %v", err)
	}
	// An older state arriving late changes nothing.
	if err := s.ApplyPage(ctx, page, "10501"); err != nil {
		t.Fatalf("ApplyPage(older) = %v", err)
	}
	got, err := s.Request(ctx, 1042)
	if err != nil || got.Version != 3 || got.Title != newer.Title || got.Status != instruct.StatusChangesRequested {
		t.Errorf("Request(1042) = v%d %q %s, %v, want v3 %q changes_requested", got.Version, got.Title, got.Status, err, newer.Title)
	}
	events, err := s.Events(ctx, 1042)
	if err != nil || len(events) != 3 || events[2].Comment != changes.Comment {
		t.Errorf("Events() = %+v, %v, want 3 events without duplicates, oldest first", events, err)
	}
	if c, _ := s.Cursor(ctx); c != "10501" {
		t.Errorf("Cursor() = %q, want 10501", c)
	}
	if it := queueItem(t, s, 1042); it.Title != newer.Title || it.Status != instruct.StatusChangesRequested {
		t.Errorf("Queue() D1042 = %+v, want the newer title and status", it)
	}
	if items, _ := s.Queue(ctx, instruct.QueueQuery{Text: "restauration"}); len(items) != 1 {
		t.Errorf("Queue(restauration) = %v, want D1042 under its new title", ids(items))
	}
	if items, _ := s.Queue(ctx, instruct.QueueQuery{Text: "cantine"}); len(items) != 0 {
		t.Errorf("Queue(cantine) = %v, want nothing: the old title is no longer indexed", ids(items))
	}
}

func TestApplyPageIsAtomic(t *testing.T) {
	good := request(1, "Ville de Lyon", 5)
	tests := []struct {
		name string
		bad  func() instruct.FeedItem
	}{
		{"request without an ID", func() instruct.FeedItem {
			r := request(2, "CCAS de Brest", 3)
			r.ID = 0
			return instruct.FeedItem{Request: r}
		}},
		{"unknown status", func() instruct.FeedItem {
			r := request(2, "CCAS de Brest", 3)
			r.Status = "lost"
			return instruct.FeedItem{Request: r}
		}},
		{"event of another request", func() instruct.FeedItem {
			r := request(2, "CCAS de Brest", 3)
			evs := events(r, 50)
			evs[1].RequestID = 3
			return instruct.FeedItem{Request: r, Events: evs}
		}},
		{"event without sequence", func() instruct.FeedItem {
			r := request(2, "CCAS de Brest", 3)
			evs := events(r, 50)
			evs[0].Seq = 0
			return instruct.FeedItem{Request: r, Events: evs}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := openTemp(t)
			if err := s.ApplyPage(ctx, feed(request(9, "Métropole de Lyon", 30)), "90"); err != nil {
				t.Fatal(err)
			}
			page := append(feed(good), tt.bad())
			err := s.ApplyPage(ctx, page, "100")
			if instruct.ErrorCode(err) != instruct.CodeInvalid {
				t.Fatalf("ApplyPage() = %v, want invalid", err)
			}
			if _, err := s.Request(ctx, 1); instruct.ErrorCode(err) != instruct.CodeNotFound {
				t.Errorf("Request(D1) = %v after a failed page, want not_found", err)
			}
			if c, _ := s.Cursor(ctx); c != "90" {
				t.Errorf("Cursor() = %q after a failed page, want 90", c)
			}
			if items, _ := s.Queue(ctx, instruct.QueueQuery{}); len(items) != 1 {
				t.Errorf("Queue() = %v after a failed page, want D9 alone", ids(items))
			}
		})
	}
}

func TestResetFeedKeepsOutbox(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	r := request(1042, "Ville de Lyon", 12)
	mustApply(t, s, r, request(7, "CCAS de Brest", 2))
	op := mustRecord(t, s, 1042, instruct.KindApprove, "")
	if err := s.ResetFeed(ctx); err != nil {
		t.Fatalf("ResetFeed() = %v", err)
	}
	if c, _ := s.Cursor(ctx); c != "" {
		t.Errorf("Cursor() = %q after ResetFeed, want \"\"", c)
	}
	if _, err := s.Request(ctx, 1042); instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("Request() = %v after ResetFeed, want not_found", err)
	}
	if items, _ := s.Queue(ctx, instruct.QueueQuery{}); len(items) != 0 {
		t.Errorf("Queue() = %v after ResetFeed, want empty", ids(items))
	}
	if items, _ := s.Queue(ctx, instruct.QueueQuery{Text: "lyon"}); len(items) != 0 {
		t.Errorf("Queue(lyon) = %v after ResetFeed, want empty", ids(items))
	}
	if events, _ := s.Events(ctx, 1042); len(events) != 0 {
		t.Errorf("Events() = %v after ResetFeed, want none", events)
	}
	pending, err := s.Pending(ctx)
	if err != nil || len(pending) != 1 || pending[0].ID != op.ID {
		t.Fatalf("Pending() = %+v, %v after ResetFeed, want the approve kept", pending, err)
	}
	// ResetFeed empties the tables without foreign-key checks: the writes
	// after it have them again.
	var checked bool
	if err := s.write.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&checked); err != nil || !checked {
		t.Errorf("PRAGMA foreign_keys = %t, %v after ResetFeed, want true", checked, err)
	}
	// Pulling again from 0 brings the request back with the decision laid over.
	mustApply(t, s, r)
	if it := queueItem(t, s, 1042); it.Status != instruct.StatusValidated || it.Op != instruct.OpPending {
		t.Errorf("Queue() D1042 = %s/%q after the resync, want validated/pending", it.Status, it.Op)
	}
}

func TestDefinitionsAndMe(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if _, err := s.Me(ctx); instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("Me() before the first sync = %v, want not_found", err)
	}
	me := instruct.User{ID: "u1", Name: "Marie Curie", Email: "marie.curie@dinum.gouv.fr",
		Roles: []instruct.Grant{{Definition: "api_particulier", Role: instruct.RoleInstructor}}}
	if err := s.PutMe(ctx, me); err != nil {
		t.Fatal(err)
	}
	if got, err := s.Me(ctx); err != nil || got.Name != me.Name || len(got.Roles) != 1 || got.Roles[0].Role != instruct.RoleInstructor {
		t.Errorf("Me() = %+v, %v, want %+v", got, err, me)
	}
	defs := testDefinitions()
	if err := s.PutDefinitions(ctx, defs); err != nil {
		t.Fatal(err)
	}
	if err := s.PutDefinitions(ctx, defs[:1]); err != nil {
		t.Fatal(err)
	}
	got, err := s.Definitions(ctx)
	if err != nil || len(got) != 1 || got[0].ID != "api_particulier" || len(got[0].Scopes) != 3 {
		t.Errorf("Definitions() = %+v, %v, want API Particulier alone (replaced)", got, err)
	}
}

func TestPutDefinitionsReindexesLabels(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	// The feed arrives before the catalogue: the scope is indexed by ID.
	mustApply(t, s, request(1042, "Ville de Lyon", 12))
	if items, _ := s.Queue(ctx, instruct.QueueQuery{Text: "familial"}); len(items) != 1 {
		t.Fatalf("Queue(familial) = %v before the catalogue, want D1042 by its scope ID", ids(items))
	}
	if items, _ := s.Queue(ctx, instruct.QueueQuery{Text: "msa"}); len(items) != 0 {
		t.Fatalf("Queue(msa) = %v before the catalogue, want nothing", ids(items))
	}
	if err := s.PutDefinitions(ctx, testDefinitions()); err != nil {
		t.Fatal(err)
	}
	if items, _ := s.Queue(ctx, instruct.QueueQuery{Text: "quotient familial msa"}); len(items) != 1 {
		t.Errorf("Queue(quotient familial msa) = %v with the catalogue, want D1042 by its scope label", ids(items))
	}
}

// TestApplyPageLargerThanAQuery applies pages longer than one IN list
// holds, the queue loaded in memory.
func TestApplyPageLargerThanAQuery(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if err := s.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	reqs := make([]instruct.Request, 2*maxIDsPerQuery+500)
	for i := range reqs {
		reqs[i] = request(instruct.RequestID(i+1), "Ville de Lyon", i%90)
	}
	mustApply(t, s, reqs...)
	for i := range reqs {
		reqs[i].Version, reqs[i].Status = 3, instruct.StatusValidated
	}
	mustApply(t, s, reqs...)
	counts, err := s.Counts(ctx, instruct.QueueQuery{})
	if err != nil || counts[instruct.StatusValidated] != len(reqs) || len(counts) != 1 {
		t.Errorf("Counts() = %v, %v, want %d validated", counts, err, len(reqs))
	}
	last := reqs[len(reqs)-1].ID
	if events, err := s.Events(ctx, last); err != nil || len(events) != 2 {
		t.Errorf("Events(%s) = %d events, %v, want its 2 events", last, len(events), err)
	}
}

// TestApplyPageWithARequestTwice applies a page holding two states of one
// request: the newer one is kept, indexed alone, with the events of both.
func TestApplyPageWithARequestTwice(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	older := request(1042, "Ville de Lyon", 12)
	newer := older
	newer.Version, newer.Title = 3, "Restauration scolaire"
	changes := instruct.Event{Seq: 10500, RequestID: 1042, Kind: instruct.KindNote, Comment: "Titre précisé.", At: base}
	page := append(feed(older), instruct.FeedItem{Seq: 10500, Request: newer, Events: []instruct.Event{changes}})
	if err := s.ApplyPage(ctx, page, "10500"); err != nil {
		t.Fatalf("ApplyPage() = %v", err)
	}
	if got, err := s.Request(ctx, 1042); err != nil || got.Version != 3 {
		t.Errorf("Request(D1042) = v%d, %v, want v3", got.Version, err)
	}
	if events, err := s.Events(ctx, 1042); err != nil || len(events) != 3 {
		t.Errorf("Events(D1042) = %d events, %v, want 3", len(events), err)
	}
	if items, _ := s.Queue(ctx, instruct.QueueQuery{Text: "restauration"}); len(items) != 1 {
		t.Errorf("Queue(restauration) = %v, want D1042 under its newer title", ids(items))
	}
	if items, _ := s.Queue(ctx, instruct.QueueQuery{Text: "cantine"}); len(items) != 0 {
		t.Errorf("Queue(cantine) = %v, want nothing: the older title is not indexed", ids(items))
	}
}
