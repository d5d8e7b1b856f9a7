package deliver

import "time"

// retryWaits are the waits after the first failures of a delivery; after
// them it is retried every retryEvery, until giveUpAfter since it was
// written.
var retryWaits = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour}

const (
	retryEvery  = 6 * time.Hour
	giveUpAfter = 72 * time.Hour
)

// NextAttempt returns when to try a delivery again after a failure at
// now, it having failed `failures` times before, and been first due at
// since; nil when it is time to give up.
func NextAttempt(failures int, since, now time.Time) *time.Time {
	wait := retryEvery
	if failures < len(retryWaits) {
		wait = retryWaits[failures]
	}
	next := now.Add(wait)
	if next.Sub(since) > giveUpAfter {
		return nil
	}
	return &next
}
