package sshd

import (
	"context"
	"errors"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestClaimThroughTheView: over SSH, C takes a request through the review
// service at once and the read model shows who holds it when Claim
// returns; a colleague taking it gets the holder's claim, as the TUI's
// question needs it; a release clears it.
func TestClaimThroughTheView(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	applicant := w.addUser("camille-martin")
	marie := w.addUser("marie-dupont", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor})
	karim := w.addUser("karim-benali", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor})
	r := w.submitted(applicant, "api_particulier", "Tarification de la cantine scolaire")
	w.caughtUp()
	v := w.view(marie)
	op, err := v.Claim(ctx, r.ID, instruct.KindClaim, false)
	if err != nil || op.State != instruct.OpAccepted {
		t.Fatalf("Claim(%s) = %+v, %v; want accepted", r.ID, op, err)
	}
	items, err := v.Queue(ctx, instruct.QueueQuery{})
	if err != nil || len(items) != 1 || !items[0].Claim.HeldBy(marie.ID) {
		t.Errorf("queue right after Claim = %+v, %v; want %s held by Marie", items, err, r.ID)
	}
	_, err = w.view(karim).Claim(ctx, r.ID, instruct.KindClaim, false)
	var claimed *instruct.ClaimedError
	if !errors.As(err, &claimed) || claimed.Claim.User.ID != marie.ID {
		t.Errorf("Karim's Claim(%s) = %v, want a ClaimedError naming Marie", r.ID, err)
	}
	if _, err := v.Claim(ctx, r.ID, instruct.KindRelease, false); err != nil {
		t.Fatalf("Claim(release) = %v", err)
	}
	if items, _ := v.Queue(ctx, instruct.QueueQuery{}); len(items) != 1 || items[0].Claim != nil {
		t.Errorf("queue after the release = %+v, want nobody holding it", items)
	}
}
