package server

import (
	"math"
	"sync"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// maxBuckets bounds the buckets kept; past it, full (idle) buckets are
// dropped, since a full bucket is the same as no bucket, and if that is
// not enough (a flood of distinct tokens) all are: those tokens get a
// fresh burst, which is better than unbounded memory.
const maxBuckets = 10000

// limiter is a token bucket per token hash.
type limiter struct {
	mu      sync.Mutex
	rate    float64
	burst   float64
	now     func() time.Time
	buckets map[[32]byte]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(rl RateLimit, now func() time.Time) *limiter {
	return &limiter{rate: rl.PerSecond, burst: float64(rl.Burst), now: now,
		buckets: map[[32]byte]*bucket{}}
}

// allow takes one token from key's bucket, or returns a rate_limited
// error saying how many seconds to wait.
func (l *limiter) allow(key [32]byte) error {
	if l.rate < 0 {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.bucket(key, now)
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.at).Seconds()*l.rate)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return nil
	}
	wait := int(math.Ceil((1 - b.tokens) / l.rate))
	return &rateLimitedError{
		err:        instruct.Errorf(instruct.CodeRateLimited, "too many requests; retry in %d s", max(wait, 1)),
		retryAfter: max(wait, 1),
	}
}

// bucket returns key's bucket, creating a full one.
func (l *limiter) bucket(key [32]byte, now time.Time) *bucket {
	if b, ok := l.buckets[key]; ok {
		return b
	}
	if len(l.buckets) >= maxBuckets {
		l.dropFull(now)
	}
	if len(l.buckets) >= maxBuckets {
		clear(l.buckets)
	}
	b := &bucket{tokens: l.burst, at: now}
	l.buckets[key] = b
	return b
}

// dropFull forgets the buckets that have refilled.
func (l *limiter) dropFull(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}
