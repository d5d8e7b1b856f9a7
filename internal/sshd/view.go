package sshd

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/review"
	"github.com/instruct-dev/instruct/internal/stats"
	"github.com/instruct-dev/instruct/internal/ui"
)

// view is one session's window on the read model: the requests its user
// may see, by the API's rules (instruct.Viewer, review.EventsFor), with
// the user's refused operations laid over; decisions and notes go to the
// review service in the user's name. It satisfies ui.Cache. The user is
// read afresh at each call, so that a change of roles changes the view.
type view struct {
	model   *model
	reviews Reviews
	desk    *desk
	now     func() time.Time
	user    atomic.Pointer[instruct.User]
	// changedAt is when the user's roles last changed during the session
	// (Unix nanoseconds), 0 if they did not.
	changedAt atomic.Int64

	mu sync.Mutex
	// retries holds the Idempotency-Key of each attempt that failed in a
	// way that may pass, so that trying it again can't apply it twice.
	retries map[attempt]string
	// seen holds the requests the session opened: their applicant's
	// messages are read (the read model's own marks are everyone's).
	seen map[instruct.RequestID]bool
}

var _ ui.Cache = (*view)(nil)

// attempt is what a decision or note asked, on which version.
type attempt struct {
	requestID instruct.RequestID
	kind      instruct.Kind
	comment   string
	version   int64
}

func newView(m *model, reviews Reviews, d *desk, u instruct.User, now func() time.Time) *view {
	v := &view{model: m, reviews: reviews, desk: d, now: now, retries: map[attempt]string{}, seen: map[instruct.RequestID]bool{}}
	v.user.Store(&u)
	return v
}

// me returns the session's user as last looked up.
func (v *view) me() instruct.User { return *v.user.Load() }

// setUser replaces the session's user, as an access check found it, and
// reports whether what the user may see or do changed.
func (v *view) setUser(u instruct.User) bool {
	old := v.user.Swap(&u)
	if sameGrants(old.Roles, u.Roles) {
		return false
	}
	v.changedAt.Store(v.now().UnixNano())
	return true
}

// sameGrants reports whether two lists hold the same grants, in any order.
func sameGrants(a, b []instruct.Grant) bool {
	key := func(g instruct.Grant) string { return g.Definition + "\x00" + string(g.Role) }
	ka, kb := make([]string, len(a)), make([]string, len(b))
	for i, g := range a {
		ka[i] = key(g)
	}
	for i, g := range b {
		kb[i] = key(g)
	}
	slices.Sort(ka)
	slices.Sort(kb)
	return slices.Equal(ka, kb)
}

// Queue returns the rows of the queue among the requests the user may
// see, each marked with the state of the user's latest refused operation
// on it.
func (v *view) Queue(ctx context.Context, q instruct.QueueQuery) ([]instruct.QueueItem, error) {
	items, err := v.model.cache.QueueFor(ctx, v.me().Viewer(), q)
	if err != nil {
		return nil, err
	}
	v.markRead(items)
	states := v.desk.states()
	if len(states) == 0 {
		return items, nil
	}
	for i := range items {
		items[i].Op = states[items[i].ID]
	}
	return items, nil
}

// markRead clears the unread mark of the requests the session opened.
func (v *view) markRead(items []instruct.QueueItem) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if len(v.seen) == 0 {
		return
	}
	for i := range items {
		if v.seen[items[i].ID] {
			items[i].Unread = false
		}
	}
}

// MarkSeen records that the session opened request id.
func (v *view) MarkSeen(_ context.Context, id instruct.RequestID) error {
	v.mu.Lock()
	v.seen[id] = true
	v.mu.Unlock()
	return nil
}

// Claim takes (kind claim) or leaves (kind release) request id through
// the review service in the user's name, at once; force takes it from
// another reviewer, as a manager. Another's claim fails with the
// service's *instruct.ClaimedError, which the screen turns into its
// question; any other refusal is returned as it is. Once done, it waits
// (briefly) for the read model to show it.
func (v *view) Claim(ctx context.Context, id instruct.RequestID, kind instruct.Kind, force bool) (instruct.Operation, error) {
	if !kind.IsClaim() {
		return instruct.Operation{}, instruct.Errorf(instruct.CodeInvalid, "%q is not a claim or a release", kind)
	}
	u := v.me()
	r, err := v.Request(ctx, id)
	if err != nil {
		return instruct.Operation{}, err
	}
	op := instruct.Operation{RequestID: r.ID, Kind: kind, Force: force, State: instruct.OpAccepted, CreatedAt: v.now().UTC()}
	a := attempt{requestID: r.ID, kind: kind, comment: fmt.Sprint(force)}
	if op.ID, err = v.key(a); err != nil {
		return instruct.Operation{}, err
	}
	call := v.reviews.Claim
	if kind == instruct.KindRelease {
		call = v.reviews.Release
	}
	out, err := call(ctx, u, r.ID, force, op.ID)
	if err != nil && mayPass(ctx, err) {
		return instruct.Operation{}, fmt.Errorf("%s %s: %w", kind, r.ID, err)
	}
	v.forget(a)
	if err != nil {
		return instruct.Operation{}, err
	}
	op.UpdatedAt = v.now().UTC()
	v.model.caughtUp(ctx, out.Event.Seq)
	return op, nil
}

// Counts returns the number of requests the user may see per status.
func (v *view) Counts(ctx context.Context, q instruct.QueueQuery) (map[instruct.Status]int, error) {
	return v.model.cache.CountsFor(ctx, v.me().Viewer(), q)
}

// Position returns the index of request id in the user's queue q, or -1
// when the user may not see it or q does not select it.
func (v *view) Position(ctx context.Context, q instruct.QueueQuery, id instruct.RequestID) (int, error) {
	return v.model.cache.PositionFor(ctx, v.me().Viewer(), q, id)
}

// Request returns request id if the user may see it; not_found
// otherwise, as when it doesn't exist.
func (v *view) Request(ctx context.Context, id instruct.RequestID) (instruct.Request, error) {
	r, err := v.model.cache.Request(ctx, id)
	if err == nil && !v.me().Viewer().Sees(r, "") {
		err = instruct.Errorf(instruct.CodeNotFound, "no request %s", id)
	}
	return r, err
}

// Events returns the history of request id as the user may read it:
// not_found when they may not see the request, internal notes for
// reviewers only.
func (v *view) Events(ctx context.Context, id instruct.RequestID) ([]instruct.Event, error) {
	if _, err := v.Request(ctx, id); err != nil {
		return nil, err
	}
	events, err := v.model.cache.Events(ctx, id)
	if err != nil {
		return nil, err
	}
	return review.EventsFor(v.me(), events), nil
}

// Operations returns the user's refused operations on request id,
// newest first.
func (v *view) Operations(_ context.Context, id instruct.RequestID) ([]instruct.Operation, error) {
	return v.desk.operations(id), nil
}

// Definitions returns the API catalogue.
func (v *view) Definitions(ctx context.Context) ([]instruct.Definition, error) {
	return v.model.cache.Definitions(ctx)
}

// StatHistories returns the statistics' histories of every request of
// the read model: the statistics (stats.Load) keep to the definitions
// the session's user sees, as Me names them.
func (v *view) StatHistories(ctx context.Context) ([]stats.History, error) {
	return v.model.cache.StatHistories(ctx)
}

// Me returns the session's user.
func (v *view) Me(context.Context) (instruct.User, error) { return v.me(), nil }

// Discard drops a refused operation of the user's.
func (v *view) Discard(_ context.Context, id string) error { return v.desk.discard(id) }

// SaveDraft keeps the comment the user is writing on request id on their
// desk, in place of any earlier one; a blank comment deletes it.
func (v *view) SaveDraft(_ context.Context, id instruct.RequestID, kind instruct.Kind, comment string) error {
	if size := len([]rune(comment)); size > instruct.MaxCommentLength {
		return instruct.Errorf(instruct.CodeTooLarge, "the draft is %d characters long, the limit is %d", size, instruct.MaxCommentLength)
	}
	if instruct.IsBlank(comment) {
		v.desk.deleteDraft(id)
		return nil
	}
	v.desk.saveDraft(instruct.Draft{RequestID: id, Kind: kind, Comment: comment, SavedAt: v.now().UTC()})
	return nil
}

// Draft returns the user's unsent comment on request id, and whether
// there is one.
func (v *view) Draft(_ context.Context, id instruct.RequestID) (instruct.Draft, bool, error) {
	d, ok := v.desk.draft(id)
	return d, ok, nil
}

// DeleteDraft forgets the user's draft on request id.
func (v *view) DeleteDraft(_ context.Context, id instruct.RequestID) error {
	v.desk.deleteDraft(id)
	return nil
}

// Record sends a decision, note or message to the review service in the
// user's name, on the version of the request the user sees (If-Match) and
// with a fresh Idempotency-Key, after the checks the TUI's cache makes
// (comment, role, transition). Once the service accepted it, Record waits
// (briefly) for the read model to show it. A version conflict or a
// refusal by the service's rules is kept as a conflicted or rejected
// operation, shown as the TUI shows them; a failure that may pass (the
// database out of reach) is returned, and trying the same again reuses
// the key.
func (v *view) Record(ctx context.Context, id instruct.RequestID, kind instruct.Kind, comment string) (instruct.Operation, error) {
	u := v.me()
	r, err := v.check(ctx, u, id, kind, comment)
	if err != nil {
		return instruct.Operation{}, err
	}
	op := instruct.Operation{RequestID: r.ID, Kind: kind, Comment: comment,
		State: instruct.OpAccepted, CreatedAt: v.now().UTC()}
	if kind.IsDecision() {
		op.BaseVersion = r.Version
	}
	a := attempt{requestID: r.ID, kind: kind, comment: comment, version: op.BaseVersion}
	if op.ID, err = v.key(a); err != nil {
		return instruct.Operation{}, err
	}
	out, err := v.send(ctx, u, op)
	if err != nil && mayPass(ctx, err) {
		return instruct.Operation{}, fmt.Errorf("record %s on %s: %w", kind, r.ID, err)
	}
	v.forget(a)
	op.UpdatedAt = v.now().UTC()
	if err != nil {
		return v.refused(op, err), nil
	}
	if kind.IsDecision() {
		v.desk.answered(r.ID)
	}
	v.model.caughtUp(ctx, out.Event.Seq)
	return op, nil
}

// check refuses early what the service would, in the service's order: a
// request the user may not see (not_found, as if it did not exist), a
// role that doesn't allow deciding, a blank comment where one is needed,
// a decision the status doesn't allow.
func (v *view) check(ctx context.Context, u instruct.User, id instruct.RequestID, kind instruct.Kind, comment string) (instruct.Request, error) {
	if !kind.IsDecision() && !kind.IsNote() {
		return instruct.Request{}, instruct.Errorf(instruct.CodeInvalid, "%q is not a decision, a note or a message", kind)
	}
	r, err := v.Request(ctx, id)
	if err != nil {
		return r, err
	}
	if !u.CanDecide(r.Definition) {
		return r, instruct.Errorf(instruct.CodeForbidden, "your role on %s does not allow decisions, notes or messages", r.Definition)
	}
	if err := instruct.CheckComment(kind, comment); err != nil {
		return r, err
	}
	if kind.IsDecision() {
		_, err = instruct.Transition(r.Status, kind)
	}
	return r, err
}

// send calls the service for op, with op.ID as its Idempotency-Key.
func (v *view) send(ctx context.Context, u instruct.User, op instruct.Operation) (instruct.Outcome, error) {
	if op.Kind.IsNote() {
		return v.reviews.Note(ctx, u, op.RequestID, op.Kind, op.Comment, op.ID)
	}
	pre := review.Precondition{IfMatch: op.BaseVersion, IdempotencyKey: op.ID}
	return v.reviews.Decide(ctx, u, op.RequestID, op.Kind, op.Comment, pre)
}

// refused keeps op, which the service refused with err, on the user's
// desk: a conflict with what happened first, or a rejection with the
// service's reason, in the words the sync engine uses for the TUI.
func (v *view) refused(op instruct.Operation, err error) instruct.Operation {
	var stale *instruct.StaleError
	if errors.As(err, &stale) {
		op.State, op.Conflict = instruct.OpConflict, stale
		op.Reason = fmt.Sprintf("the request changed on the server first: it is now %s (version %d)",
			stale.Current.Status, stale.Current.Version)
		v.model.engine.Trigger() // bring what happened first to the screen
	} else {
		op.State, op.Reason = instruct.OpRejected, instruct.ErrorMessage(err)
	}
	v.desk.refuse(op)
	return op
}

// key returns the Idempotency-Key of attempt a: the one of its last
// failed try, or a new UUIDv7.
func (v *view) key(a attempt) (string, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if k, ok := v.retries[a]; ok {
		return k, nil
	}
	id, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("new idempotency key: %w", err)
	}
	v.retries[a] = id.String()
	return id.String(), nil
}

// forget drops the key of attempt a, which got an answer.
func (v *view) forget(a attempt) {
	v.mu.Lock()
	delete(v.retries, a)
	v.mu.Unlock()
}

// mayPass reports whether a failure of the service may pass by itself,
// so that the attempt is to be tried again rather than refused: the
// database out of reach, busy or failing, the same key still in flight,
// the session ending, or any error that is not one of the service's
// answers (ErrorCode says internal).
func mayPass(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return true
	}
	switch instruct.ErrorCode(err) {
	case instruct.CodeUnavailable, instruct.CodeRateLimited, instruct.CodeInFlight, instruct.CodeInternal:
		return true
	}
	return false
}
