package replica

import (
	"context"
	"time"

	"github.com/instruct-dev/instruct/internal/backoff"
)

// streamHealthy is how long a stream must have lasted for its end to
// reset the reconnection backoff.
const streamHealthy = time.Minute

// Run syncs until ctx ends: it first reports what the cache knows (the
// outbox's counts, the last sync), then syncs at once, then whenever
// Trigger is called, the server announces a change on its event stream,
// or PollInterval passes.
// After a failed sync it waits, backing off exponentially up to
// MaxBackoff, before the next automatic one; Trigger always syncs at once.
func (e *Engine) Run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	e.restore(ctx)
	changed := make(chan struct{}, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.listen(ctx, changed)
	}()
	defer func() { <-done }()
	e.loop(ctx, changed)
}

// loop runs syncs when asked, on changes, on ticks and on retries.
func (e *Engine) loop(ctx context.Context, changed <-chan struct{}) {
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
		case <-changed:
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

// listen follows the server's event stream, signalling changed on each
// change, and reconnects with backoff when it breaks.
func (e *Engine) listen(ctx context.Context, changed chan<- struct{}) {
	waits := backoff.Backoff{Min: e.opts.MinBackoff, Max: e.opts.MaxBackoff}
	for ctx.Err() == nil {
		start := time.Now()
		err := e.feed.Stream(ctx, func(int64) { signal(changed) })
		if ctx.Err() != nil {
			return
		}
		if time.Since(start) > streamHealthy {
			waits.Reset()
		}
		e.log.Debug("event stream ended", "error", err)
		if waitOrDone(ctx, waits.Next()) != nil {
			return
		}
		signal(changed) // changes may have been missed while disconnected
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
