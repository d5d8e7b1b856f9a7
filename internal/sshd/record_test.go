package sshd

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/review"
)

// TestRecordLandsOnceAndShowsAtOnce: a decision recorded through a
// session's view is in the ledger once, in the user's name, and the read
// model already shows it when Record returns, so the screen's reload does.
func TestRecordLandsOnceAndShowsAtOnce(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	applicant := w.addUser("camille-martin")
	marie := w.addUser("marie-dupont", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor})
	r := w.submitted(applicant, "api_particulier", "Tarification de la cantine scolaire")
	w.caughtUp()
	v := w.view(marie)

	const comment = "La base légale citée ne couvre pas les données demandées."
	op, err := v.Record(ctx, r.ID, instruct.KindRefuse, comment)
	if err != nil || op.State != instruct.OpAccepted || op.BaseVersion != r.Version {
		t.Fatalf("Record(refuse) = %+v, %v; want accepted, based on version %d", op, err, r.Version)
	}
	got, err := v.Request(ctx, r.ID)
	if err != nil || got.Status != instruct.StatusRefused {
		t.Errorf("Request(%s) right after Record = %s, %v; want refused", r.ID, got.Status, err)
	}
	items, _ := v.Queue(ctx, instruct.QueueQuery{Statuses: []instruct.Status{instruct.StatusRefused}})
	if len(items) != 1 || items[0].ID != r.ID || items[0].Op != "" {
		t.Errorf("refused queue right after Record = %+v, want %s without a mark", items, r.ID)
	}
	events := w.decisions(r.ID)
	if len(events) != 1 || events[0].Kind != instruct.KindRefuse || events[0].Actor.ID != marie.ID || events[0].Comment != comment {
		t.Errorf("ledger events of %s = %+v, want one refusal by %s", r.ID, events, marie.ID)
	}
	if ops, _ := v.Operations(ctx, r.ID); len(ops) != 0 {
		t.Errorf("Operations(%s) = %+v, want none open", r.ID, ops)
	}
}

// TestRecordConflictShowsAsInTheTUI: a decision on a version someone else
// changed first (the read model not yet up to date) is refused by the
// service with 412; the view keeps it as a conflict with what happened
// first — in the queue's mark, the operations, every session of the user
// and their status bars — until the user discards it; nothing lands.
func TestRecordConflictShowsAsInTheTUI(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	applicant := w.addUser("camille-martin")
	marie := w.addUser("marie-dupont", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor})
	paul := w.addUser("paul-leroy", instruct.Grant{Definition: "*", Role: instruct.RoleManager})
	r := w.submitted(applicant, "api_particulier", "Tarification de la cantine scolaire")
	w.caughtUp()
	// Another front (another instance's service) approves first; this
	// read model hears nothing of it yet.
	other := review.New(review.Config{Storage: w.ledger, Catalogue: w.svc.Catalogue()})
	if _, err := other.Decide(ctx, paul, r.ID, instruct.KindApprove, "", review.Precondition{IfMatch: r.Version, IdempotencyKey: "k-paul"}); err != nil {
		t.Fatal(err)
	}
	v, second := w.view(marie), w.view(marie)
	screen := w.model.hub.subscribe(nil, (&session{desk: v.desk, view: v}).shapeStatus)
	defer w.model.hub.unsubscribe(screen)
	v.desk.attach(screen)

	op, err := v.Record(ctx, r.ID, instruct.KindRefuse, "Hors périmètre.")
	if err != nil || op.State != instruct.OpConflict || op.Conflict == nil || op.Conflict.Current.Status != instruct.StatusValidated {
		t.Fatalf("Record(refuse) on a stale version = %+v, %v; want a conflict showing the approval", op, err)
	}
	if events := w.decisions(r.ID); len(events) != 1 || events[0].Actor.ID != paul.ID {
		t.Errorf("ledger events of %s = %+v, want Paul's approval alone", r.ID, events)
	}
	for name, s := range map[string]*view{"deciding session": v, "other session": second} {
		ops, _ := s.Operations(ctx, r.ID)
		if len(ops) != 1 || ops[0].ID != op.ID || ops[0].State != instruct.OpConflict {
			t.Errorf("%s: Operations(%s) = %+v, want the conflict", name, r.ID, ops)
		}
		items, _ := s.Queue(ctx, instruct.QueueQuery{Text: r.ID.String()})
		if len(items) != 1 || items[0].Op != instruct.OpConflict {
			t.Errorf("%s: queue row of %s = %+v, want marked conflict", name, r.ID, items)
		}
	}
	waitStatus(t, screen, func(s instruct.SyncStatus) bool { return s.Conflicts == 1 })

	if err := second.Discard(ctx, op.ID); err != nil {
		t.Fatalf("Discard(%s) = %v", op.ID, err)
	}
	if ops, _ := v.Operations(ctx, r.ID); len(ops) != 0 {
		t.Errorf("Operations after Discard = %+v, want none", ops)
	}
	waitStatus(t, screen, func(s instruct.SyncStatus) bool { return s.Conflicts == 0 })
	if err := v.Discard(ctx, op.ID); instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("second Discard = %v, want not_found", err)
	}
}

// waitStatus waits for a status on l that ok accepts.
func waitStatus(t *testing.T, l *listener, ok func(instruct.SyncStatus) bool) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s := <-l.Updates():
			if ok(s) {
				return
			}
		case <-timeout:
			t.Fatal("the status bar never showed the expected counts")
		}
	}
}

// cutAfterCommit is the review service with the answer of its first
// note lost after the ledger committed it, as a failing database
// connection would.
type cutAfterCommit struct {
	*review.Service
	mu  sync.Mutex
	cut bool
}

func (c *cutAfterCommit) Note(ctx context.Context, u instruct.User, id instruct.RequestID, k instruct.Kind, comment, key string) (instruct.Outcome, error) {
	out, err := c.Service.Note(ctx, u, id, k, comment, key)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil && !c.cut {
		c.cut = true
		return instruct.Outcome{}, instruct.Errorf(instruct.CodeUnavailable, "the database is out of reach")
	}
	return out, err
}

// TestRecordRetryAppliesNothingTwice: when the answer to a note is lost,
// Record fails and the screen keeps the note; recording it again reuses
// its Idempotency-Key, so the ledger holds it once.
func TestRecordRetryAppliesNothingTwice(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	applicant := w.addUser("camille-martin")
	marie := w.addUser("marie-dupont", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor})
	r := w.submitted(applicant, "api_particulier", "Tarification de la cantine scolaire")
	w.caughtUp()
	v := newView(w.model, &cutAfterCommit{Service: w.svc}, w.desks.of(marie.ID), marie, time.Now)

	const note = "Vérifier la délibération du conseil municipal."
	if _, err := v.Record(ctx, r.ID, instruct.KindNote, note); instruct.ErrorCode(err) != instruct.CodeUnavailable {
		t.Fatalf("Record(note) with its answer lost = %v, want unavailable", err)
	}
	if ops, _ := v.Operations(ctx, r.ID); len(ops) != 0 {
		t.Errorf("a note whose answer was lost is kept as %+v, want nothing (the screen keeps the form)", ops)
	}
	op, err := v.Record(ctx, r.ID, instruct.KindNote, note)
	if err != nil || op.State != instruct.OpAccepted {
		t.Fatalf("Record(note) again = %+v, %v; want accepted", op, err)
	}
	if events := w.decisions(r.ID); len(events) != 1 {
		t.Errorf("ledger holds %d notes, want 1: %+v", len(events), events)
	}
	if _, err := v.Record(ctx, r.ID, instruct.KindNote, note); err != nil {
		t.Fatal(err)
	}
	if events := w.decisions(r.ID); len(events) != 2 {
		t.Errorf("after a third, new note, the ledger holds %d notes, want 2", len(events))
	}
}

// TestRejectionShowsAsInTheTUI: a decision the service's rules refuse
// (here, deciding a request one filed oneself) is kept as rejected with
// the service's reason, and deciding again replaces it.
func TestRejectionShowsAsInTheTUI(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	marie := w.addUser("marie-dupont", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor})
	r := w.submitted(marie, "api_particulier", "Tarification de la cantine scolaire")
	w.caughtUp()
	v := w.view(marie)
	op, err := v.Record(ctx, r.ID, instruct.KindApprove, "")
	if err != nil || op.State != instruct.OpRejected || op.Reason == "" {
		t.Fatalf("Record(approve) of one's own request = %+v, %v; want rejected with the reason", op, err)
	}
	items, _ := v.Queue(ctx, instruct.QueueQuery{Text: r.ID.String()})
	if len(items) != 1 || items[0].Op != instruct.OpRejected || items[0].Status != instruct.StatusSubmitted {
		t.Errorf("queue row = %+v, want submitted, marked rejected", items)
	}
	again, err := v.Record(ctx, r.ID, instruct.KindRefuse, "Je ne peux pas instruire ma propre demande.")
	if err != nil || again.State != instruct.OpRejected {
		t.Fatalf("Record(refuse) = %+v, %v; want rejected again", again, err)
	}
	if ops, _ := v.Operations(ctx, r.ID); len(ops) != 1 || ops[0].ID != again.ID {
		t.Errorf("Operations = %+v, want the second decision alone: it replaces the first", ops)
	}
	if events := w.decisions(r.ID); len(events) != 0 {
		t.Errorf("ledger events = %+v, want none", events)
	}
}

// TestRoleChangeChangesTheView: once an access check finds the user's
// roles changed, the view shows what the new roles see, and the screen's
// status says it changed, so that it reloads.
func TestRoleChangeChangesTheView(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	applicant := w.addUser("camille-martin")
	lea := w.addUser("lea-fontaine", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleReporter})
	particulier := w.submitted(applicant, "api_particulier", "Tarification de la cantine scolaire")
	entreprise := w.submitted(applicant, "api_entreprise", "Marchés publics de la métropole")
	w.caughtUp()
	v := w.view(lea)
	st := &session{desk: v.desk, view: v}
	synced := w.model.engine.Status()
	before := st.shapeStatus(synced)

	moved := lea
	moved.Roles = []instruct.Grant{{Definition: "api_entreprise", Role: instruct.RoleInstructor}}
	if !v.setUser(moved) {
		t.Fatal("setUser with other roles reports no change")
	}
	items, _ := v.Queue(ctx, instruct.QueueQuery{})
	if len(items) != 1 || items[0].ID != entreprise.ID {
		t.Errorf("queue after the change = %+v, want %s alone", items, entreprise.ID)
	}
	if _, err := v.Request(ctx, particulier.ID); instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("Request(%s) after the change = %v, want not_found", particulier.ID, err)
	}
	if me, _ := v.Me(ctx); !me.CanDecide("api_entreprise") {
		t.Errorf("Me() after the change = %+v, want the new roles", me)
	}
	if after := st.shapeStatus(synced); !after.LastSync.After(before.LastSync) {
		t.Errorf("status LastSync %v after the change, %v before: the screen would not reload", after.LastSync, before.LastSync)
	}
	if v.setUser(moved) {
		t.Error("setUser with the same roles reports a change")
	}
}

// TestDraftsFollowTheUserNotTheSession: the comment a user was writing is
// kept on their desk: another session of theirs finds it (after a cut
// connection, say), another user doesn't; a blank one deletes it, and one
// past the comment limit is refused.
func TestDraftsFollowTheUserNotTheSession(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	marie := w.addUser("marie-dupont", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor})
	paul := w.addUser("paul-leroy", instruct.Grant{Definition: "*", Role: instruct.RoleManager})
	first, again, other := w.view(marie), w.view(marie), w.view(paul)
	const comment = "La base légale citée ne couvre pas"
	if err := first.SaveDraft(ctx, 1042, instruct.KindRefuse, comment); err != nil {
		t.Fatal(err)
	}
	if d, ok, err := again.Draft(ctx, 1042); err != nil || !ok || d.Comment != comment || d.Kind != instruct.KindRefuse {
		t.Errorf("Draft(D1042) in another session of the user = %+v, %v, %v; want the refusal's comment", d, ok, err)
	}
	if d, ok, _ := other.Draft(ctx, 1042); ok {
		t.Errorf("another user's Draft(D1042) = %+v, want none", d)
	}
	if err := again.SaveDraft(ctx, 1042, instruct.KindRefuse, " \u200b"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := first.Draft(ctx, 1042); ok {
		t.Error("a blank draft kept the draft, want it deleted")
	}
	long := strings.Repeat("é", instruct.MaxCommentLength+1)
	if err := first.SaveDraft(ctx, 1042, instruct.KindNote, long); instruct.ErrorCode(err) != instruct.CodeTooLarge {
		t.Errorf("SaveDraft of %d characters = %v, want too_large", instruct.MaxCommentLength+1, err)
	}
	if err := first.SaveDraft(ctx, 1042, instruct.KindNote, "À revoir"); err != nil {
		t.Fatal(err)
	}
	if err := again.DeleteDraft(ctx, 1042); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := first.Draft(ctx, 1042); ok {
		t.Error("DeleteDraft left the draft")
	}
}
