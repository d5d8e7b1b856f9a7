// Package backoff spaces out the attempts at something that keeps
// failing — an API call, a sync, a reconnection — the one way every part
// of instruct does: the wait after each failure doubles from a minimum up
// to a cap, drawn at random in the upper half of that ceiling so that
// clients that lost the server together don't come back together, and a
// success starts again from the minimum.
package backoff

import (
	"math/rand/v2"
	"time"
)

// Backoff counts the failures of one thing since its last success and
// says how long to wait after each. Set Min and Max; the zero value of
// the rest is ready. It is not safe for concurrent use: each retry loop
// keeps its own.
type Backoff struct {
	// Min is the ceiling of the first wait; Max caps every wait (a Max
	// below Min means Min).
	Min, Max time.Duration
	// Draw picks a wait at most ceiling; nil means Jitter. Tests set it
	// to observe the ceilings.
	Draw func(ceiling time.Duration) time.Duration

	failures int
}

// Next counts one more failure and returns the wait before the next
// attempt: Draw of Ceiling(failures before this one).
func (b *Backoff) Next() time.Duration {
	ceiling := Ceiling(b.failures, b.Min, b.Max)
	b.failures++
	if b.Draw != nil {
		return b.Draw(ceiling)
	}
	return Jitter(ceiling)
}

// Reset forgets the failures, after a success: the next wait is drawn
// from Min again.
func (b *Backoff) Reset() { b.failures = 0 }

// Failures returns how many failures were counted since the last Reset.
func (b *Backoff) Failures() int { return b.failures }

// Ceiling returns lo doubled n times, at most hi (or lo, when hi is
// below it).
func Ceiling(n int, lo, hi time.Duration) time.Duration {
	hi = max(lo, hi)
	d := lo
	for range n {
		if d >= hi/2 {
			return hi
		}
		d *= 2
	}
	return d
}

// Jitter draws a wait uniformly in [d/2, d]: never much shorter than
// the ceiling, never the same for two clients.
func Jitter(d time.Duration) time.Duration {
	if d <= 1 {
		return max(d, 0)
	}
	return d - rand.N(d/2+1)
}
