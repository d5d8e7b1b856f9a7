package sshd

import (
	"sync"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// broadcaster hands the statuses of the read model's sync engine to every
// screen. The engine has one updates channel, and a status read by one
// screen would be lost to the others.
type broadcaster struct {
	mu     sync.Mutex
	last   instruct.SyncStatus
	listen map[*listener]struct{}
}

func newBroadcaster(first instruct.SyncStatus) *broadcaster {
	return &broadcaster{last: first, listen: map[*listener]struct{}{}}
}

// run forwards the statuses of src until it closes or done closes.
func (b *broadcaster) run(src <-chan instruct.SyncStatus, done <-chan struct{}) {
	for {
		select {
		case s, ok := <-src:
			if !ok {
				return
			}
			b.publish(s)
		case <-done:
			return
		}
	}
}

// publish keeps s as the latest status and offers it to every listener.
func (b *broadcaster) publish(s instruct.SyncStatus) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.last = s
	for l := range b.listen {
		l.offer(s)
	}
}

// subscribe returns a listener that starts with the latest status.
// trigger is what its Trigger calls (nil: nothing); shape, if not nil,
// turns each status into the one this listener reads.
func (b *broadcaster) subscribe(trigger func(), shape func(instruct.SyncStatus) instruct.SyncStatus) *listener {
	l := &listener{updates: make(chan instruct.SyncStatus, 1), trigger: trigger, shape: shape}
	b.mu.Lock()
	defer b.mu.Unlock()
	l.offer(b.last)
	b.listen[l] = struct{}{}
	return l
}

// reoffer offers the latest status again to l, freshly shaped: what it
// shows of its session changed.
func (b *broadcaster) reoffer(l *listener) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.listen[l]; ok {
		l.offer(b.last)
	}
}

// unsubscribe stops l and closes its channel, so that a screen waiting on
// it returns.
func (b *broadcaster) unsubscribe(l *listener) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if _, ok := b.listen[l]; ok {
		delete(b.listen, l)
		close(l.updates)
	}
}

// listener is one screen's view of the sync engine: it satisfies
// ui.Syncer.
type listener struct {
	updates chan instruct.SyncStatus
	trigger func()
	shape   func(instruct.SyncStatus) instruct.SyncStatus
}

// Trigger asks the engine for a sync now.
func (l *listener) Trigger() {
	if l.trigger != nil {
		l.trigger()
	}
}

// Updates delivers the engine's latest status; a slow screen misses
// intermediate ones, never the last.
func (l *listener) Updates() <-chan instruct.SyncStatus { return l.updates }

// offer replaces any unread status with s, shaped; the broadcaster's lock
// is held, so offers to one listener never race.
func (l *listener) offer(s instruct.SyncStatus) {
	if l.shape != nil {
		s = l.shape(s)
	}
	select {
	case <-l.updates:
	default:
	}
	l.updates <- s
}
