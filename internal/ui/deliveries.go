package ui

import (
	"context"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// Deliveries is where the screen reads the mails and webhook calls the
// server sends because of a request's events, which the history shows
// under them.
type Deliveries interface {
	// Kept returns the deliveries of request id as the cache keeps
	// them, offline, and whether it keeps any.
	Kept(ctx context.Context, id instruct.RequestID) ([]instruct.Delivery, bool, error)
	// Fetch asks the server for the deliveries of request id, keeps them
	// in the cache and returns them.
	Fetch(ctx context.Context, id instruct.RequestID) ([]instruct.Delivery, error)
}

// deliveriesMsg carries the deliveries of a request, kept or fetched.
type deliveriesMsg struct {
	id      instruct.RequestID
	list    []instruct.Delivery
	fetched bool
	err     error
}

// keptDeliveriesCmd reads the deliveries of request id the cache keeps.
func (m Model) keptDeliveriesCmd(id instruct.RequestID) tea.Cmd {
	ctx, source := m.ctx, m.opts.Deliveries
	return func() tea.Msg {
		list, ok, err := source.Kept(ctx, id)
		if !ok && err == nil {
			return nil
		}
		return deliveriesMsg{id: id, list: sanitize.Value(list), err: err}
	}
}

// fetchDeliveriesCmd asks the server for the deliveries of request id.
func (m Model) fetchDeliveriesCmd(id instruct.RequestID) tea.Cmd {
	ctx, source := m.ctx, m.opts.Deliveries
	return func() tea.Msg {
		list, err := source.Fetch(ctx, id)
		return deliveriesMsg{id: id, list: sanitize.Value(list), fetched: true, err: err}
	}
}

// deliveriesCmd reads the deliveries of request id the cache keeps, then,
// when fetch is set, the server's; nil without a source of deliveries.
func (m Model) deliveriesCmd(id instruct.RequestID, fetch bool) tea.Cmd {
	if m.opts.Deliveries == nil || id == 0 {
		return nil
	}
	if !fetch {
		return m.keptDeliveriesCmd(id)
	}
	return tea.Sequence(m.keptDeliveriesCmd(id), m.fetchDeliveriesCmd(id))
}

// onDeliveries shows the deliveries of the request the history shows. A
// fetch that failed (offline) leaves the kept ones in view; the log says
// why.
func (m Model) onDeliveries(msg deliveriesMsg) Model {
	if msg.err != nil {
		m.log.Info("deliveries not read", "request", msg.id.String(), "fetched", msg.fetched, "error", msg.err.Error())
		return m
	}
	if msg.id == m.timeline.ID() {
		m.timeline.SetDeliveries(msg.id, msg.list, m.now)
	}
	return m
}

// showDetail shows a loaded request; for a request newly shown, it reads
// the deliveries the cache keeps, and the server's while the history or
// the conversation is open.
func (m Model) showDetail(msg detailMsg) (Model, tea.Cmd) {
	fresh := m.timeline.ID() != msg.id
	m = m.onDetail(msg)
	if !fresh || m.timeline.ID() != msg.id {
		return m, nil
	}
	return m, m.deliveriesCmd(msg.id, m.overlay == overlayTimeline)
}

// openHistory shows the history of the selected request, or its
// conversation with the applicant, and asks the server for its
// deliveries.
func (m Model) openHistory(conversation bool) (Model, tea.Cmd, bool) {
	id := m.queue.SelectedID()
	if id == 0 {
		m.notice = m.msgs.NoSelection
		return m, nil, true
	}
	m.overlay = overlayTimeline
	m.layout()
	m.timeline.SetConversation(conversation)
	if m.timeline.ID() != id {
		return m, nil, true // the detail on its way fetches them
	}
	return m, m.deliveriesCmd(id, true), true
}

// switchHistory moves between the history and the conversation while
// one is open: M shows the conversation, t the history from it; M in the
// conversation closes it, as t closes the history.
func (m Model) switchHistory(k tea.KeyPressMsg) (Model, bool) {
	conversation := m.timeline.Conversation()
	switch {
	case key.Matches(k, m.keys.Conversation) && conversation:
		m.overlay = overlayNone
		m.layout()
	case key.Matches(k, m.keys.Conversation), key.Matches(k, m.keys.Timeline) && conversation:
		m.timeline.SetConversation(!conversation)
	default:
		return m, false
	}
	return m, true
}
