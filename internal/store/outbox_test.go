package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// queueItem returns the queue row of request id.
func queueItem(t *testing.T, s *Store, id instruct.RequestID) instruct.QueueItem {
	t.Helper()
	items, err := s.Queue(context.Background(), instruct.QueueQuery{})
	if err != nil {
		t.Fatalf("Queue() = %v", err)
	}
	for _, it := range items {
		if it.ID == id {
			return it
		}
	}
	t.Fatalf("Queue() has no %s", id)
	return instruct.QueueItem{}
}

func TestOverlay(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		kind       instruct.Kind
		comment    string
		state      instruct.OpState // set after recording, "" to leave pending
		wantStatus instruct.Status
		wantOp     instruct.OpState
	}{
		{"pending approve shows validated", instruct.KindApprove, "", "", instruct.StatusValidated, instruct.OpPending},
		{"sending refusal shows refused", instruct.KindRefuse, "Cadre juridique insuffisant.", instruct.OpSending, instruct.StatusRefused, instruct.OpSending},
		{"pending request for changes", instruct.KindRequestChanges, "Précisez la durée.", "", instruct.StatusChangesRequested, instruct.OpPending},
		{"conflict keeps the server status", instruct.KindApprove, "", instruct.OpConflict, instruct.StatusSubmitted, instruct.OpConflict},
		{"rejection keeps the server status", instruct.KindApprove, "", instruct.OpRejected, instruct.StatusSubmitted, instruct.OpRejected},
		{"accepted leaves no marker", instruct.KindApprove, "", instruct.OpAccepted, instruct.StatusSubmitted, ""},
		{"a note changes no status", instruct.KindNote, "Vu avec le DPO.", "", instruct.StatusSubmitted, instruct.OpPending},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			mustApply(t, s, request(1042, "Ville de Lyon", 12))
			op := mustRecord(t, s, 1042, tt.kind, tt.comment)
			if tt.state != "" {
				if err := s.SetOpState(ctx, op.ID, tt.state, "", nil); err != nil {
					t.Fatalf("SetOpState() = %v", err)
				}
			}
			it := queueItem(t, s, 1042)
			if it.Status != tt.wantStatus || it.Op != tt.wantOp || it.ServerStatus != instruct.StatusSubmitted {
				t.Errorf("Queue() D1042 = status %s op %q server %s, want status %s op %q server submitted",
					it.Status, it.Op, it.ServerStatus, tt.wantStatus, tt.wantOp)
			}
			counts, err := s.Counts(ctx, instruct.QueueQuery{})
			if err != nil || counts[tt.wantStatus] != 1 {
				t.Errorf("Counts() = %v, %v, want 1 %s", counts, err, tt.wantStatus)
			}
		})
	}
}

func TestOverlayFollowsServerStatus(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	r := request(1042, "Ville de Lyon", 12)
	mustApply(t, s, r)
	mustRecord(t, s, 1042, instruct.KindApprove, "")
	// Someone else refused first; the feed brings it before the push.
	r.Status, r.Version = instruct.StatusRefused, 3
	if err := s.ApplyPage(ctx, []instruct.FeedItem{{Seq: 99, Request: r}}, "99"); err != nil {
		t.Fatalf("ApplyPage() = %v", err)
	}
	it := queueItem(t, s, 1042)
	if it.Status != instruct.StatusRefused || it.Op != instruct.OpPending {
		t.Errorf("Queue() D1042 = %s/%q, want refused/pending (the approve no longer applies)", it.Status, it.Op)
	}
}

func TestRecordChecks(t *testing.T) {
	validated := request(2000, "CCAS de Brest", 40)
	validated.Status = instruct.StatusValidated
	tests := []struct {
		name    string
		setup   func(t *testing.T, s *Store)
		id      instruct.RequestID
		kind    instruct.Kind
		comment string
		want    instruct.Code
	}{
		{"refusal without comment", nil, 1042, instruct.KindRefuse, "  \n\t", instruct.CodeCommentRequired},
		{"request for changes without comment", nil, 1042, instruct.KindRequestChanges, "", instruct.CodeCommentRequired},
		{"note without comment", nil, 1042, instruct.KindNote, "", instruct.CodeCommentRequired},
		{"approving a validated request", nil, 2000, instruct.KindApprove, "", instruct.CodeInvalidTransition},
		{"revoking a submitted request", nil, 1042, instruct.KindRevoke, "Fin du service.", instruct.CodeInvalidTransition},
		{"second open decision", func(t *testing.T, s *Store) {
			mustRecord(t, s, 1042, instruct.KindApprove, "")
		}, 1042, instruct.KindRefuse, "Finalement non.", instruct.CodeInvalidTransition},
		{"decision after an approve being sent", func(t *testing.T, s *Store) {
			op := mustRecord(t, s, 1042, instruct.KindApprove, "")
			if err := s.SetOpState(context.Background(), op.ID, instruct.OpSending, "", nil); err != nil {
				t.Fatal(err)
			}
		}, 1042, instruct.KindApprove, "", instruct.CodeInvalidTransition},
		{"not a decision", nil, 1042, instruct.KindSubmit, "", instruct.CodeInvalid},
		{"unknown request", nil, 9999, instruct.KindApprove, "", instruct.CodeNotFound},
		{"reporter may not decide", func(t *testing.T, s *Store) {
			me := instruct.User{ID: "u1", Name: "Support", Roles: []instruct.Grant{{Definition: "*", Role: instruct.RoleReporter}}}
			if err := s.PutMe(context.Background(), me); err != nil {
				t.Fatal(err)
			}
		}, 1042, instruct.KindApprove, "", instruct.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTemp(t)
			mustApply(t, s, request(1042, "Ville de Lyon", 12), validated)
			if tt.setup != nil {
				tt.setup(t, s)
			}
			before, _ := s.Pending(context.Background())
			_, err := s.Record(context.Background(), tt.id, tt.kind, tt.comment)
			if got := instruct.ErrorCode(err); got != tt.want {
				t.Fatalf("Record(%s, %s, %q) = %v, want code %s", tt.id, tt.kind, tt.comment, err, tt.want)
			}
			if after, _ := s.Pending(context.Background()); len(after) != len(before) {
				t.Errorf("Pending() has %d operations after a refused Record, want %d", len(after), len(before))
			}
		})
	}
}

func TestRecordFields(t *testing.T) {
	s := openTemp(t)
	r := request(1042, "Ville de Lyon", 12)
	r.Version = 7
	mustApply(t, s, r)
	approve := mustRecord(t, s, 1042, instruct.KindApprove, "Conforme.")
	note := mustRecord(t, s, 1042, instruct.KindNote, "Vérifié avec le DPO.")
	for _, op := range []instruct.Operation{approve, note} {
		id, err := uuid.Parse(op.ID)
		if err != nil || id.Version() != 7 {
			t.Errorf("Record() ID = %q (%v), want a UUIDv7", op.ID, err)
		}
		if op.State != instruct.OpPending || op.RequestID != 1042 || op.CreatedAt.IsZero() {
			t.Errorf("Record() = %+v, want pending on D1042 with a creation time", op)
		}
	}
	if approve.BaseVersion != 7 || note.BaseVersion != 0 {
		t.Errorf("BaseVersion = %d (approve), %d (note), want 7 and 0", approve.BaseVersion, note.BaseVersion)
	}
	pending, err := s.Pending(context.Background())
	if err != nil || len(pending) != 2 || pending[0].ID != approve.ID || pending[1].ID != note.ID {
		t.Errorf("Pending() = %+v, %v, want the approve then the note", pending, err)
	}
}

func TestRecordIsDurableAcrossReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, request(1042, "Ville de Lyon", 12))
	op := mustRecord(t, s, 1042, instruct.KindRefuse, "Le cadre juridique ne couvre pas ces données.")
	if err := s.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pending, err := s.Pending(ctx)
	if err != nil || len(pending) != 1 {
		t.Fatalf("Pending() after reopening = %v, %v, want the refusal", pending, err)
	}
	got := pending[0]
	if got.ID != op.ID || got.Comment != op.Comment || got.BaseVersion != op.BaseVersion || !got.CreatedAt.Equal(op.CreatedAt) {
		t.Errorf("Pending()[0] = %+v, want %+v", got, op)
	}
	if s.Recovered() != "" {
		t.Errorf("Recovered() = %q on a good cache, want \"\"", s.Recovered())
	}
}

func TestNewDecisionReplacesConflict(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	mustApply(t, s, request(1042, "Ville de Lyon", 12))
	first := mustRecord(t, s, 1042, instruct.KindApprove, "")
	if err := s.SetOpState(ctx, first.ID, instruct.OpConflict, "", &instruct.StaleError{}); err != nil {
		t.Fatal(err)
	}
	second := mustRecord(t, s, 1042, instruct.KindRequestChanges, "Merci de joindre la délibération.")
	ops, err := s.Operations(ctx, 1042)
	if err != nil || len(ops) != 1 || ops[0].ID != second.ID {
		t.Errorf("Operations() = %+v, %v, want only the new decision", ops, err)
	}
	if sum, _ := s.Summary(ctx); sum.Conflicts != 0 || sum.Pending != 1 {
		t.Errorf("Summary() = %+v, want 1 pending, no conflict", sum)
	}
}

func TestSetOpStateConflict(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	r := request(1042, "Ville de Lyon", 12)
	mustApply(t, s, r)
	op := mustRecord(t, s, 1042, instruct.KindApprove, "")
	current := r
	current.Status, current.Version = instruct.StatusRefused, 3
	refusal := instruct.Event{Seq: 500, RequestID: 1042, Kind: instruct.KindRefuse,
		Actor: instruct.Actor{ID: "u2", Name: "Paul Martin"}, Comment: "Hors périmètre.", At: base}
	conflict := &instruct.StaleError{Current: current, EventsSince: []instruct.Event{refusal}}
	if err := s.SetOpState(ctx, op.ID, instruct.OpConflict, "", conflict); err != nil {
		t.Fatalf("SetOpState(conflict) = %v", err)
	}
	ops, err := s.Operations(ctx, 1042)
	if err != nil || len(ops) != 1 || ops[0].Conflict == nil || ops[0].Conflict.EventsSince[0].Comment != "Hors périmètre." {
		t.Fatalf("Operations() = %+v, %v, want the conflict with what happened since", ops, err)
	}
	got, err := s.Request(ctx, 1042)
	if err != nil || got.Status != instruct.StatusRefused || got.Version != 3 {
		t.Errorf("Request() = %s v%d, %v, want the server's current state (refused v3)", got.Status, got.Version, err)
	}
	if it := queueItem(t, s, 1042); it.Status != instruct.StatusRefused || it.Op != instruct.OpConflict {
		t.Errorf("Queue() D1042 = %s/%q, want refused/conflict", it.Status, it.Op)
	}
	if sum, _ := s.Summary(ctx); sum.Conflicts != 1 || sum.Pending != 0 {
		t.Errorf("Summary() = %+v, want 1 conflict", sum)
	}
	if err := s.SetOpState(ctx, op.ID, "lost", "", nil); instruct.ErrorCode(err) != instruct.CodeInvalid {
		t.Errorf("SetOpState(lost) = %v, want invalid", err)
	}
	if err := s.SetOpState(ctx, uuid.NewString(), instruct.OpSending, "", nil); instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("SetOpState(unknown) = %v, want not_found", err)
	}
}

func TestAccept(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	r := request(1042, "Ville de Lyon", 12)
	mustApply(t, s, r)
	op := mustRecord(t, s, 1042, instruct.KindApprove, "Conforme.")
	decided := r
	decided.Status, decided.Version = instruct.StatusValidated, 3
	e := instruct.Event{Seq: 20000, RequestID: 1042, Kind: instruct.KindApprove,
		Actor: instruct.Actor{ID: "me", Name: "Marie Curie"}, Comment: "Conforme.", At: base}
	if err := s.Accept(ctx, op.ID, decided, e); err != nil {
		t.Fatalf("Accept() = %v", err)
	}
	if pending, _ := s.Pending(ctx); len(pending) != 0 {
		t.Errorf("Pending() = %+v after Accept, want none", pending)
	}
	if ops, _ := s.Operations(ctx, 1042); len(ops) != 1 || ops[0].State != instruct.OpAccepted {
		t.Errorf("Operations() = %+v, want the accepted approve", ops)
	}
	if it := queueItem(t, s, 1042); it.Status != instruct.StatusValidated || it.ServerStatus != instruct.StatusValidated || it.Op != "" || it.Version != 3 {
		t.Errorf("Queue() D1042 = %+v, want validated v3 without marker", it)
	}
	events, err := s.Events(ctx, 1042)
	if err != nil || len(events) != 3 || events[2].Seq != 20000 || events[2].Comment != "Conforme." {
		t.Errorf("Events() = %+v, %v, want create, submit and the approve", events, err)
	}
	// An older state sent later (a replay) does not go back in time.
	if err := s.Accept(ctx, op.ID, r, e); err != nil {
		t.Fatalf("Accept(again) = %v", err)
	}
	if got, _ := s.Request(ctx, 1042); got.Version != 3 {
		t.Errorf("Request() version = %d after an older Accept, want 3", got.Version)
	}
	if err := s.Accept(ctx, uuid.NewString(), decided, e); instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("Accept(unknown) = %v, want not_found", err)
	}
}

func TestAcceptNote(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	mustApply(t, s, request(1042, "Ville de Lyon", 12))
	op := mustRecord(t, s, 1042, instruct.KindMessage, "Merci de compléter le dossier.")
	e := instruct.Event{Seq: 20001, RequestID: 1042, Kind: instruct.KindMessage, Comment: op.Comment, At: base}
	if err := s.Accept(ctx, op.ID, instruct.Request{}, e); err != nil {
		t.Fatalf("Accept(note, zero request) = %v", err)
	}
	if got, _ := s.Request(ctx, 1042); got.Version != 2 {
		t.Errorf("Request() version = %d, want 2 (a message changes no version)", got.Version)
	}
	if events, _ := s.Events(ctx, 1042); len(events) != 3 || events[2].Kind != instruct.KindMessage {
		t.Errorf("Events() = %+v, want the message last", events)
	}
}

func TestDiscard(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	mustApply(t, s, request(1042, "Ville de Lyon", 12), request(1043, "Ville de Lyon", 3))
	rejected := mustRecord(t, s, 1042, instruct.KindApprove, "")
	if err := s.SetOpState(ctx, rejected.ID, instruct.OpRejected, "forbidden: your role does not allow it", nil); err != nil {
		t.Fatal(err)
	}
	pending := mustRecord(t, s, 1043, instruct.KindApprove, "")
	if err := s.Discard(ctx, pending.ID); instruct.ErrorCode(err) != instruct.CodeInvalidTransition {
		t.Errorf("Discard(pending) = %v, want invalid_transition", err)
	}
	if err := s.Discard(ctx, rejected.ID); err != nil {
		t.Fatalf("Discard(rejected) = %v", err)
	}
	if ops, _ := s.Operations(ctx, 1042); len(ops) != 0 {
		t.Errorf("Operations() = %+v after Discard, want none", ops)
	}
	if it := queueItem(t, s, 1042); it.Op != "" || it.Status != instruct.StatusSubmitted {
		t.Errorf("Queue() D1042 = %s/%q, want submitted without marker", it.Status, it.Op)
	}
	if err := s.Discard(ctx, rejected.ID); instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("Discard(again) = %v, want not_found", err)
	}
}

func TestSummary(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	mustApply(t, s, request(1, "A", 1), request(2, "B", 2), request(3, "C", 3), request(4, "D", 4))
	ops := []instruct.Operation{
		mustRecord(t, s, 1, instruct.KindApprove, ""),
		mustRecord(t, s, 2, instruct.KindApprove, ""),
		mustRecord(t, s, 3, instruct.KindApprove, ""),
		mustRecord(t, s, 4, instruct.KindApprove, ""),
	}
	for i, st := range []instruct.OpState{instruct.OpSending, instruct.OpConflict, instruct.OpRejected} {
		if err := s.SetOpState(ctx, ops[i+1].ID, st, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Summary(ctx)
	want := instruct.SyncStatus{Pending: 2, Conflicts: 1, Rejected: 1}
	if err != nil || got != want {
		t.Errorf("Summary() = %+v, %v, want %+v", got, err, want)
	}
}

func TestOperationsNewestFirst(t *testing.T) {
	s := openTemp(t)
	mustApply(t, s, request(1042, "Ville de Lyon", 12))
	clock := base
	s.now = func() time.Time { clock = clock.Add(time.Minute); return clock }
	first := mustRecord(t, s, 1042, instruct.KindNote, "Premier passage.")
	second := mustRecord(t, s, 1042, instruct.KindNote, "Second passage.")
	ops, err := s.Operations(context.Background(), 1042)
	if err != nil || len(ops) != 2 || ops[0].ID != second.ID || ops[1].ID != first.ID {
		t.Errorf("Operations() = %+v, %v, want the second note first", ops, err)
	}
}

// TestRejectKeepsTheCode: a rejection keeps the server's error code beside
// its words, in the file; a cache made before the code was kept (schema
// version 2) opens with its rejected operation whole and no code.
func TestRejectKeepsTheCode(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "instruct.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, request(1042, "Ville de Lyon", 12))
	op := mustRecord(t, s, 1042, instruct.KindApprove, "")
	const words = "forbidden: you filed D1042"
	if err := s.Reject(ctx, op.ID, instruct.CodeForbidden, words); err != nil {
		t.Fatalf("Reject() = %v", err)
	}
	s.Close()
	reopen := func() instruct.Operation {
		t.Helper()
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		ops, err := s.Operations(ctx, 1042)
		if err != nil || len(ops) != 1 {
			t.Fatalf("Operations() = %+v, %v; want the rejected one", ops, err)
		}
		return ops[0]
	}
	if got := reopen(); got.State != instruct.OpRejected || got.ReasonCode != instruct.CodeForbidden || got.Reason != words {
		t.Errorf("after reopening: %s, code %q, reason %q; want rejected, %q, %q", got.State, got.ReasonCode, got.Reason, instruct.CodeForbidden, words)
	}
	execSQL(t, path, append(beforeClaims, "ALTER TABLE outbox DROP COLUMN reason_code", "ALTER TABLE requests DROP COLUMN deciders", "PRAGMA user_version = 2")...)
	if got := reopen(); got.State != instruct.OpRejected || got.ReasonCode != "" || got.Reason != words {
		t.Errorf("a version 2 cache migrated: %s, code %q, reason %q; want rejected, no code, %q", got.State, got.ReasonCode, got.Reason, words)
	}
}
