package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/form"
)

// formKey sends a key to the decision form and carries out what it asks.
func (m Model) formKey(msg tea.Msg) (tea.Model, tea.Cmd) {
	var act form.Action
	m.form, act = m.form.Update(msg)
	switch act {
	case form.Cancel:
		m.closeForm()
		return m.forgetDraft(m.form.Target().RequestID)
	case form.Changed:
		return m.saveDraft()
	case form.Submit:
		return m.submit()
	}
	return m, nil
}

func (m *Model) closeForm() {
	m.overlay = overlayNone
	m.layout()
}

// submit records the confirmed decision. When it replaces a decision in
// conflict, it first checks the decision still applies to the request as
// it is now, so the old one is never discarded for nothing.
func (m Model) submit() (tea.Model, tea.Cmd) {
	t, kind := m.form.Target(), m.form.Kind()
	if t.Replaces != "" {
		if d := m.review.Detail(); d != nil && d.Request.ID == t.RequestID {
			if _, err := instruct.Transition(d.Request.Status, kind); err != nil {
				m.form.Failed(form.ErrorText(m.msgs, kind, err, d.Request.Status))
				return m, nil
			}
		}
	}
	return m, m.recordCmd(t.RequestID, kind, m.form.Comment(), t.Replaces)
}

// onRecorded closes the form once the decision is in the outbox, moves to
// the next request and reloads the queue, where the decided request shows
// as pending. A refusal from the cache goes back to the form in plain
// words.
func (m Model) onRecorded(msg recordedMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.log.Warn("record decision", "request", msg.requestID, "kind", msg.kind, "err", msg.err)
		m.form.Failed(form.ErrorText(m.msgs, msg.kind, msg.err, m.statusOf(msg.requestID)))
		if instruct.FaultOf(msg.err) == instruct.FaultCacheDamaged && m.opts.Syncer != nil {
			m.opts.Syncer.Trigger() // the sync engine heals the cache first
		}
		return m, nil
	}
	m.closeForm()
	m.notice, m.noticeBad = m.msgs.Recorded(msg.kind, msg.requestID.String()), false
	m.waiting = m.notice
	if s, ok := m.status.Sync(); ok { // counted before the engine says so
		s.Pending++
		m.status.SetSync(s)
	}
	m.markPending(msg.requestID, msg.kind)
	next := m.nextID(msg.requestID, msg.kind)
	m.queue.Select(m.queue.Index(next))
	m, forget := m.forgetDraft(msg.requestID)
	m, refresh := m.refresh(next)
	return m, tea.Batch(forget, refresh)
}

// markPending shows the decision as pending at once, before the reload.
func (m *Model) markPending(id instruct.RequestID, kind instruct.Kind) {
	it, ok := m.queue.Item(m.queue.Index(id))
	if !ok {
		return
	}
	it.Op = instruct.OpPending
	if to, err := instruct.Transition(it.Status, kind); err == nil {
		it.Status = to
	}
	m.queue.SetItem(it)
}

// nextID is where the cursor goes after a decision on id: the following
// request, or the one before at the end of the list. A note leaves the
// cursor where it is.
func (m Model) nextID(id instruct.RequestID, kind instruct.Kind) instruct.RequestID {
	i := m.queue.Index(id)
	if kind.IsNote() || i < 0 {
		return id
	}
	if it, ok := m.queue.Item(i + 1); ok {
		return it.ID
	}
	if it, ok := m.queue.Item(i - 1); ok {
		return it.ID
	}
	return id
}

// statusOf returns the status the reviewer sees of request id.
func (m Model) statusOf(id instruct.RequestID) instruct.Status {
	it, _ := m.queue.Item(m.queue.Index(id))
	return it.Status
}

// onDiscarded reloads after a refused decision was discarded; the status
// bar counts it out at once, before the sync engine says so.
func (m Model) onDiscarded(msg discardedMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.fail(msg.err)
		return m, nil
	}
	m.notice, m.noticeBad = m.msgs.Discarded(msg.requestID.String()), false
	if s, ok := m.status.Sync(); ok {
		switch msg.state {
		case instruct.OpConflict:
			s.Conflicts = max(0, s.Conflicts-1)
		case instruct.OpRejected:
			s.Rejected = max(0, s.Rejected-1)
		}
		m.status.SetSync(s)
	}
	return m.refresh(msg.requestID)
}

// onPaste pastes into the form's comment or the search.
func (m Model) onPaste(msg tea.PasteMsg) (tea.Model, tea.Cmd) {
	if m.dialog != nil {
		return m.dialogPaste(msg.Content)
	}
	if m.overlay == overlayForm {
		return m.formKey(msg)
	}
	return m, nil
}
