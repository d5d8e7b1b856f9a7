package replica

import (
	"context"
	"time"

	"github.com/instruct-dev/instruct/internal/backoff"
)

// Run syncs until ctx ends: it first reports what the cache knows (the
// outbox's counts, the last sync), then syncs at once, then whenever
// Trigger is called, the server announces a change on its event stream,
// the stream connects again after a break, or PollInterval passes. After
// a failed sync it waits, backing off exponentially up to MaxBackoff,
// before the next sync of the poll or of a retry; Trigger and the stream,
// which show the server answering, always sync at once.
func (e *Engine) Run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	e.restore(ctx)
	heard := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.listen(ctx, heard)
	}()
	defer func() { <-done }()
	e.loop(ctx, heard)
}

// loop runs syncs when asked, when the stream speaks, on ticks and on
// retries.
func (e *Engine) loop(ctx context.Context, heard <-chan struct{}) {
	poll := time.NewTicker(e.opts.PollInterval)
	defer poll.Stop()
	retry := time.NewTimer(0) // the first sync, at once
	defer retry.Stop()
	waits := backoff.Backoff{Min: e.opts.MinBackoff, Max: e.opts.MaxBackoff}
	var notBefore time.Time
	for {
		auto := true
		select {
		case <-ctx.Done():
			return
		case <-e.trigger:
			auto = false
		case <-heard:
			auto = false
		case <-poll.C:
		case <-retry.C:
		}
		if auto && time.Now().Before(notBefore) {
			continue
		}
		if err := e.Sync(ctx); err != nil && ctx.Err() == nil {
			wait := waits.Next()
			notBefore = time.Now().Add(wait)
			retry.Reset(wait)
			continue
		}
		waits.Reset()
		notBefore = time.Time{}
	}
}

// listen follows the server's event stream, signalling heard when it
// connects (changes may have been missed while it was away) and on each
// change, and reconnects when it breaks: at once after a stream that
// connected, as when the server restarts, then backing off while the
// server stays out of reach.
func (e *Engine) listen(ctx context.Context, heard chan<- struct{}) {
	waits := backoff.Backoff{Min: e.opts.MinBackoff, Max: e.opts.MaxBackoff}
	for ctx.Err() == nil {
		connected := false
		err := e.feed.Stream(ctx, func() {
			connected = true
			signal(heard)
		}, func(int64) { signal(heard) })
		if ctx.Err() != nil {
			return
		}
		if connected {
			waits.Reset()
		}
		e.log.Debug("event stream ended", "error", err)
		if waitOrDone(ctx, waits.Next()) != nil {
			return
		}
	}
}

func signal(ch chan<- struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// waitOrDone waits d, or less if ctx ends first (then returns its error).
func waitOrDone(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
