package ui

import (
	"errors"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/queue"
)

// claimAsk is the question C asks before taking a request another
// reviewer holds; replaces is the reviewer's claim the server refused
// because of them, if any, which leaving the request discards.
type claimAsk struct {
	requestID instruct.RequestID
	holder    instruct.Claim
	replaces  *instruct.Operation
}

// claimedMsg reports a claim or release written to the outbox, or why
// not.
type claimedMsg struct {
	requestID instruct.RequestID
	kind      instruct.Kind
	replaces  *instruct.Operation
	err       error
}

// leftMsg reports the reviewer's refused claim discarded, leaving the
// request to holder.
type leftMsg struct {
	discarded discardedMsg
	holder    string
}

// claim answers C on the selected request: take it when nobody holds it,
// leave it when the reviewer does; when someone else does, ask first (a
// manager may take it) or say who holds it.
func (m Model) claim() (Model, tea.Cmd, bool) {
	it, ok := m.queue.Selected()
	if !ok {
		m.notice = m.msgs.NoSelection
		return m, nil, true
	}
	if m.user != nil && !m.user.CanDecide(it.Definition) {
		m.notice, m.noticeBad = m.msgs.CannotDecide(it.Definition), true
		return m, nil, true
	}
	holder, replaces := it.Claim, m.refusedClaim(it.ID)
	if replaces != nil {
		holder = replaces.Claim
	}
	switch {
	case holder == nil:
		return m, m.claimCmd(it.ID, instruct.KindClaim, false, nil), true
	case m.user != nil && holder.HeldBy(m.user.ID):
		return m, m.claimCmd(it.ID, instruct.KindRelease, false, nil), true
	}
	return m.askOrRefuse(it.ID, it.Definition, *holder, replaces)
}

// askOrRefuse asks a manager whether to take request id from its
// holder, and tells anyone else who holds it (dropping the reviewer's
// refused claim, which they cannot press).
func (m Model) askOrRefuse(id instruct.RequestID, definition string, holder instruct.Claim, replaces *instruct.Operation) (Model, tea.Cmd, bool) {
	if m.user != nil && m.user.CanManage(definition) {
		m.ask = &claimAsk{requestID: id, holder: holder, replaces: replaces}
		return m, nil, true
	}
	api := definition
	if d, ok := m.defByID[definition]; ok {
		api = d.Name
	}
	m.notice, m.noticeBad = m.claims.OnlyManager(holder.User.Name, id.String(), m.since(holder), api), true
	if replaces != nil {
		return m, m.leaveCmd(*replaces, ""), true
	}
	return m, nil, true
}

// refusedClaim returns the reviewer's claim on request id that the server
// refused because someone else holds it, when the review shows it.
func (m Model) refusedClaim(id instruct.RequestID) *instruct.Operation {
	d := m.review.Detail()
	if d == nil || d.Request.ID != id || d.Op == nil {
		return nil
	}
	if op := d.Op; op.Kind.IsClaim() && op.State == instruct.OpConflict && op.Claim != nil {
		return op
	}
	return nil
}

// askKey answers the question: y takes the request, n or Esc leaves it
// to its holder.
func (m Model) askKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	ask := *m.ask
	switch {
	case key.Matches(k, m.keys.Confirm):
		m.ask = nil
		return m, m.claimCmd(ask.requestID, instruct.KindClaim, true, ask.replaces)
	case key.Matches(k, m.keys.GoBack):
		m.ask = nil
		m.notice, m.noticeBad = m.claims.LeftTo(ask.requestID.String(), ask.holder.User.Name), false
		if ask.replaces != nil {
			return m, m.leaveCmd(*ask.replaces, ask.holder.User.Name)
		}
	}
	return m, nil
}

// askLine is the footer while the question waits.
func (m Model) askLine() string {
	q := m.claims.Ask(m.ask.holder.User.Name, m.ask.requestID.String(), m.since(m.ask.holder))
	return m.theme.Notice.Paint(frame.Fit(" "+q+"  "+m.claims.AskHint, m.width))
}

// since writes when a claim began, in the reviewer's time.
func (m Model) since(c instruct.Claim) string {
	return m.claims.Since(c.At.In(m.now.Location()), m.now)
}

// claimCmd records a claim or release in the outbox and asks the sync
// engine to push it.
func (m Model) claimCmd(id instruct.RequestID, kind instruct.Kind, force bool, replaces *instruct.Operation) tea.Cmd {
	ctx, cache, syncer := m.ctx, m.opts.Cache, m.opts.Syncer
	return func() tea.Msg {
		_, err := cache.Claim(ctx, id, kind, force)
		if err == nil && syncer != nil {
			syncer.Trigger()
		}
		return claimedMsg{requestID: id, kind: kind, replaces: replaces, err: err}
	}
}

// leaveCmd discards the reviewer's claim the server refused, leaving the
// request to holder ("" keeps the notice on screen).
func (m Model) leaveCmd(op instruct.Operation, holder string) tea.Cmd {
	discard := m.discardCmd(op)
	return func() tea.Msg {
		msg, _ := discard().(discardedMsg)
		return leftMsg{discarded: msg, holder: holder}
	}
}

// onLeft reloads once a refused claim is discarded, saying to whom the
// request is left.
func (m Model) onLeft(msg leftMsg) (tea.Model, tea.Cmd) {
	notice, bad := m.notice, m.noticeBad
	mm, cmd := m.onDiscarded(msg.discarded)
	if msg.discarded.err != nil {
		return mm, cmd
	}
	m = mm.(Model)
	m.notice, m.noticeBad = notice, bad
	if msg.holder != "" {
		m.notice, m.noticeBad = m.claims.LeftTo(msg.discarded.requestID.String(), msg.holder), false
	}
	return m, cmd
}

// onClaimed shows what C did and reloads the queue, where the claim
// shows at once. When the cache says someone else holds the request
// (the feed brought it since), it asks or tells, as C does.
func (m Model) onClaimed(msg claimedMsg) (tea.Model, tea.Cmd) {
	var claimed *instruct.ClaimedError
	switch {
	case errors.As(msg.err, &claimed):
		def := ""
		if it, ok := m.queue.Item(m.queue.Index(msg.requestID)); ok {
			def = it.Definition
		}
		mm, cmd, _ := m.askOrRefuse(msg.requestID, def, claimed.Claim, msg.replaces)
		return mm, cmd
	case msg.err != nil:
		m.fail(fmt.Errorf("%s %s: %w", msg.kind, msg.requestID, msg.err))
		return m, nil
	case msg.kind == instruct.KindClaim:
		m.notice, m.noticeBad = m.claims.Taken(msg.requestID.String()), false
	default:
		m.notice, m.noticeBad = m.claims.Left(msg.requestID.String()), false
	}
	m.markClaim(msg.requestID, msg.kind)
	return m.refresh(msg.requestID)
}

// markClaim shows the claim or release at once, before the reload.
func (m *Model) markClaim(id instruct.RequestID, kind instruct.Kind) {
	it, ok := m.queue.Item(m.queue.Index(id))
	if !ok || m.user == nil {
		return
	}
	it.Op, it.Claim = instruct.OpPending, nil
	if kind == instruct.KindClaim {
		it.Claim = &instruct.Claim{User: m.user.Actor(), At: m.now}
	}
	m.queue.SetItem(it)
}

// queueView is what the queue's columns show for the tab and sort in
// force.
func (m Model) queueView() queue.View {
	v := queue.View{Sort: m.query.sort}
	if st := tabStatuses(); m.query.tab < len(st) {
		v.Decided = st[m.query.tab] == instruct.StatusValidated || st[m.query.tab] == instruct.StatusRefused
	}
	if m.user != nil {
		v.Me = m.user.ID
	}
	return v
}
