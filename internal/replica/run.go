package replica

import (
	"context"
	"math/rand/v2"
	"time"
)

// streamHealthy is how long a stream must have lasted for its end to
// reset the reconnection backoff.
const streamHealthy = time.Minute

// Run syncs until ctx ends: at once, then whenever Trigger is called, the
// server announces a change on its event stream, or PollInterval passes.
// After a failed sync it waits, backing off exponentially up to
// MaxBackoff, before the next automatic one; Trigger always syncs at once.
func (e *Engine) Run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
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
	var failures int
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
			failures++
			wait := jittered(backoff(failures-1, e.opts.MinBackoff, e.opts.MaxBackoff))
			notBefore = time.Now().Add(wait)
			retry.Reset(wait)
			continue
		}
		failures, notBefore = 0, time.Time{}
	}
}

// listen follows the server's event stream, signalling changed on each
// change, and reconnects with backoff when it breaks.
func (e *Engine) listen(ctx context.Context, changed chan<- struct{}) {
	var failures int
	for ctx.Err() == nil {
		start := time.Now()
		err := e.feed.Stream(ctx, func(int64) { signal(changed) })
		if ctx.Err() != nil {
			return
		}
		if time.Since(start) > streamHealthy {
			failures = 0
		}
		e.log.Debug("event stream ended", "error", err)
		wait := jittered(backoff(failures, e.opts.MinBackoff, e.opts.MaxBackoff))
		failures++
		if waitOrDone(ctx, wait) != nil {
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

// backoff is min doubled n times, at most max.
func backoff(n int, min, max time.Duration) time.Duration {
	d := min
	for range n {
		if d >= max/2 {
			return max
		}
		d *= 2
	}
	return d
}

// jittered draws a wait in [d/2, d], so that clients that lost the server
// together don't come back together.
func jittered(d time.Duration) time.Duration {
	if d <= 1 {
		return d
	}
	return d/2 + rand.N(d/2+1)
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
