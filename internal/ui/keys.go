package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/conflict"
	"github.com/instruct-dev/instruct/internal/ui/form"
)

// onKey sends a key to whatever has the keyboard: the help, the form, the
// history, the search field, or the queue and review.
func (m Model) onKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(k, m.keys.ForceQuit) {
		return m, m.quit()
	}
	m.notice = ""
	if m.discarding != nil {
		return m.answerDiscard(k)
	}
	if m.class() == tooSmall {
		if key.Matches(k, m.keys.Quit) {
			return m, tea.Quit
		}
		return m, nil
	}
	if m.ask != nil {
		return m.askKey(k)
	}
	if m.dialog != nil {
		return m.dialogKey(k)
	}
	if m.life.view != lifeNone && m.overlay != overlayHelp {
		return m.lifeKey(k)
	}
	switch m.overlay {
	case overlayHelp:
		return m.helpKey(k)
	case overlayPicker:
		return m.pickerKey(k)
	case overlayStats:
		return m.statsKey(k)
	case overlayForm:
		return m.formKey(k)
	case overlayTimeline:
		if mm, cmd, ok := m.timelineKey(k); ok {
			return mm, cmd
		}
	}
	if m.query.searching {
		return m.searchKey(k)
	}
	if m.focus == focusReview && m.review.Finding() {
		m.review = m.review.FindKey(k)
		return m, nil
	}
	return m.mainKey(k)
}

// helpKey closes the help.
func (m Model) helpKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(k, m.keys.Help, m.keys.Close, m.keys.Quit) {
		m.overlay, m.afterHelp, m.helpTop = m.afterHelp, overlayNone, 0
		m.layout()
		return m, nil
	}
	n, inner := len(m.helpBody(m.width)), m.height-chromeRows-2
	page := max(1, inner-1)
	switch {
	case key.Matches(k, m.keys.Down):
		m.helpTop++
	case key.Matches(k, m.keys.Up):
		m.helpTop--
	case key.Matches(k, m.keys.PageDown):
		m.helpTop += page
	case key.Matches(k, m.keys.PageUp):
		m.helpTop -= page
	case key.Matches(k, m.keys.Top):
		m.helpTop = 0
	case key.Matches(k, m.keys.Bottom):
		m.helpTop = n
	}
	m.helpTop = helpTop(m.helpTop, n, inner)
	return m, nil
}

// timelineKey scrolls or closes the history; other keys fall through.
func (m Model) timelineKey(k tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	if mm, ok := m.switchHistory(k); ok {
		return mm, nil, true
	}
	if key.Matches(k, m.keys.Close) {
		m.overlay = overlayNone
		m.layout()
		return m, nil, true
	}
	var used bool
	m.timeline, used = m.timeline.Update(k)
	return m, nil, used
}

// mainKey handles keys of the queue and review.
func (m Model) mainKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if mm, cmd, ok := m.documentKey(k); ok {
		return mm, cmd
	}
	if mm, cmd, ok := m.actionKey(k); ok {
		return mm, cmd
	}
	if m.focus == focusReview {
		return m.reviewKey(k)
	}
	return m.queueKey(k)
}

// actionKey handles the keys that work anywhere outside forms.
func (m Model) actionKey(k tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	switch {
	case key.Matches(k, m.keys.Quit):
		return m, tea.Quit, true
	case key.Matches(k, m.keys.Help):
		m.helpFor, m.overlay = m.currentHelp(), overlayHelp
		m.layout()
	case key.Matches(k, m.keys.Search):
		m.query.searching = true
	case key.Matches(k, m.keys.Sync):
		m.syncNow()
	case key.Matches(k, m.keys.Filter):
		return m.openAPIs()
	case key.Matches(k, m.keys.Sort):
		return m.withReload((*Model).nextSort)
	case key.Matches(k, m.keys.Timeline):
		return m.openHistory(false)
	case key.Matches(k, m.keys.Conversation):
		return m.openHistory(true)
	case key.Matches(k, m.keys.Copy):
		return m.copyText()
	case key.Matches(k, m.keys.Discard):
		return m.discard()
	case key.Matches(k, m.keys.Claim):
		return m.claim()
	case key.Matches(k, m.keys.Stats):
		return m.openStats()
	case key.Matches(k, m.keys.Habilitations):
		return m.openHabilitations()
	case key.Matches(k, m.keys.Organization):
		return m.openOrganization()
	case key.Matches(k, m.keys.Transfer):
		return m.openTransfer()
	default:
		if kind, ok := m.decisionKind(k); ok {
			return m.openForm(kind)
		}
		return m, nil, false
	}
	return m, nil, true
}

// decisionKind maps a, x, c, n, m, R and z to their kinds.
func (m Model) decisionKind(k tea.KeyPressMsg) (instruct.Kind, bool) {
	switch {
	case key.Matches(k, m.keys.Revoke):
		return instruct.KindRevoke, true
	case key.Matches(k, m.keys.Archive):
		return instruct.KindArchive, true
	case key.Matches(k, m.keys.Message):
		return instruct.KindMessage, true
	case key.Matches(k, m.keys.Approve):
		return instruct.KindApprove, true
	case key.Matches(k, m.keys.Refuse):
		return instruct.KindRefuse, true
	case key.Matches(k, m.keys.RequestChanges):
		return instruct.KindRequestChanges, true
	case key.Matches(k, m.keys.Note):
		return instruct.KindNote, true
	}
	return "", false
}

// withReload applies change to the query and runs it again.
func (m Model) withReload(change func(*Model)) (Model, tea.Cmd, bool) {
	change(&m)
	mm, cmd := m.reload(m.queue.SelectedID())
	return mm, cmd, true
}

// queueKey moves in the queue, switches tabs and opens a request.
func (m Model) queueKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Open):
		if mm, cmd, ok := m.jumpToMatches(); ok {
			return mm, cmd
		}
		m.setFocus(focusReview)
		return m, nil
	case key.Matches(k, m.keys.NextTab):
		return m.switchTab(1)
	case key.Matches(k, m.keys.PrevTab):
		return m.switchTab(-1)
	}
	var moved bool
	if m.queue, moved = m.queue.Update(k); moved {
		return m.cursorMoved()
	}
	return m, nil
}

// reviewKey scrolls the panes, moves to the next request or goes back.
func (m Model) reviewKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Back):
		m.setFocus(focusQueue)
		return m, nil
	case key.Matches(k, m.keys.NextRequest):
		m.queue.Move(1)
		return m.cursorMoved()
	case key.Matches(k, m.keys.PrevRequest):
		m.queue.Move(-1)
		return m.cursorMoved()
	}
	m.review, _ = m.review.Update(k)
	return m, nil
}

// switchTab moves to the next or previous status tab.
func (m Model) switchTab(delta int) (tea.Model, tea.Cmd) {
	n := tabCount()
	m.query.tab = (m.query.tab + delta + n) % n
	return m.reload(0)
}

// searchKey edits the search as it is typed; every change runs the query.
func (m Model) searchKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	text := []rune(m.query.text)
	switch {
	case key.Matches(k, m.keys.SearchDone):
		if mm, cmd, ok := m.jumpToMatches(); ok {
			return mm, cmd
		}
		m.query.searching = false
		return m, nil
	case key.Matches(k, m.keys.SearchClear):
		// The request found stays selected once the search is gone.
		m.query.searching, m.query.text = false, ""
		return m.reload(m.queue.SelectedID())
	case k.String() == "backspace" && len(text) > 0:
		m.query.text = string(text[:len(text)-1])
	case k.String() == "ctrl+u" || k.String() == "ctrl+w":
		m.query.text = ""
	case key.Matches(k, m.keys.Up, m.keys.Down) && k.Text == "":
		var moved bool
		if m.queue, moved = m.queue.Update(k); moved {
			return m.cursorMoved()
		}
		return m, nil
	case k.Text != "" && k.Mod&(tea.ModCtrl|tea.ModAlt) == 0 && len(text) < 100:
		m.query.text += k.Text
	default:
		return m, nil
	}
	return m.reload(0)
}

func (m *Model) nextSort() {
	order := []instruct.Sort{instruct.SortAge, instruct.SortUpdated, instruct.SortOrganization}
	for i, s := range order {
		if s == m.query.sort {
			m.query.sort = order[(i+1)%len(order)]
			return
		}
	}
	m.query.sort = instruct.SortAge
}

// syncNow asks the sync engine to sync at once.
func (m *Model) syncNow() {
	if m.opts.Syncer == nil {
		m.notice = m.msgs.NoSyncer
		return
	}
	m.opts.Syncer.Trigger()
	m.notice = m.msgs.SyncRequested
}

// copyText puts in the terminal's clipboard (OSC 52, which works over
// SSH) the comment being read in the history, or else the selected
// request's ID. The text is the sanitised one the screen shows.
func (m Model) copyText() (Model, tea.Cmd, bool) {
	id := m.selectedID()
	if id == 0 {
		m.notice = m.msgs.NoSelection
		return m, nil, true
	}
	if m.overlay == overlayTimeline && m.timeline.ID() == id {
		if e, ok := m.timeline.CommentInView(); ok {
			m.notice = m.msgs.CopiedComment(m.msgs.Who(e.Actor))
			return m, tea.SetClipboard(e.Comment), true
		}
	}
	m.notice = m.msgs.CopiedID(id.String())
	return m, tea.SetClipboard(id.String()), true
}

// openForm opens the decision form for the selected request, if the
// reviewer may decide on it.
func (m Model) openForm(kind instruct.Kind) (Model, tea.Cmd, bool) {
	it, ok := m.queue.Selected()
	if !ok {
		m.notice = m.msgs.NoSelection
		return m, nil, true
	}
	if why := m.forbidden(it, kind); why != "" {
		m.notice, m.noticeBad = why, true
		return m, nil, true
	}
	t := form.Target{RequestID: it.ID, Organization: it.Organization, Templates: m.defByID[it.Definition].Templates, Version: it.Version}
	if kind == instruct.KindRevoke {
		t.Consequence = m.requestLosesAccess(it)
	}
	m.form = form.New(kind, t, m.env())
	m.overlay = overlayForm
	m.draft = draftState{}
	m.layout()
	m.offerConflict()
	return m, m.draftCmd(it.ID), true
}

// refusedOp returns the reviewer's operation on request id that the server
// refused, when the review shows it.
func (m Model) refusedOp(id instruct.RequestID) *instruct.Operation {
	d := m.review.Detail()
	if d == nil || d.Request.ID != id || d.Op == nil || !conflict.Needs(*d.Op) {
		return nil
	}
	return d.Op
}

// discard asks before dropping the reviewer's refused operation on the
// selected request.
func (m Model) discard() (Model, tea.Cmd, bool) {
	op := m.refusedOp(m.selectedID())
	if op == nil {
		return m, nil, false
	}
	m.discarding = op
	return m, nil, true
}

// answerDiscard drops the decision D asked about on y; any other key
// keeps it.
func (m Model) answerDiscard(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	op := m.discarding
	m.discarding = nil
	if key.Matches(k, m.keys.Confirm) {
		return m, m.discardCmd(*op)
	}
	return m, nil
}

// quit ends the program; a comment being written is kept as a draft
// first.
func (m Model) quit() tea.Cmd {
	if m.overlay == overlayForm && m.form.Comment() != "" && m.form.Stage() != form.Sending {
		return tea.Sequence(m.saveDraftCmd(), tea.Quit)
	}
	return tea.Quit
}
