package instruct

import (
	"errors"
	"testing"
	"time"
)

// TestTakeAndRelease walks the rules of a claim: taking a free request,
// taking it again, taking it from another with and without force,
// releasing, and a decision that releases it; the version never moves.
func TestTakeAndRelease(t *testing.T) {
	at := time.Date(2026, 10, 5, 10, 5, 0, 0, time.UTC)
	marie, jean := Actor{ID: "u-marie", Name: "Marie Dupont"}, Actor{ID: "u-jean", Name: "Jean Martin"}
	r := Request{ID: 1042, Status: StatusSubmitted, Version: 3}
	steps := []struct {
		name   string
		change Change
		holder string // the claim's holder after the step, "" for none
		kind   Kind   // the event recorded, "" when none
		err    error
		code   Code
	}{
		{"Marie takes a free request", Take{Actor: marie, At: at}, "u-marie", KindClaim, nil, ""},
		{"Marie takes it again", Take{Actor: marie, At: at.Add(time.Hour)}, "u-marie", "", ErrNoChange, ""},
		{"Jean takes it without force", Take{Actor: jean, At: at}, "u-marie", "", nil, CodeClaimed},
		{"Jean releases Marie's claim", Release{Actor: jean, At: at}, "u-marie", "", nil, CodeClaimed},
		{"Jean takes it by force", Take{Actor: jean, Force: true, At: at}, "u-jean", KindClaim, nil, ""},
		{"Jean releases it", Release{Actor: jean, At: at}, "", KindRelease, nil, ""},
		{"Jean releases it again", Release{Actor: jean, At: at}, "", "", ErrNoChange, ""},
		{"Marie takes it back", Take{Actor: marie, At: at}, "u-marie", KindClaim, nil, ""},
		{"Jean approves", Decide(jean, KindApprove, "", at), "", KindApprove, nil, ""},
	}
	for _, s := range steps {
		before := r
		e, _, err := s.change.Apply(&r)
		switch {
		case s.err != nil && !errors.Is(err, s.err), s.code != "" && ErrorCode(err) != s.code:
			t.Fatalf("%s: Apply = %v, want %v %s", s.name, err, s.err, s.code)
		case s.err == nil && s.code == "" && err != nil:
			t.Fatalf("%s: Apply = %v", s.name, err)
		case err != nil:
			r = before
		}
		if got := r.Claim; (s.holder == "" && got != nil) || (s.holder != "" && !got.HeldBy(s.holder)) {
			t.Errorf("%s: claim = %+v, want held by %q", s.name, got, s.holder)
		}
		if err == nil && e.Kind != s.kind {
			t.Errorf("%s: event %q, want %q", s.name, e.Kind, s.kind)
		}
		if r.Version != 3 {
			t.Errorf("%s: version %d, want 3 (a claim does not move it)", s.name, r.Version)
		}
	}
	var claimed *ClaimedError
	_, _, err := Take{Actor: jean, At: at}.Apply(&Request{ID: 7, Status: StatusSubmitted, Claim: &Claim{User: marie, At: at}})
	if !errors.As(err, &claimed) || claimed.Claim.User != marie || !claimed.Claim.At.Equal(at) {
		t.Errorf("Take(held by Marie) = %v, want a ClaimedError naming Marie's claim", err)
	}
	if _, _, err := (Take{Actor: marie, At: at}).Apply(&Request{Status: StatusArchived}); ErrorCode(err) != CodeInvalidTransition {
		t.Errorf("Take(archived) = %v, want invalid_transition", err)
	}
}
