package server

import (
	"sync"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// change is what the hub tells event streams about a write: its seq and
// enough to decide who may see it.
type change struct {
	seq        int64
	definition string
	createdBy  string
	kind       instruct.Kind
}

// hub fans the writes of this process out to its event streams.
type hub struct {
	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

func newHub() *hub { return &hub{subs: map[*subscriber]struct{}{}} }

// subscriber is one event stream: the viewer it serves and the highest
// seq waiting to be sent. wake holds a token while one is waiting, so a
// burst of writes coalesces into one event.
type subscriber struct {
	viewer   instruct.Viewer
	reviewer bool
	wake     chan struct{}
	mu       sync.Mutex
	seq      int64
}

// subscribe registers a stream for u; the caller must unsubscribe it.
func (h *hub) subscribe(u instruct.User) *subscriber {
	sub := &subscriber{viewer: u.Viewer(), reviewer: u.IsReviewer(), wake: make(chan struct{}, 1)}
	h.mu.Lock()
	h.subs[sub] = struct{}{}
	h.mu.Unlock()
	return sub
}

func (h *hub) unsubscribe(sub *subscriber) {
	h.mu.Lock()
	delete(h.subs, sub)
	h.mu.Unlock()
}

// publish offers c to every stream whose user may see it.
func (h *hub) publish(c change) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for sub := range h.subs {
		if sub.sees(c) {
			sub.offer(c.seq)
		}
	}
}

// sees reports whether the stream's user may learn of change c: a
// request they may see, and for applicants, not an internal note.
func (sub *subscriber) sees(c change) bool {
	if c.kind == instruct.KindNote && !sub.reviewer {
		return false
	}
	return sub.viewer.Sees(instruct.Request{Definition: c.definition}, c.createdBy)
}

// offer records seq as waiting and wakes the stream.
func (sub *subscriber) offer(seq int64) {
	sub.mu.Lock()
	sub.seq = max(sub.seq, seq)
	sub.mu.Unlock()
	select {
	case sub.wake <- struct{}{}:
	default:
	}
}

// take returns the highest seq offered since the last take, or 0.
func (sub *subscriber) take() int64 {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	seq := sub.seq
	sub.seq = 0
	return seq
}
