package ledger

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// runConformance runs the behaviour every ledger engine must have. open
// returns a new, empty ledger that the test owns.
func runConformance(t *testing.T, open func(t *testing.T) *Ledger) {
	tests := []struct {
		name string
		run  func(t *testing.T, open func(t *testing.T) *Ledger)
	}{
		{"CreateNumbersDraftsAndRecordsCreate", testCreate},
		{"CreateRefusesRequestWithoutDefinition", testCreateWithoutDefinition},
		{"ApplyRecordsEventAndBumpsVersion", testApply},
		{"ApplyNoteKeepsVersionButMovesSeq", testApplyNote},
		{"ClaimsKeepVersionRefuseOthersAndReplay", testClaims},
		{"DecisionReleasesClaim", testDecisionReleasesClaim},
		{"ApplyUnknownRequestIsNotFound", testApplyNotFound},
		{"ApplyRefusedKeepsNothing", testApplyRefused},
		{"ApplyReplaysIdempotencyKey", testReplay},
		{"ApplyRefusesReusedKey", testReusedKey},
		{"ApplyStaleReturnsExactEventsSince", testStale},
		{"ApplyConcurrentSameVersionOneWins", testConcurrentSameVersion},
		{"ApplyPanicKeepsNothing", testApplyPanic},
		{"ApplyCancelledKeepsNothing", testApplyCancelled},
		{"ApplyAfterCloseFails", testApplyAfterClose},
		{"ApplyFailingWriteKeepsNothing", testApplyFailingWrite},
		{"PurgeIdempotencyForgetsOldKeys", testPurgeIdempotency},
		{"RequestsFiltersAndPages", testRequestsFilters},
		{"RequestsSearchText", testRequestsSearch},
		{"VisibilityPerViewer", testVisibility},
		{"ChangesPagesBySeq", testChangesPaging},
		{"ChangesFromDeliversInterleavedHistories", testChangesFromInterleaved},
		{"ChangesHideNotesFromApplicants", testChangesNotes},
		{"ChangesPlaceApplicantsAtTheirLastEvent", testChangesApplicantSeq},
		{"LostByTransferTellsTheFormerApplicant", testLostByTransfer},
		{"ChangesUnderConcurrentWriters", testChangesConcurrent},
		{"AuditChainsHashes", testAudit},
		{"VerifyDetectsTampering", testVerify},
		{"PurgeBeforeKeepsReceipt", testPurgeBefore},
		{"ImportAssignsSeqsInOrder", testImport},
		{"ImportKeepsIDsAndContinuesNumbers", testImportIDs},
		{"ImportRefusesEmptyHistory", testImportEmpty},
		{"UsersRolesAndEmails", testUsers},
		{"TokensStoredHashed", testTokens},
		{"SSHKeys", testSSHKeys},
		{"ApproveIssuesHabilitation", testApproveIssuesHabilitation},
		{"ApproveReopeningMakesOldObsolete", testApproveReopening},
		{"RefuseReopeningRestoresValidated", testRefuseReopening},
		{"CancelReopeningRestoresValidated", testCancelReopening},
		{"RevokeRequestRevokesItsHabilitations", testRevokeRequest},
		{"RevokeHabilitationsOneThenLast", testRevokeHabilitations},
		{"RevokeHabilitationStale", testRevokeHabilitationStale},
		{"ApproveReplaysOnce", testApproveReplaysOnce},
		{"TransferMovesRequestAndHabilitations", testTransfer},
		{"HabilitationQueries", testHabilitationQueries},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open) })
	}
}

func testCreate(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	empty, err := f.l.IsEmpty(f.ctx)
	if err != nil || !empty {
		t.Fatalf("IsEmpty() on a new ledger = %v, %v, want true", empty, err)
	}
	first := f.create("api_particulier", "Inscription aux activités périscolaires")
	second := f.create("api_entreprise", "Marchés publics")
	if first.ID != 1000 || second.ID != 1001 {
		t.Errorf("Create() IDs = %s, %s, want D1000, D1001", first.ID, second.ID)
	}
	if first.Version != 1 || first.Status != instruct.StatusDraft || first.Definition != "api_particulier" {
		t.Errorf("Create() = version %d, status %s, definition %s, want 1, draft, api_particulier", first.Version, first.Status, first.Definition)
	}
	got, createdBy, err := f.l.Request(f.ctx, 1000)
	if err != nil {
		t.Fatalf("Request(1000) = %v", err)
	}
	if diff := cmp.Diff(first, got); diff != "" {
		t.Errorf("Request(1000) differs from what Create returned (-create +read):\n%s", diff)
	}
	if createdBy != applicant.ID {
		t.Errorf("Request(1000) created by %q, want %q", createdBy, applicant.ID)
	}
	events, err := f.l.Events(f.ctx, 1000)
	if err != nil || len(events) != 1 {
		t.Fatalf("Events(1000) = %v, %v, want one create event", events, err)
	}
	e := events[0]
	if e.Seq != 1 || e.Kind != instruct.KindCreate || e.RequestID != 1000 || e.Actor != applicant || !e.At.Equal(first.CreatedAt) {
		t.Errorf("create event = %+v, want seq 1, create, D1000 by the applicant at creation", e)
	}
	if got := e.Diff["title"]; got[1] != "Inscription aux activités périscolaires" {
		t.Errorf("create event diff title = %v, want the new title", got)
	}
	if last, err := f.l.LastSeq(f.ctx); err != nil || last != 2 {
		t.Errorf("LastSeq() = %d, %v, want 2", last, err)
	}
	if empty, err := f.l.IsEmpty(f.ctx); err != nil || empty {
		t.Errorf("IsEmpty() with requests = %v, %v, want false", empty, err)
	}
	_, _, err = f.l.Request(f.ctx, 999)
	wantCode(t, "Request(999)", err, instruct.CodeNotFound)
	_, err = f.l.Events(f.ctx, 999)
	wantCode(t, "Events(999)", err, instruct.CodeNotFound)
}

func testCreateWithoutDefinition(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	p := draft("", "Sans API")
	_, err := f.l.Create(f.ctx, applicant, p, f.tick())
	wantCode(t, "Create(no definition)", err, instruct.CodeInvalid)
	p = draft("api_particulier", "SIRET faux")
	p.Organization.SIRET = "12345678901234"
	_, err = f.l.Create(f.ctx, applicant, p, f.tick())
	wantCode(t, "Create(bad SIRET)", err, instruct.CodeInvalid)
	if last, _ := f.l.LastSeq(f.ctx); last != 0 {
		t.Errorf("LastSeq() after refused creates = %d, want 0", last)
	}
}

func testApply(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	submitted := f.do(r, instruct.KindSubmit, "")
	out := f.do(submitted.Request, instruct.KindApprove, "Conforme.")
	if out.Replayed {
		t.Errorf("Apply() first time: Replayed = true")
	}
	if out.Request.Version != 3 || out.Request.Status != instruct.StatusValidated {
		t.Errorf("Apply(approve) request = version %d, %s, want 3, validated", out.Request.Version, out.Request.Status)
	}
	if out.Event.Seq != 3 || out.Event.RequestID != r.ID || out.Event.Kind != instruct.KindApprove || out.Event.Comment != "Conforme." {
		t.Errorf("Apply(approve) event = %+v, want seq 3 approve of %s", out.Event, r.ID)
	}
	if out.Event.At.IsZero() || !out.Request.UpdatedAt.Equal(out.Event.At) {
		t.Errorf("Apply(approve): event at %v, request updated at %v, want the mutation's time for both", out.Event.At, out.Request.UpdatedAt)
	}
	got, _, _ := f.l.Request(f.ctx, r.ID)
	if diff := cmp.Diff(out.Request, got); diff != "" {
		t.Errorf("Request() after Apply differs from the outcome (-outcome +read):\n%s", diff)
	}
	events, _ := f.l.Events(f.ctx, r.ID)
	if diff := cmp.Diff(out.Event, events[len(events)-1]); diff != "" {
		t.Errorf("last event differs from the outcome's (-outcome +read):\n%s", diff)
	}
	items, _, _ := f.l.Changes(f.ctx, instruct.Viewer{All: true}, 2, 10)
	if len(items) != 1 || items[0].Seq != 3 || len(items[0].Events) != 1 {
		t.Errorf("Changes(after 2) = %+v, want the request at seq 3 with its approve event", items)
	}
}

func testApplyNote(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	out := f.do(r, instruct.KindNote, "À vérifier avec le DPD.")
	if out.Request.Version != 1 || out.Event.Seq != 2 {
		t.Errorf("Apply(note) = version %d, seq %d, want version 1 unchanged, seq 2", out.Request.Version, out.Event.Seq)
	}
	items, _, err := f.l.Changes(f.ctx, instruct.Viewer{All: true}, 1, 10)
	if err != nil || len(items) != 1 || items[0].Seq != 2 || kinds(items[0].Events)[0] != instruct.KindNote {
		t.Errorf("Changes(after 1) = %+v, %v, want the request at seq 2 with the note", items, err)
	}
}

func testApplyNotFound(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	_, err := f.l.Apply(f.ctx, instruct.Mutation{RequestID: 4242, IfMatch: 1, Change: change(instruct.KindApprove, reviewer, "")})
	wantCode(t, "Apply(unknown request)", err, instruct.CodeNotFound)
	if !strings.Contains(err.Error(), "D4242") {
		t.Errorf("Apply(unknown request) error %q does not name D4242", err)
	}
}

func testApplyRefused(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	m := f.mutation(r, instruct.KindApprove, "") // a draft cannot be approved
	m.IdempotencyKey, m.Fingerprint = "key-refused", "approve"
	_, err := f.l.Apply(f.ctx, m)
	wantCode(t, "Apply(approve a draft)", err, instruct.CodeInvalidTransition)
	m = f.mutation(r, instruct.KindRefuse, "  ")
	_, err = f.l.Apply(f.ctx, m)
	wantCode(t, "Apply(refuse without comment)", err, instruct.CodeCommentRequired)
	got, _, _ := f.l.Request(f.ctx, r.ID)
	events, _ := f.l.Events(f.ctx, r.ID)
	last, _ := f.l.LastSeq(f.ctx)
	if got.Version != 1 || got.Status != instruct.StatusDraft || len(events) != 1 || last != 1 {
		t.Errorf("after refused changes: version %d, %s, %d events, last seq %d; want 1, draft, 1, 1", got.Version, got.Status, len(events), last)
	}
	// The refused attempt left no idempotency record: the key serves again.
	f.do(r, instruct.KindSubmit, "")
	got, _, _ = f.l.Request(f.ctx, r.ID)
	m = f.mutation(got, instruct.KindApprove, "")
	m.IdempotencyKey, m.Fingerprint = "key-refused", "approve"
	out, err := f.l.Apply(f.ctx, m)
	if err != nil || out.Replayed || out.Request.Status != instruct.StatusValidated {
		t.Errorf("Apply(same key after a refusal) = %+v, %v, want a fresh approval", out, err)
	}
}

func testReplay(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	submitted := f.do(r, instruct.KindSubmit, "")
	m := f.mutation(submitted.Request, instruct.KindRefuse, "Base légale insuffisante.")
	m.IdempotencyKey, m.Fingerprint = "0190f5a4-key", "fp-refuse"
	first, err := f.l.Apply(f.ctx, m)
	if err != nil {
		t.Fatalf("Apply() = %v", err)
	}
	again, err := f.l.Apply(f.ctx, m)
	if err != nil {
		t.Fatalf("Apply(replay) = %v", err)
	}
	if !again.Replayed {
		t.Errorf("Apply(replay).Replayed = false, want true")
	}
	again.Replayed = false
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("Apply(replay) outcome differs (-first +replay):\n%s", diff)
	}
	events, _ := f.l.Events(f.ctx, r.ID)
	if want := []instruct.Kind{instruct.KindCreate, instruct.KindSubmit, instruct.KindRefuse}; !cmp.Equal(kinds(events), want) {
		t.Errorf("events after a replay = %v, want %v (applied once)", kinds(events), want)
	}
}

func testReusedKey(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	other := f.create("api_particulier", "Transport")
	m := f.mutation(r, instruct.KindNote, "Premier passage.")
	m.IfMatch, m.IdempotencyKey, m.Fingerprint = 0, "key-1", "fp-1"
	if _, err := f.l.Apply(f.ctx, m); err != nil {
		t.Fatalf("Apply() = %v", err)
	}
	tests := []struct {
		name        string
		request     instruct.Request
		fingerprint string
	}{
		{"another body", r, "fp-2"},
		{"another request", other, "fp-1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := f.mutation(tc.request, instruct.KindNote, "Second passage.")
			m.IfMatch, m.IdempotencyKey, m.Fingerprint = 0, "key-1", tc.fingerprint
			_, err := f.l.Apply(f.ctx, m)
			wantCode(t, "Apply(reused key, "+tc.name+")", err, instruct.CodeIdempotencyKeyReused)
		})
	}
	if last, _ := f.l.LastSeq(f.ctx); last != 3 {
		t.Errorf("LastSeq() = %d, want 3: reused keys apply nothing", last)
	}
}

func testStale(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")                      // v1, seq 1
	v2 := f.do(r, instruct.KindSubmit, "").Request                   // v2, seq 2
	f.do(v2, instruct.KindNote, "Vu.")                               // v2, seq 3
	v3 := f.do(v2, instruct.KindRequestChanges, "Préciser.").Request // v3, seq 4
	f.do(v3, instruct.KindMessage, "Nous attendons vos précisions.") // v3, seq 5
	tests := []struct {
		name    string
		ifMatch int64
		want    []int64
	}{
		{"based on the draft", 1, []int64{2, 3, 4, 5}},
		{"based on the submission", 2, []int64{3, 4, 5}},
		{"ahead of the server", 9, []int64{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := f.mutation(v3, instruct.KindApprove, "")
			m.IfMatch = tc.ifMatch
			_, err := f.l.Apply(f.ctx, m)
			var stale *instruct.StaleError
			if !errors.As(err, &stale) {
				t.Fatalf("Apply(If-Match %d) = %v, want a *StaleError", tc.ifMatch, err)
			}
			if stale.Current.Version != 3 || stale.Current.Status != instruct.StatusChangesRequested {
				t.Errorf("Apply(If-Match %d) current = v%d %s, want v3 changes_requested", tc.ifMatch, stale.Current.Version, stale.Current.Status)
			}
			if got := seqs(stale.EventsSince); !cmp.Equal(got, tc.want) {
				t.Errorf("Apply(If-Match %d) events_since seqs = %v, want %v", tc.ifMatch, got, tc.want)
			}
		})
	}
	if last, _ := f.l.LastSeq(f.ctx); last != 5 {
		t.Errorf("LastSeq() after stale attempts = %d, want 5", last)
	}
}

func testPurgeIdempotency(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	m := f.mutation(r, instruct.KindNote, "Note.")
	m.IfMatch, m.IdempotencyKey, m.Fingerprint = 0, "old-key", "fp"
	if _, err := f.l.Apply(f.ctx, m); err != nil {
		t.Fatal(err)
	}
	kept := f.mutation(r, instruct.KindNote, "Note.")
	kept.IfMatch, kept.IdempotencyKey, kept.Fingerprint = 0, "new-key", "fp"
	kept.Now = m.Now.AddDate(0, 0, 31)
	if _, err := f.l.Apply(f.ctx, kept); err != nil {
		t.Fatal(err)
	}
	n, err := f.l.PurgeIdempotency(f.ctx, m.Now.AddDate(0, 0, 1))
	if err != nil || n != 1 {
		t.Fatalf("PurgeIdempotency() = %d, %v, want 1", n, err)
	}
	if out, err := f.l.Apply(f.ctx, kept); err != nil || !out.Replayed {
		t.Errorf("Apply(kept key) = %+v, %v, want a replay", out, err)
	}
	if out, err := f.l.Apply(f.ctx, m); err != nil || out.Replayed {
		t.Errorf("Apply(purged key) = %+v, %v, want a fresh application", out, err)
	}
}

func testAudit(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	s := f.do(r, instruct.KindSubmit, "").Request
	f.do(s, instruct.KindRefuse, "Base légale absente.")
	entries, err := f.l.Audit(f.ctx, 0, 10)
	if err != nil || len(entries) != 3 {
		t.Fatalf("Audit(0, 10) = %d entries, %v, want 3", len(entries), err)
	}
	prev := ""
	for _, a := range entries {
		want, err := instruct.ChainHash(prev, a.Event)
		if err != nil {
			t.Fatal(err)
		}
		if a.PrevHash != prev || a.Hash != want || a.Seq != a.Event.Seq {
			t.Errorf("Audit entry %d: prev %q hash %q, want prev %q hash %q", a.Seq, a.PrevHash, a.Hash, prev, want)
		}
		prev = a.Hash
	}
	page, _ := f.l.Audit(f.ctx, 1, 1)
	if len(page) != 1 || page[0].Seq != 2 {
		t.Errorf("Audit(1, 1) = %+v, want the entry of seq 2", page)
	}
}
