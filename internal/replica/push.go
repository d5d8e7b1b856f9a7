package replica

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// pushAhead is how many answers the push may have received but not yet
// recorded in the cache.
const pushAhead = 32

// answered is an operation sent and what the server said.
type answered struct {
	op  instruct.Operation
	res api.DecisionResult
	err error
}

// push sends the outbox, oldest first, Options.PushConcurrency requests at
// once; operations of one request are sent one after the other, in the
// order they were recorded. An operation the server refuses is
// recorded as a conflict or a rejection and the push goes on; a failure
// that may pass (network, rate limit, server error, token) stops it,
// leaving that operation and the rest to the next sync. Answers are
// recorded in the cache while the next operations are sent. An engine
// that only follows the feed pushes nothing.
func (e *Engine) push(ctx context.Context) error {
	if e.api == nil {
		return nil
	}
	ops, err := e.cache.Pending(ctx)
	if err != nil || len(ops) == 0 {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	answers := make(chan answered, pushAhead)
	recorded := make(chan error, 1)
	go func() { recorded <- e.recordAll(ctx, answers, cancel) }()
	sendErr := e.sendAll(ctx, ops, answers)
	recordErr := <-recorded
	if recordErr != nil {
		return recordErr
	}
	return sendErr
}

// sendAll sends ops over Options.PushConcurrency lanes, passing each answer on, until
// one fails in a way that may pass or ctx ends; the operations not sent
// yet then stay as they are. It closes answers.
func (e *Engine) sendAll(ctx context.Context, ops []instruct.Operation, answers chan<- answered) error {
	defer close(answers)
	var (
		wg      sync.WaitGroup
		stopped atomic.Bool
		mu      sync.Mutex
		first   error
	)
	for _, lane := range splitLanes(ops, e.opts.PushConcurrency) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, op := range lane {
				if stopped.Load() {
					return
				}
				if err := e.sendOne(ctx, op, answers); err != nil {
					mu.Lock()
					first = cmp.Or(first, err)
					mu.Unlock()
					stopped.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	return first
}

// splitLanes deals ops, in order, into n lanes by request.
func splitLanes(ops []instruct.Operation, n int) [][]instruct.Operation {
	lanes := make([][]instruct.Operation, n)
	for _, op := range ops {
		i := int(uint64(op.RequestID) % uint64(n))
		lanes[i] = append(lanes[i], op)
	}
	return lanes
}

// sendOne marks op sending, sends it and passes the answer on; it returns
// an error when the push must stop.
func (e *Engine) sendOne(ctx context.Context, op instruct.Operation, answers chan<- answered) error {
	if op.State != instruct.OpSending {
		if err := e.cache.SetOpState(ctx, op.ID, instruct.OpSending, "", nil); err != nil {
			return err
		}
	}
	res, err := e.send(ctx, op)
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("push %s: %w", op.RequestID, ctx.Err())
	case err != nil && mayPass(err):
		e.backToPending(ctx, op)
		return fmt.Errorf("push %s on %s: %w", op.Kind, op.RequestID, err)
	}
	select {
	case answers <- answered{op: op, res: res, err: err}:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("push %s: %w", op.RequestID, ctx.Err())
	}
}

// recordAll records each answer in the cache, in order. On a failure it
// stops the sending and returns the failure; operations sent but not
// recorded stay sending, and are sent again (and replayed) next time.
func (e *Engine) recordAll(ctx context.Context, answers <-chan answered, stop func()) error {
	var failure error
	for a := range answers {
		if failure != nil {
			continue
		}
		if failure = e.record(ctx, a); failure != nil {
			stop()
		}
	}
	return failure
}

// record stores what the server said of one operation.
func (e *Engine) record(ctx context.Context, a answered) error {
	if a.err == nil {
		return e.cache.Accept(ctx, a.op.ID, a.res.Request, a.res.Event)
	}
	return e.refused(ctx, a.op, a.err)
}

// send posts op as a decision, a note, a claim, a release, the
// revocation of one habilitation or a transfer, with op.ID
// as its Idempotency-Key, so that sending it again never applies it
// twice.
func (e *Engine) send(ctx context.Context, op instruct.Operation) (api.DecisionResult, error) {
	if op.Kind.IsClaim() {
		res, err := e.api.Claim(ctx, op.ID, op.RequestID, op.Kind == instruct.KindRelease, op.Force)
		out := api.DecisionResult{Request: res.Request}
		if res.Event != nil {
			out.Event = *res.Event
		}
		return out, err
	}
	if op.Kind.IsNote() {
		res, err := e.api.Note(ctx, op.ID, op.RequestID, api.NoteInput{Kind: op.Kind, Comment: op.Comment})
		return api.DecisionResult{Event: res.Event}, err
	}
	if op.Kind == instruct.KindRevoke && op.HabilitationID != 0 {
		return e.api.RevokeHabilitation(ctx, op.ID, op.HabilitationID, op.BaseVersion, op.Comment)
	}
	if op.Kind == instruct.KindTransfer {
		return e.api.Transfer(ctx, op.ID, op.RequestID, op.BaseVersion, api.TransferInput{To: op.To, Comment: op.Comment})
	}
	in := api.DecisionInput{Kind: op.Kind, Comment: op.Comment}
	return e.api.Decide(ctx, op.ID, op.RequestID, op.BaseVersion, in)
}

// refused records an operation the server refused: a conflict with what
// happened first (or who holds the request), or a rejection with the
// server's reason.
func (e *Engine) refused(ctx context.Context, op instruct.Operation, err error) error {
	var claimed *instruct.ClaimedError
	if errors.As(err, &claimed) {
		e.log.Info("push claimed", "request", op.RequestID, "op", op.ID)
		named := instruct.ClaimedError{RequestID: op.RequestID, Claim: claimed.Claim}
		return e.cache.SetClaimed(ctx, op.ID, claimed.Claim, named.Error())
	}
	var stale *instruct.StaleError
	if errors.As(err, &stale) {
		e.log.Info("push conflict", "request", op.RequestID, "op", op.ID, "server_version", stale.Current.Version)
		reason := fmt.Sprintf("the request changed on the server first: it is now %s (version %d)",
			stale.Current.Status, stale.Current.Version)
		return e.cache.SetOpState(ctx, op.ID, instruct.OpConflict, reason, stale)
	}
	code, detail := instruct.ErrorCode(err), instruct.ErrorMessage(err)
	if code == instruct.CodeStaleVersion {
		// A habilitation changed first: the feed brings its state.
		e.log.Info("push conflict", "request", op.RequestID, "op", op.ID, "habilitation", op.HabilitationID)
		reason := fmt.Sprintf("%s changed on the server first: %s", cmp.Or(op.HabilitationID.String(), op.RequestID.String()), detail)
		return e.cache.SetOpState(ctx, op.ID, instruct.OpConflict, reason, nil)
	}
	e.log.Info("push rejected", "request", op.RequestID, "op", op.ID, "code", code, "detail", detail)
	return e.cache.Reject(ctx, op.ID, code, detail)
}

// backToPending shows op as waiting again; failing that, it stays
// sending, which is sent again just the same.
func (e *Engine) backToPending(ctx context.Context, op instruct.Operation) {
	if err := e.cache.SetOpState(ctx, op.ID, instruct.OpPending, "", nil); err != nil {
		e.log.Warn("mark operation pending again", "op", op.ID, "error", err)
	}
}

// mayPass reports whether a push failure may pass by itself, so that the
// operation must be sent again rather than refused: the server out of
// reach, busy, failing, or refusing the token.
func mayPass(err error) bool {
	switch instruct.ErrorCode(err) {
	case instruct.CodeUnavailable, instruct.CodeRateLimited, instruct.CodeInFlight,
		instruct.CodeInternal, instruct.CodeUnauthorized:
		return true
	}
	return false
}
