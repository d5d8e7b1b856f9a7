package review

import "sync"

// inflight is the set of Idempotency-Keys being processed in this
// process, so that a concurrent retry of the same key gets 409 in_flight
// instead of waiting on the database.
type inflight struct {
	mu   sync.Mutex
	keys map[string]struct{}
}

func newInflight() *inflight { return &inflight{keys: map[string]struct{}{}} }

// acquire marks key as in progress; false if it already was.
func (f *inflight) acquire(key string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, busy := f.keys[key]; busy {
		return false
	}
	f.keys[key] = struct{}{}
	return true
}

// release marks key as done.
func (f *inflight) release(key string) {
	f.mu.Lock()
	delete(f.keys, key)
	f.mu.Unlock()
}
