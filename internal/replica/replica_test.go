package replica

import (
	"context"
	"testing"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

func TestFirstSyncPullsWhatTheUserMaySee(t *testing.T) {
	w := newWorld(t)
	ids := w.seed(6)
	_, token := w.user("agent@dgfip.gouv.fr", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleReporter})
	r := newReplica(t, w.URL(), token, fastClient(), Options{PageLimit: 2})

	r.sync(t)

	got := r.cachedIDs(t)
	for i, id := range ids {
		if want := i%2 == 0; got[id] != want {
			t.Errorf("after Sync, cached(%s) = %v, want %v (API %s)", id, got[id], want, testCatalogue()[i%2].ID)
		}
	}
	defs, err := r.cache.Definitions(context.Background())
	if err != nil || len(defs) != 2 {
		t.Errorf("cached Definitions() = %d definitions, %v; want the catalogue of 2", len(defs), err)
	}
	if me, err := r.cache.Me(context.Background()); err != nil || me.Email != "agent@dgfip.gouv.fr" {
		t.Errorf("cached Me() = %+v, %v; want the signed-in user", me, err)
	}
	st := r.engine.Status()
	if !st.Online || st.Syncing || st.LastSync.IsZero() || st.LastError != "" || st.LastErrorCode != "" {
		t.Errorf("Status() = %+v, want online, idle, synced, without error", st)
	}
}

func TestDecisionsPushedAndAccepted(t *testing.T) {
	w := newWorld(t)
	ids := w.seed(4)
	_, token := w.reviewer("camille.martin@interieur.gouv.fr")
	r := newReplica(t, w.URL(), token, fastClient(), Options{})
	r.sync(t)

	approve := r.record(t, ids[0], instruct.KindApprove, "Cadre juridique conforme.")
	refuse := r.record(t, ids[1], instruct.KindRefuse, "Le quotient familial n'est pas nécessaire à ce service.")
	note := r.record(t, ids[2], instruct.KindNote, "Vérifier la délibération du conseil municipal.")
	r.sync(t)

	for _, tt := range []struct {
		op     instruct.Operation
		status instruct.Status
	}{{approve, instruct.StatusValidated}, {refuse, instruct.StatusRefused}, {note, instruct.StatusSubmitted}} {
		if got := r.op(t, tt.op.RequestID, tt.op.ID); got.State != instruct.OpAccepted {
			t.Errorf("after Sync, op %s on %s is %s, want accepted", tt.op.Kind, tt.op.RequestID, got.State)
		}
		events := w.decisionEvents(tt.op.RequestID)
		if len(events) != 1 || events[0].Kind != tt.op.Kind || events[0].Comment != tt.op.Comment {
			t.Errorf("server events of %s = %+v, want one %s with the comment", tt.op.RequestID, events, tt.op.Kind)
		}
		cached, err := r.cache.Request(context.Background(), tt.op.RequestID)
		if err != nil || cached.Status != tt.status {
			t.Errorf("cached Request(%s) = %s, %v; want %s", tt.op.RequestID, cached.Status, err, tt.status)
		}
	}
	if st := r.engine.Status(); st.Pending != 0 || st.Conflicts != 0 || st.Rejected != 0 {
		t.Errorf("Status() = %+v, want an empty outbox", st)
	}
}

func TestConflictBetweenTwoCaches(t *testing.T) {
	w := newWorld(t)
	id := w.seed(1)[0]
	winner, aliceToken := w.reviewer("alice@dinum.gouv.fr")
	_, bobToken := w.reviewer("bob@dinum.gouv.fr")
	alice := newReplica(t, w.URL(), aliceToken, fastClient(), Options{})
	bob := newReplica(t, w.URL(), bobToken, fastClient(), Options{})
	alice.sync(t)
	bob.sync(t)

	won := alice.record(t, id, instruct.KindApprove, "Conforme à l'article L114-8 du CRPA.")
	lost := bob.record(t, id, instruct.KindRefuse, "Cadre juridique absent.")
	if won.BaseVersion != lost.BaseVersion {
		t.Fatalf("both decided at versions %d and %d, want the same", won.BaseVersion, lost.BaseVersion)
	}
	alice.sync(t)
	bob.sync(t)

	if got := alice.op(t, id, won.ID); got.State != instruct.OpAccepted {
		t.Errorf("alice's op is %s, want accepted", got.State)
	}
	got := bob.op(t, id, lost.ID)
	if got.State != instruct.OpConflict || got.Conflict == nil {
		t.Fatalf("bob's op is %s with conflict %v, want a conflict with the server's account", got.State, got.Conflict)
	}
	if got.Conflict.Current.Status != instruct.StatusValidated || got.Reason == "" {
		t.Errorf("bob's conflict shows %s with reason %q, want validated and a reason", got.Conflict.Current.Status, got.Reason)
	}
	if !hasEvent(got.Conflict.EventsSince, instruct.KindApprove, won.Comment, winner.Name) {
		t.Errorf("bob's conflict events %+v lack alice's approval and comment", got.Conflict.EventsSince)
	}
	if events := w.decisionEvents(id); len(events) != 1 || events[0].Kind != instruct.KindApprove {
		t.Errorf("server events of %s = %+v, want alice's approval alone", id, events)
	}
	if st := bob.engine.Status(); st.Conflicts != 1 || st.Pending != 0 {
		t.Errorf("bob's Status() = %+v, want 1 conflict and nothing pending", st)
	}
	cached, err := bob.cache.Request(context.Background(), id)
	if err != nil || cached.Status != instruct.StatusValidated {
		t.Errorf("bob's cached %s = %s, %v; want validated", id, cached.Status, err)
	}
}

func hasEvent(events []instruct.Event, kind instruct.Kind, comment, actor string) bool {
	for _, e := range events {
		if e.Kind == kind && e.Comment == comment && e.Actor.Name == actor {
			return true
		}
	}
	return false
}

func TestRejectedDecisionShowsTheReason(t *testing.T) {
	w := newWorld(t)
	ids := w.seed(2)
	_, token := w.reviewer("camille@dinum.gouv.fr")
	r := newReplica(t, w.URL(), token, fastClient(), Options{})
	r.sync(t)
	rejected := r.record(t, ids[0], instruct.KindNote, "Note interne.")
	accepted := r.record(t, ids[1], instruct.KindApprove, "")
	// The role on the first request's API is taken away between the
	// recording and the push: the server refuses the note.
	me, err := r.cache.Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Ledger().SetRoles(context.Background(), me.ID, []instruct.Grant{{Definition: testCatalogue()[1].ID, Role: instruct.RoleInstructor}}); err != nil {
		t.Fatal(err)
	}

	r.sync(t)

	got := r.op(t, rejected.RequestID, rejected.ID)
	if got.State != instruct.OpRejected || got.Reason == "" {
		t.Errorf("op on %s is %s with reason %q, want rejected with the server's reason", rejected.RequestID, got.State, got.Reason)
	}
	if got := r.op(t, accepted.RequestID, accepted.ID); got.State != instruct.OpAccepted {
		t.Errorf("op after the rejected one is %s, want accepted: a rejection must not stop the push", got.State)
	}
	if st := r.engine.Status(); st.Rejected != 1 {
		t.Errorf("Status() = %+v, want 1 rejected", st)
	}
}

func TestOfflineKeepsEverythingAndLandsOnce(t *testing.T) {
	w := newWorld(t)
	ids := w.seed(3)
	_, token := w.reviewer("camille@dinum.gouv.fr")
	r := newReplica(t, w.URL(), token, fastClient(), Options{})
	r.sync(t)
	var ops []instruct.Operation
	for _, id := range ids {
		ops = append(ops, r.record(t, id, instruct.KindRequestChanges, "Merci de joindre la délibération."))
	}

	w.stop()
	err := r.engine.Sync(context.Background())
	if !isCode(err, instruct.CodeUnavailable) {
		t.Fatalf("Sync() with the server down = %v, want code unavailable", err)
	}
	st := r.engine.Status()
	if st.Online || st.Pending != 3 || st.LastError == "" || st.LastErrorCode != instruct.CodeUnavailable {
		t.Errorf("Status() offline = %+v, want offline, 3 pending, an error in words and its code", st)
	}
	for _, op := range ops {
		if got := r.op(t, op.RequestID, op.ID); !got.Open() {
			t.Errorf("op on %s is %s while offline, want still open", op.RequestID, got.State)
		}
	}

	w.start()
	r.sync(t)
	r.sync(t)
	for _, op := range ops {
		if events := w.decisionEvents(op.RequestID); len(events) != 1 {
			t.Errorf("server events of %s = %d, want exactly 1", op.RequestID, len(events))
		}
		if got := r.op(t, op.RequestID, op.ID); got.State != instruct.OpAccepted {
			t.Errorf("op on %s is %s, want accepted", op.RequestID, got.State)
		}
	}
	if st := r.engine.Status(); !st.Online || st.Pending != 0 || st.LastError != "" {
		t.Errorf("Status() back online = %+v, want online, nothing pending, no error", st)
	}
}

func TestLostAnswerIsReplayedNotReapplied(t *testing.T) {
	w := newWorld(t)
	id := w.seed(1)[0]
	_, token := w.reviewer("camille@dinum.gouv.fr")
	r := newReplica(t, w.URL(), token, fastClient(), Options{})
	r.sync(t)
	op := r.record(t, id, instruct.KindApprove, "Conforme.")
	// A previous run marked it sending and its decision reached the
	// server, but the process died before it read the answer.
	ctx := context.Background()
	if err := r.cache.SetOpState(ctx, op.ID, instruct.OpSending, "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := r.client.Decide(ctx, op.ID, id, op.BaseVersion, api.DecisionInput{Kind: op.Kind, Comment: op.Comment}); err != nil {
		t.Fatalf("Decide() = %v", err)
	}

	r.sync(t)

	if got := r.op(t, id, op.ID); got.State != instruct.OpAccepted {
		t.Errorf("re-sent op is %s, want accepted (the server's replay)", got.State)
	}
	if events := w.decisionEvents(id); len(events) != 1 {
		t.Errorf("server events of %s = %d, want exactly 1", id, len(events))
	}
}

func TestRoleChangeResyncsWithoutLeaks(t *testing.T) {
	w := newWorld(t)
	ids := w.seed(6)
	me, token := w.reviewer("camille@dinum.gouv.fr")
	r := newReplica(t, w.URL(), token, fastClient(), Options{PageLimit: 4})
	r.sync(t)
	if got := r.cachedIDs(t); len(got) != 6 {
		t.Fatalf("cached %d requests, want 6", len(got))
	}
	kept := r.record(t, ids[0], instruct.KindApprove, "")
	r.sync(t)
	pending := r.record(t, ids[2], instruct.KindNote, "À revoir avec le DPD.")
	particulier := []instruct.Grant{{Definition: "api_particulier", Role: instruct.RoleInstructor}}
	if err := w.Ledger().SetRoles(context.Background(), me.ID, particulier); err != nil {
		t.Fatal(err)
	}

	r.sync(t)

	got := r.cachedIDs(t)
	for i, id := range ids {
		if want := i%2 == 0; got[id] != want {
			t.Errorf("after the role change, cached(%s) = %v, want %v", id, got[id], want)
		}
	}
	if _, err := r.cache.Request(context.Background(), ids[1]); instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("cached Request(%s) = %v, want not_found: the user may no longer see it", ids[1], err)
	}
	cachedMe, err := r.cache.Me(context.Background())
	if err != nil || len(cachedMe.Roles) != 1 || cachedMe.Roles[0] != particulier[0] {
		t.Errorf("cached Me() roles = %+v, %v; want %+v", cachedMe.Roles, err, particulier)
	}
	for _, op := range []instruct.Operation{kept, pending} {
		if got := r.op(t, op.RequestID, op.ID); got.State != instruct.OpAccepted {
			t.Errorf("op on %s is %s after the resync, want accepted and kept", op.RequestID, got.State)
		}
	}
}

// TestFollowPullsAndPushesNothing: an engine made by Follow brings the
// feed into its cache like any other, but leaves an operation recorded
// in that cache's outbox unsent: a read model's decisions go elsewhere.
func TestFollowPullsAndPushesNothing(t *testing.T) {
	w := newWorld(t)
	ids := w.seed(2)
	_, token := w.reviewer("lecture@dinum.gouv.fr")
	r := newReplica(t, w.URL(), token, fastClient(), Options{})
	r.sync(t)
	op := r.record(t, ids[0], instruct.KindApprove, "Cadre juridique conforme.")
	more := w.seed(1)

	follower := Follow(r.cache, r.client, Options{})
	if err := follower.Sync(context.Background()); err != nil {
		t.Fatalf("Sync() of a follower = %v", err)
	}
	if !r.cachedIDs(t)[more[0]] {
		t.Errorf("after a follower's Sync, %s (created since the last pull) is not cached", more[0])
	}
	if got := r.op(t, ids[0], op.ID); got.State != instruct.OpPending {
		t.Errorf("after a follower's Sync, the outbox's operation is %s, want still pending", got.State)
	}
	if events := w.decisionEvents(ids[0]); len(events) != 0 {
		t.Errorf("a follower pushed %+v to the server, want nothing", events)
	}
}
