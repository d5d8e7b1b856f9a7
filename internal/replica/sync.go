package replica

import (
	"context"
	"errors"
	"fmt"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Sync runs one sync: it pushes the outbox, oldest first, then pulls the
// change feed. It returns nil only when both succeeded; an operation the
// server refused (conflict, rejection) is recorded in the outbox and
// doesn't fail the sync. It waits for a sync under way, in this process
// or another, to finish first.
//
// A cache found damaged, by this sync or by any other call, is healed
// first (see Cache.Heal), and the sync runs again into the fresh cache,
// pulling everything; the status's Recovery says what was kept.
func (e *Engine) Sync(ctx context.Context) error {
	unlock, err := e.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	counts, countErr := e.cache.Summary(ctx)
	e.setStatus(func(s *instruct.SyncStatus) {
		s.Syncing = true
		if countErr == nil { // what was recorded since the last sync
			s.Pending, s.Conflicts, s.Rejected = counts.Pending, counts.Conflicts, counts.Rejected
		}
	})
	err = e.heal(ctx)
	if err == nil {
		err = e.pushThenPull(ctx)
	}
	if errors.Is(err, instruct.ErrCacheDamaged) {
		if err = e.heal(ctx); err == nil {
			err = e.pushThenPull(ctx)
		}
	}
	e.finish(ctx, err)
	return err
}

// heal replaces the cache if a call found it damaged, and tells the
// status how.
func (e *Engine) heal(ctx context.Context) error {
	rec, err := e.cache.Heal(ctx)
	if err != nil {
		return err
	}
	if rec != nil {
		e.log.Warn("cache replaced", "problem", rec.Problem, "detail", rec.Detail, "moved_to", rec.MovedTo,
			"saved", rec.Saved, "lost", rec.Lost)
		e.setStatus(func(s *instruct.SyncStatus) { s.Recovery = rec })
	}
	return nil
}

func (e *Engine) pushThenPull(ctx context.Context) error {
	pushErr := e.push(ctx)
	if pushErr != nil && (ctx.Err() != nil || offline(pushErr)) {
		return pushErr
	}
	return errors.Join(pushErr, e.pull(ctx))
}

// lock takes this engine's turn, then the lock file, and returns what
// releases both.
func (e *Engine) lock(ctx context.Context) (func(), error) {
	select {
	case e.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for the sync under way: %w", ctx.Err())
	}
	release := func() { <-e.turn }
	if e.opts.LockPath == "" {
		return release, nil
	}
	file, err := lockFile(ctx, e.opts.LockPath)
	if err != nil {
		release()
		return nil, err
	}
	return func() {
		if err := file.Close(); err != nil {
			e.log.Warn("sync lock release", "error", err)
		}
		release()
	}, nil
}

// finish records the outcome of a sync in the status.
func (e *Engine) finish(ctx context.Context, err error) {
	counts, countErr := e.cache.Summary(context.WithoutCancel(ctx))
	if countErr != nil {
		e.log.Warn("count the outbox", "error", countErr)
	}
	if err != nil && ctx.Err() == nil {
		e.log.Warn("sync", "error", err)
	}
	now := e.opts.Now()
	if err == nil {
		if err := e.cache.SetLastSync(context.WithoutCancel(ctx), now); err != nil {
			e.log.Warn("record the last sync", "error", err)
		}
	}
	e.setStatus(func(s *instruct.SyncStatus) {
		s.Syncing = false
		if countErr == nil {
			s.Pending, s.Conflicts, s.Rejected = counts.Pending, counts.Conflicts, counts.Rejected
		}
		s.Online = online(err, s.Online)
		s.LastError, s.LastErrorCode, s.LastFault = plainError(err), instruct.ErrorCode(err), instruct.FaultOf(err)
		if err == nil {
			s.LastSync = now
		}
	})
}

// restore starts the status from what the cache knows before any sync:
// the outbox's counts and when a sync last succeeded, in this process or
// an earlier one.
func (e *Engine) restore(ctx context.Context) {
	counts, err := e.cache.Summary(ctx)
	if err != nil {
		e.log.Warn("count the outbox", "error", err)
	}
	last, lastErr := e.cache.LastSync(ctx)
	if lastErr != nil {
		e.log.Warn("read the last sync", "error", lastErr)
	}
	e.setStatus(func(s *instruct.SyncStatus) {
		if err == nil {
			s.Pending, s.Conflicts, s.Rejected = counts.Pending, counts.Conflicts, counts.Rejected
		}
		if lastErr == nil && s.LastSync.Before(last) {
			s.LastSync = last
		}
	})
}

// offline reports whether err says the server could not be reached.
func offline(err error) bool { return instruct.ErrorCode(err) == instruct.CodeUnavailable }

// online tells from a sync's outcome whether the server is in reach: yes
// after a success or an answer of the server, no after a network
// failure, and as it was after a local failure or an interruption.
func online(err error, was bool) bool {
	var domain *instruct.Error
	var stale *instruct.StaleError
	switch {
	case err == nil:
		return true
	case offline(err):
		return false
	case errors.As(err, &domain), errors.As(err, &stale):
		return true
	}
	return was
}

// plainError says what went wrong in words for the status bar.
func plainError(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "the sync was interrupted"
	case errors.Is(err, instruct.ErrCacheDamaged):
		return err.Error()
	case errors.Is(err, instruct.ErrDiskFull):
		return "disk full: free some space on this computer; recorded decisions are kept"
	case errors.Is(err, instruct.ErrUnreachable):
		return "the server is out of reach; decisions are kept and will be sent"
	case offline(err):
		return "the server is unavailable for now; decisions are kept and will be sent"
	case instruct.ErrorCode(err) == instruct.CodeUnauthorized:
		return "the server refused the token; sign in again"
	}
	var domain *instruct.Error
	if errors.As(err, &domain) {
		return instruct.ErrorMessage(err)
	}
	return err.Error()
}
