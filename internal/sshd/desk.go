package sshd

import (
	"slices"
	"sync"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// maxRefused and maxDrafts bound the refused operations and the drafts a
// desk keeps; past them, the oldest go first.
const (
	maxRefused = 200
	maxDrafts  = 200
)

// desk is what the sessions of one user share: the decisions, notes and
// messages of theirs that the review service refused (conflicts and
// rejections), which their screens show until the user discards them or
// decides again; the comments they were writing and did not send
// (drafts); and those screens' status listeners, told when the refusals
// change. Desks live in memory as long as the server: a refusal or a
// draft is still there after the user reconnects, not after a restart.
type desk struct {
	hub *broadcaster

	mu sync.Mutex
	// refused holds the refused operations, oldest first.
	refused []instruct.Operation
	// drafts holds the unsent comments by request ID.
	drafts  map[instruct.RequestID]instruct.Draft
	screens map[*listener]struct{}
}

// desks keeps one desk per user.
type desks struct {
	hub    *broadcaster
	mu     sync.Mutex
	byUser map[string]*desk
}

func newDesks(hub *broadcaster) *desks {
	return &desks{hub: hub, byUser: map[string]*desk{}}
}

// of returns the desk of user id.
func (p *desks) of(id string) *desk {
	p.mu.Lock()
	defer p.mu.Unlock()
	d, ok := p.byUser[id]
	if !ok {
		d = &desk{hub: p.hub, drafts: map[instruct.RequestID]instruct.Draft{}, screens: map[*listener]struct{}{}}
		p.byUser[id] = d
	}
	return d
}

// attach and detach register a screen's listener with the desk.
func (d *desk) attach(l *listener) { d.update(func() { d.screens[l] = struct{}{} }) }
func (d *desk) detach(l *listener) { d.update(func() { delete(d.screens, l) }) }

// update runs change under the desk's lock.
func (d *desk) update(change func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	change()
}

// refuse keeps op, refused by the service. A refused decision replaces
// the request's earlier refused decisions, as deciding again answers
// them.
func (d *desk) refuse(op instruct.Operation) {
	d.update(func() {
		if op.Kind.IsDecision() {
			d.refused = slices.DeleteFunc(d.refused, answeredBy(op.RequestID))
		}
		d.refused = append(d.refused, op)
		if over := len(d.refused) - maxRefused; over > 0 {
			d.refused = slices.Delete(d.refused, 0, over)
		}
	})
	d.tell()
}

// answered drops the refused decisions on request id, which a decision
// the service accepted answers.
func (d *desk) answered(id instruct.RequestID) {
	var dropped bool
	d.update(func() {
		before := len(d.refused)
		d.refused = slices.DeleteFunc(d.refused, answeredBy(id))
		dropped = len(d.refused) != before
	})
	if dropped {
		d.tell()
	}
}

// answeredBy matches the decisions on request id.
func answeredBy(id instruct.RequestID) func(instruct.Operation) bool {
	return func(op instruct.Operation) bool { return op.RequestID == id && op.Kind.IsDecision() }
}

// discard drops the refused operation id, as the user asked; not_found
// when the desk holds no such operation.
func (d *desk) discard(id string) error {
	var found bool
	d.update(func() {
		before := len(d.refused)
		d.refused = slices.DeleteFunc(d.refused, func(op instruct.Operation) bool { return op.ID == id })
		found = len(d.refused) != before
	})
	if !found {
		return instruct.Errorf(instruct.CodeNotFound, "no refused operation %.40s", id)
	}
	d.tell()
	return nil
}

// operations returns the refused operations on request id, newest first.
func (d *desk) operations(id instruct.RequestID) []instruct.Operation {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []instruct.Operation
	for i := len(d.refused) - 1; i >= 0; i-- {
		if d.refused[i].RequestID == id {
			out = append(out, d.refused[i])
		}
	}
	return out
}

// states returns the state of the latest refused operation per request.
func (d *desk) states() map[instruct.RequestID]instruct.OpState {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[instruct.RequestID]instruct.OpState, len(d.refused))
	for _, op := range d.refused {
		out[op.RequestID] = op.State
	}
	return out
}

// counts returns how many refused operations are conflicts and
// rejections, for the status bar.
func (d *desk) counts() (conflicts, rejected int) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, op := range d.refused {
		if op.State == instruct.OpConflict {
			conflicts++
		} else {
			rejected++
		}
	}
	return conflicts, rejected
}

// tell offers the latest status again to every screen of the desk, so
// that their status bars count the refusals as they now are.
func (d *desk) tell() {
	d.mu.Lock()
	screens := make([]*listener, 0, len(d.screens))
	for l := range d.screens {
		screens = append(screens, l)
	}
	d.mu.Unlock()
	for _, l := range screens {
		d.hub.reoffer(l)
	}
}

// saveDraft keeps draft in place of any earlier one on its request,
// dropping the oldest draft past maxDrafts.
func (d *desk) saveDraft(draft instruct.Draft) {
	d.update(func() {
		d.drafts[draft.RequestID] = draft
		if len(d.drafts) <= maxDrafts {
			return
		}
		oldest := draft
		for _, other := range d.drafts {
			if other.SavedAt.Before(oldest.SavedAt) {
				oldest = other
			}
		}
		delete(d.drafts, oldest.RequestID)
	})
}

// draft returns the draft on request id, and whether there is one.
func (d *desk) draft(id instruct.RequestID) (instruct.Draft, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	draft, ok := d.drafts[id]
	return draft, ok
}

// deleteDraft forgets the draft on request id.
func (d *desk) deleteDraft(id instruct.RequestID) { d.update(func() { delete(d.drafts, id) }) }
