package instruct

import (
	"fmt"
	"time"
)

// Claim says who is on a request: the reviewer who took it, and since
// when. A claim changes nothing of the request's review; it tells the
// other reviewers to leave it to its holder.
type Claim struct {
	User Actor     `json:"user"`
	At   time.Time `json:"at"`
}

// HeldBy reports whether the claim is user id's.
func (c *Claim) HeldBy(id string) bool { return c != nil && c.User.ID == id }

// ClaimedError refuses to take, or to release, a request that another
// reviewer holds: Claim is theirs, as it stands now.
type ClaimedError struct {
	RequestID RequestID
	Claim     Claim
}

// Error names the holder and since when.
func (e *ClaimedError) Error() string {
	return fmt.Sprintf("claimed: %s holds %s since %s", e.Claim.User.Name, e.RequestID, e.Claim.At.UTC().Format(time.RFC3339))
}

// Take is a reviewer taking a request, so that the others see who is on
// it. Force takes it from another holder, which only a manager may ask
// (the review service checks who asks).
type Take struct {
	Actor Actor
	Force bool
	At    time.Time
}

// Apply makes the actor the request's holder. Taking what one already
// holds changes nothing (ErrNoChange); taking what another holds needs
// Force, else a *ClaimedError. An archived request, with nothing left to
// decide, cannot be taken. The event names, in its diff, the holder it
// was taken from. The version stays as it is.
func (t Take) Apply(r *Request) (Event, bool, error) {
	if r.Status == StatusArchived {
		return Event{}, false, Errorf(CodeInvalidTransition, "%s is archived: nothing is left to decide on it", r.ID)
	}
	if r.Claim.HeldBy(t.Actor.ID) {
		return Event{}, false, ErrNoChange
	}
	e := Event{RequestID: r.ID, Kind: KindClaim, Actor: t.Actor, At: t.At}
	if r.Claim != nil {
		if !t.Force {
			return Event{}, false, &ClaimedError{RequestID: r.ID, Claim: *r.Claim}
		}
		e.Diff = Diff{"claim": {r.Claim.User, t.Actor}}
	}
	r.Claim = &Claim{User: t.Actor, At: t.At}
	return e, false, nil
}

// Release is a reviewer leaving a request they hold; with Force, one
// another holds (a manager's call, as for Take).
type Release struct {
	Actor Actor
	Force bool
	At    time.Time
}

// Apply clears the claim. A request nobody holds stays so (ErrNoChange);
// one another holds needs Force, else a *ClaimedError. The event names, in
// its diff, the holder it was released from when that was not the actor.
// The version stays as it is.
func (rl Release) Apply(r *Request) (Event, bool, error) {
	if r.Claim == nil {
		return Event{}, false, ErrNoChange
	}
	e := Event{RequestID: r.ID, Kind: KindRelease, Actor: rl.Actor, At: rl.At}
	if !r.Claim.HeldBy(rl.Actor.ID) {
		if !rl.Force {
			return Event{}, false, &ClaimedError{RequestID: r.ID, Claim: *r.Claim}
		}
		e.Diff = Diff{"claim": {r.Claim.User, nil}}
	}
	r.Claim = nil
	return e, false, nil
}
