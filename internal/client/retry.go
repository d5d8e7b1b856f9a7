package client

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/instruct-dev/instruct/internal/backoff"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// retryMode says which failures of a call may be retried.
type retryMode int

const (
	// retrySafe: the call may be repeated without effect — a GET, a POST
	// carrying an Idempotency-Key, or a change guarded by If-Match (a
	// repeat of an applied change is refused as stale). Network errors,
	// 429, 502, 503, 504 and 409 in_flight are retried.
	retrySafe retryMode = iota
	// retryUnsent: the call must not run twice (creating a draft): only
	// failures that prove the server did not act on it are retried —
	// dial errors, 429 and 503.
	retryUnsent
)

// allows reports whether an attempt that failed with ans or err may be
// made again.
func (m retryMode) allows(ans answer, err error) bool {
	if err != nil {
		if isAnswerTooLarge(err) {
			return false
		}
		return m == retrySafe || isDialError(err)
	}
	switch ans.status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return true
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		return m == retrySafe
	case http.StatusConflict:
		return problemCode(ans.status, ans.body) == instruct.CodeInFlight
	}
	return false
}

// isDialError reports whether err happened while connecting, before any
// byte of the request left.
func isDialError(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}

// maxRetryAfter caps the wait a server may ask for with Retry-After.
const maxRetryAfter = 5 * time.Minute

// delay counts one more failure in waits and returns the wait before the
// next attempt: the server's Retry-After when it gave one, else the
// backoff's.
func delay(waits *backoff.Backoff, ans answer) time.Duration {
	wait := waits.Next()
	if d, ok := retryAfter(ans.header.Get("Retry-After"), time.Now()); ok {
		return d
	}
	return wait
}

// retryAfter parses a Retry-After header: seconds or an HTTP date,
// capped at maxRetryAfter.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if v == "" {
		return 0, false
	}
	var d time.Duration
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		d = time.Duration(min(secs, int64(maxRetryAfter/time.Second))) * time.Second
	} else if at, err := http.ParseTime(v); err == nil {
		d = max(at.Sub(now), 0)
	} else {
		return 0, false
	}
	return min(d, maxRetryAfter), true
}
