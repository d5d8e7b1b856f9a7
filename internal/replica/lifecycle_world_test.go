package replica

import (
	"context"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestRevocationAndTransferLandOnceOnARealServer: two reviewers' caches
// against a real server. Alice's revocation of the habilitation an
// approval issued lands once even when its first answer was lost (sent
// again with the same Idempotency-Key); Bob's revocation of the same
// habilitation, on the version he had, comes back a conflict; a transfer
// to an e-mail nobody has comes back rejected (invalid) and one to a
// user's lands; the caches follow the server.
func TestRevocationAndTransferLandOnceOnARealServer(t *testing.T) {
	w := newWorld(t)
	id := w.seed(1)[0]
	_, aliceToken := w.reviewer("alice@dinum.gouv.fr")
	_, bobToken := w.reviewer("bob@dinum.gouv.fr")
	w.user("jean@lyon.fr")
	alice := newReplica(t, w.URL(), aliceToken, fastClient(), Options{})
	bob := newReplica(t, w.URL(), bobToken, fastClient(), Options{})
	ctx := context.Background()
	alice.sync(t)
	alice.record(t, id, instruct.KindApprove, "")
	alice.sync(t)
	bob.sync(t)
	hs, err := alice.cache.Habilitations(ctx, instruct.HabilitationSearch{RequestID: id})
	if err != nil || len(hs) != 1 || hs[0].Status != instruct.HabilitationActive {
		t.Fatalf("alice's cached habilitations of %s = %+v, %v; want the active one", id, hs, err)
	}
	h := hs[0]

	won, err := alice.cache.RecordRevokeHabilitation(ctx, h.ID, "Convention résiliée")
	if err != nil {
		t.Fatal(err)
	}
	lost, err := bob.cache.RecordRevokeHabilitation(ctx, h.ID, "Fin de contrat")
	if err != nil {
		t.Fatal(err)
	}
	// Alice's first push reached the server but its answer was lost.
	if err := alice.cache.SetOpState(ctx, won.ID, instruct.OpSending, "", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.client.RevokeHabilitation(ctx, won.ID, h.ID, won.BaseVersion, won.Comment); err != nil {
		t.Fatalf("RevokeHabilitation() = %v", err)
	}
	alice.sync(t)
	bob.sync(t)
	if got := alice.op(t, id, won.ID); got.State != instruct.OpAccepted {
		t.Errorf("alice's revocation is %s, want accepted (the server's replay)", got.State)
	}
	if got := bob.op(t, id, lost.ID); got.State != instruct.OpConflict || got.Reason == "" {
		t.Errorf("bob's revocation is %s (%q), want a conflict in words", got.State, got.Reason)
	}
	revokes := 0
	for _, e := range w.decisionEvents(id) {
		if e.Kind == instruct.KindRevoke {
			revokes++
		}
	}
	if revokes != 1 {
		t.Errorf("the server holds %d revocations of %s, want exactly 1", revokes, id)
	}
	for name, r := range map[string]*replica{"alice": alice, "bob": bob} {
		if got, err := r.cache.Habilitation(ctx, h.ID); err != nil || got.Status != instruct.HabilitationRevoked {
			t.Errorf("%s's cached %s = %s, %v; want revoked", name, h.ID, got.Status, err)
		}
	}

	// The request is revoked with its last habilitation; a transfer still
	// may be made.
	bad, err := alice.cache.RecordTransfer(ctx, id, "nobody@lyon.fr", "Départ de l'agent")
	if err != nil {
		t.Fatal(err)
	}
	alice.sync(t)
	if got := alice.op(t, id, bad.ID); got.State != instruct.OpRejected || got.ReasonCode != instruct.CodeInvalid {
		t.Errorf("the transfer to an unknown e-mail is %s (%s), want rejected (invalid)", got.State, got.ReasonCode)
	}
	good, err := alice.cache.RecordTransfer(ctx, id, "jean@lyon.fr", "Départ de l'agent")
	if err != nil {
		t.Fatal(err)
	}
	alice.sync(t)
	if got := alice.op(t, id, good.ID); got.State != instruct.OpAccepted {
		t.Errorf("the transfer is %s (%s), want accepted", got.State, got.Reason)
	}
	if r, err := alice.cache.Request(ctx, id); err != nil || r.Applicant.Email != "jean@lyon.fr" {
		t.Errorf("alice's cached %s has applicant %q, %v; want jean@lyon.fr", id, r.Applicant.Email, err)
	}
}
