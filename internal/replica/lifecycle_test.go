package replica

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestPushRevocationsAndTransfers: the revocation of one habilitation goes
// to its own endpoint with the habilitation's version, a transfer with
// its e-mail; a stale habilitation is a conflict, an unknown e-mail a
// rejection, and neither stops the push.
func TestPushRevocationsAndTransfers(t *testing.T) {
	ops := []instruct.Operation{
		{ID: "op1", RequestID: 1, Kind: instruct.KindRevoke, HabilitationID: 2041, BaseVersion: 3, Comment: "fin", State: instruct.OpPending},
		{ID: "op2", RequestID: 2, Kind: instruct.KindTransfer, To: "jean@lyon.fr", BaseVersion: 5, Comment: "départ", State: instruct.OpPending},
		{ID: "op3", RequestID: 3, Kind: instruct.KindRevoke, HabilitationID: 2050, BaseVersion: 1, Comment: "fin", State: instruct.OpPending},
		{ID: "op4", RequestID: 4, Kind: instruct.KindTransfer, To: "nobody@lyon.fr", BaseVersion: 1, Comment: "départ", State: instruct.OpPending},
		{ID: "op5", RequestID: 5, Kind: instruct.KindRevoke, BaseVersion: 7, Comment: "fin", State: instruct.OpPending},
	}
	cache := &memCache{ops: ops}
	a := &scriptedAPI{decisions: map[string]error{
		"H2050": instruct.Errorf(instruct.CodeStaleVersion, "H2050 is at version 2"),
		"D4":    instruct.Errorf(instruct.CodeInvalid, "no user has the e-mail nobody@lyon.fr"),
	}}
	if err := New(cache, a, Options{PushConcurrency: 1}).Sync(context.Background()); err != nil {
		t.Fatalf("Sync() = %v", err)
	}
	wantSent := []string{"H2041@3 fin", "D2@5 → jean@lyon.fr", "H2050@1 fin", "D4@1 → nobody@lyon.fr", "D5"}
	if diff := cmp.Diff(wantSent, a.sent); diff != "" {
		t.Errorf("pushed (-want +got):\n%s", diff)
	}
	wantStates := []instruct.OpState{instruct.OpAccepted, instruct.OpAccepted, instruct.OpConflict, instruct.OpRejected, instruct.OpAccepted}
	if diff := cmp.Diff(wantStates, cache.states()); diff != "" {
		t.Errorf("op states (-want +got):\n%s", diff)
	}
	if cache.ops[2].Reason == "" || cache.ops[3].ReasonCode != instruct.CodeInvalid {
		t.Errorf("conflict reason %q, rejection code %q; want the conflict in words and code invalid", cache.ops[2].Reason, cache.ops[3].ReasonCode)
	}
}
