package review

import (
	"sync"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// change is what the hub tells subscribers about a write: its seq and
// enough to decide who may see it.
type change struct {
	seq        int64
	definition string
	createdBy  string
	kind       instruct.Kind
	// formerApplicant is the user a transfer took the request from, who
	// hears of it to forget the request.
	formerApplicant string
}

// hub fans the writes made through this service out to its subscribers.
type hub struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

func newHub() *hub { return &hub{subs: map[*Subscription]struct{}{}} }

// Subscription hears of the changes made through the service that its
// user may see: Wake holds a token while a change waits, so a burst of
// writes coalesces into one wake, and Take returns the highest seq
// waiting. Close it when done.
type Subscription struct {
	hub      *hub
	viewer   instruct.Viewer
	reviewer bool
	wake     chan struct{}
	mu       sync.Mutex
	seq      int64
}

// Subscribe registers a subscription for u; the caller must Close it.
func (s *Service) Subscribe(u instruct.User) *Subscription {
	sub := &Subscription{hub: s.hub, viewer: u.Viewer(), reviewer: u.IsReviewer(), wake: make(chan struct{}, 1)}
	s.hub.mu.Lock()
	s.hub.subs[sub] = struct{}{}
	s.hub.mu.Unlock()
	return sub
}

// Close stops the subscription.
func (sub *Subscription) Close() {
	sub.hub.mu.Lock()
	delete(sub.hub.subs, sub)
	sub.hub.mu.Unlock()
}

// Wake is ready when a change waits to be taken.
func (sub *Subscription) Wake() <-chan struct{} { return sub.wake }

// Take returns the highest seq offered since the last Take, or 0.
func (sub *Subscription) Take() int64 {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	seq := sub.seq
	sub.seq = 0
	return seq
}

// publish offers c to every subscription whose user may see it.
func (h *hub) publish(c change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		if sub.sees(c) {
			sub.offer(c.seq)
		}
	}
}

// sees reports whether the subscription's user may learn of change c: a
// request they may see, and for applicants, not an internal note nor a
// claim; or the transfer of a request away from them.
func (sub *Subscription) sees(c change) bool {
	if reviewersOnly(c.kind) && !sub.reviewer {
		return false
	}
	if c.formerApplicant != "" && sub.viewer.ApplicantOnly && c.formerApplicant == sub.viewer.UserID {
		return true
	}
	return sub.viewer.Sees(instruct.Request{Definition: c.definition}, c.createdBy)
}

// offer records seq as waiting and wakes the subscriber.
func (sub *Subscription) offer(seq int64) {
	sub.mu.Lock()
	sub.seq = max(sub.seq, seq)
	sub.mu.Unlock()
	select {
	case sub.wake <- struct{}{}:
	default:
	}
}
