package instruct

import (
	"errors"
	"time"
)

// Change is what a mutation does to one request, said by the domain: a
// decision, a note, an applicant's edit or submission. The storage runs
// it inside its write transaction, on the request's current state.
type Change interface {
	// Apply changes r in place and returns the event to record, and
	// whether the change moves the request's version. It returns a
	// domain error, and leaves r as it was, to refuse the change.
	Apply(r *Request) (Event, bool, error)
}

// ErrNoChange is what an Edit that changes nothing returns from Apply, so
// that nothing is recorded.
var ErrNoChange = errors.New("the edit changes nothing")

// Decision is a reviewer's decision on a request: approve, refuse,
// request changes, revoke.
type Decision struct {
	Actor   Actor
	Kind    Kind
	Comment string
	At      time.Time
}

// Decide returns the decision of kind k by actor at t.
func Decide(actor Actor, k Kind, comment string, t time.Time) Decision {
	return Decision{Actor: actor, Kind: k, Comment: comment, At: t}
}

// Apply moves the request along the decision's transition; approvals,
// refusals and revocations date its decided_at. A decision releases the
// request's claim, whoever held it: the work it announced is done.
func (d Decision) Apply(r *Request) (Event, bool, error) {
	to, err := Transition(r.Status, d.Kind)
	if err != nil {
		return Event{}, false, err
	}
	r.Status, r.UpdatedAt, r.Claim = to, d.At, nil
	if closesReview(d.Kind) {
		r.DecidedAt = &d.At
	}
	return Event{RequestID: r.ID, Kind: d.Kind, Actor: d.Actor, Comment: d.Comment, At: d.At}, true, nil
}

// closesReview reports whether a decision of kind k dates the request's
// decided_at.
func closesReview(k Kind) bool {
	return k == KindApprove || k == KindRefuse || k == KindRevoke
}

// Note is an internal note or a message to the applicant: recorded in the
// history, leaving the request and its version as they are.
type Note struct {
	Actor   Actor
	Kind    Kind
	Comment string
	// FromApplicant marks a message the request's applicant writes to
	// the reviewers (the event's FromApplicant).
	FromApplicant bool
	At            time.Time
}

// Apply records the note.
func (n Note) Apply(r *Request) (Event, bool, error) {
	return Event{RequestID: r.ID, Kind: n.Kind, Actor: n.Actor, Comment: n.Comment,
		FromApplicant: n.FromApplicant && n.Kind == KindMessage, At: n.At}, false, nil
}

// Edit is an applicant's change to the fields of a request they may still
// edit; the event carries the diff.
type Edit struct {
	Actor Actor
	Patch RequestPatch
	At    time.Time
}

// Apply sets the patch's fields, or returns ErrNoChange when they are
// already so; a legal basis naming a document the request does not hold
// is invalid.
func (e Edit) Apply(r *Request) (Event, bool, error) {
	if _, err := Transition(r.Status, KindUpdate); err != nil {
		return Event{}, false, err
	}
	if err := e.Patch.CheckDocument(r.Documents); err != nil {
		return Event{}, false, err
	}
	before := *r
	diff := e.Patch.Apply(r)
	if len(diff) == 0 {
		*r = before
		return Event{}, false, ErrNoChange
	}
	r.UpdatedAt = e.At
	return Event{RequestID: r.ID, Kind: KindUpdate, Actor: e.Actor, Diff: diff, At: e.At}, true, nil
}

// Submission sends a draft, or the changes asked for, to the reviewers.
// Diff is what the applicant changed since the last request for changes
// (nil on a first submission).
type Submission struct {
	Actor Actor
	Diff  Diff
	At    time.Time
}

// Apply moves the request to submitted once it passes the submit checks.
func (s Submission) Apply(r *Request) (Event, bool, error) {
	to, err := Transition(r.Status, KindSubmit)
	if err != nil {
		return Event{}, false, err
	}
	if err := r.SubmitChecks(); err != nil {
		return Event{}, false, err
	}
	r.Status, r.SubmittedAt, r.UpdatedAt = to, &s.At, s.At
	return Event{RequestID: r.ID, Kind: KindSubmit, Actor: s.Actor, Diff: s.Diff, At: s.At}, true, nil
}

// ChangeFunc lets an ordinary function be a Change, as tests and tools
// need; the server's rules use the named changes above.
type ChangeFunc func(r *Request) (Event, bool, error)

// Apply calls f(r).
func (f ChangeFunc) Apply(r *Request) (Event, bool, error) { return f(r) }
