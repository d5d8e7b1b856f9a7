package instruct

import (
	"testing"
	"time"
)

// TestDecisionsOnAReopening: a reopening draft keeps its habilitation
// active, so it cannot be archived; its refusal returns it to validated.
func TestDecisionsOnAReopening(t *testing.T) {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	jeanne := Actor{ID: "u-1", Name: "Jeanne Durand"}
	approved := Request{ID: 1042, Status: StatusSubmitted, Scopes: []string{"a"}}
	h := Holding{Request: approved}
	if _, _, err := Decide(jeanne, KindApprove, "", at).ApplyHolding(&h); err != nil || len(h.Habilitations) != 1 {
		t.Fatalf("approve = %v, %d habilitations; want one issued", err, len(h.Habilitations))
	}
	h.Habilitations[0].ID = 2041
	if _, _, err := (Reopen{Actor: jeanne, At: at}).ApplyHolding(&h); err != nil {
		t.Fatal(err)
	}
	h.Request.Scopes = []string{"a", "b"}
	if _, _, err := Decide(jeanne, KindArchive, "", at).ApplyHolding(&h); ErrorCode(err) != CodeInvalidTransition {
		t.Errorf("archive of a reopening draft = %v, want invalid_transition", err)
	}
	h.Request.Status = StatusSubmitted
	e, _, err := Decide(jeanne, KindRefuse, "Non.", at).ApplyHolding(&h)
	if err != nil || !e.Reopening || h.Request.Status != StatusValidated || len(h.Request.Scopes) != 1 {
		t.Errorf("refuse of the reopening = %v, %+v, request %s %v; want validated with scope a", err, e, h.Request.Status, h.Request.Scopes)
	}
	if _, _, err := (Reopen{}).Apply(&h.Request); ErrorCode(err) != CodeInternal {
		t.Errorf("Reopen.Apply without the habilitations = %v, want internal", err)
	}
}
