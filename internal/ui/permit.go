package ui

import (
	"github.com/instruct-dev/instruct/internal/instruct"
)

// forbidden says, in the reviewer's words, why they may not act with
// kind on it, or "" when they may. The rules are the domain's: the
// reviewer's role, a decision of theirs still waiting to be sent, and
// the transitions the request's status allows (as the reviewer sees it,
// their pending decision laid over). It runs when the key is pressed,
// before any form opens.
func (m Model) forbidden(it instruct.QueueItem, kind instruct.Kind) string {
	if m.user != nil && !m.user.CanDecide(it.Definition) {
		return m.msgs.CannotDecide(m.apiName(it.Definition))
	}
	if !kind.IsDecision() {
		return ""
	}
	if waiting(it) {
		return m.msgs.ErrWaiting(it.ID.String())
	}
	if _, err := instruct.Transition(it.Status, kind); err != nil {
		return m.msgs.ErrTransition(kind, it.Status)
	}
	return ""
}

// waiting reports whether the reviewer's decision on it is still to be
// sent: the status they see is not yet the server's.
func waiting(it instruct.QueueItem) bool {
	open := it.Op == instruct.OpPending || it.Op == instruct.OpSending
	return open && it.Status != it.ServerStatus
}

// apiName returns the catalogue's name of definition id, or id itself
// before the catalogue is loaded.
func (m Model) apiName(id string) string {
	if d, ok := m.defByID[id]; ok && d.Name != "" {
		return d.Name
	}
	return id
}

// readOnly reports whether the screen offers no decision: the reviewer
// may only read the selected request's API, or, with nothing selected,
// decides on no API at all.
func (m Model) readOnly() bool {
	if m.user == nil {
		return false
	}
	if it, ok := m.queue.Selected(); ok {
		return !m.user.CanDecide(it.Definition)
	}
	for _, g := range m.user.Roles {
		if m.user.CanDecide(g.Definition) {
			return false
		}
	}
	return true
}

// readOnlyAPIs names what the reviewer may only read: the selected
// request's API, or every API.
func (m Model) readOnlyAPIs() string {
	if it, ok := m.queue.Selected(); ok {
		return m.apiName(it.Definition)
	}
	return m.msgs.AllAPIs
}
