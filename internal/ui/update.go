package ui

import (
	"context"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/queue"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// Update dispatches a message to its handler, then has the review follow
// the selected request, the queue load the rows near those on screen and
// the review the texts of its documents.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.handle(msg)
	mm, load := next.(Model).follow()
	mm, rows := mm.loadNearRows()
	mm, texts := mm.loadTexts()
	return mm, tea.Batch(cmd, load, rows, texts)
}

// loadNearRows asks for the window of rows around those on screen when
// some near them are not loaded, unless that window is on its way, or the
// first answer of a new query is.
func (m Model) loadNearRows() (Model, tea.Cmd) {
	if m.query.loading {
		return m, nil
	}
	base, ok := m.queue.Wanted(m.windowSize())
	if !ok || base == m.query.window {
		return m, nil
	}
	m.query.window = base
	return m, m.windowCmd(m.query.gen, base)
}

// handle dispatches a message to its handler.
func (m Model) handle(msg tea.Msg) (tea.Model, tea.Cmd) {
	m.now = m.opts.Now()
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		m.applyTheme()
		return m, nil
	case tea.ColorProfileMsg:
		m.plain = m.opts.NoColor || msg.Profile <= colorprofile.ASCII
		m.applyTheme()
		return m, nil
	case tea.KeyPressMsg:
		return m.onKey(msg)
	case tea.PasteMsg:
		return m.onPaste(msg)
	case tea.MouseWheelMsg, tea.MouseClickMsg:
		return m.onMouse(msg)
	}
	return m.onData(msg)
}

// onData handles what commands bring back.
func (m Model) onData(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case queueMsg:
		return m.onQueue(msg)
	case countsMsg:
		return m.onCounts(msg), nil
	case detailMsg:
		return m.showDetail(msg)
	case deliveriesMsg:
		return m.onDeliveries(msg), nil
	case definitionsMsg:
		return m.onDefinitions(msg)
	case meMsg:
		// The Mine tab's count needs the user.
		m = m.onMe(msg)
		return m, m.countsCmd(m.query.gen)
	case recordedMsg:
		return m.onRecorded(msg)
	case discardedMsg:
		return m.onDiscarded(msg)
	case draftMsg:
		return m.onDraft(msg), nil
	case draftSavedMsg:
		return m.onDraftSaved(msg)
	case claimedMsg:
		return m.onClaimed(msg)
	case docTextMsg:
		return m.onDocText(msg), nil
	case openedMsg:
		return m.onOpened(msg), nil
	case leftMsg:
		return m.onLeft(msg)
	case statsMsg:
		return m.onStats(msg)
	case syncMsg:
		return m.onSync(msg)
	case tickMsg:
		return m, tickCmd()
	}
	if mm, cmd, ok := m.onLifeData(msg); ok {
		return mm, cmd
	}
	return m, nil
}

// onQueue takes rows of the queue. The first answer of a query replaces
// the list, its length and counts, and puts the cursor on the request to
// keep (the one the reviewer moved to while it loaded, else the one the
// query was asked with, else the same row); a later window replaces the
// rows held.
func (m Model) onQueue(msg queueMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.query.gen {
		return m, nil
	}
	if msg.base == m.query.window {
		m.query.window = -1
	}
	if msg.err != nil {
		m.fail(msg.err)
		m.query.loading = false
		m.queue.SetLoading(false)
		return m, nil
	}
	if !msg.first {
		m.queue.SetWindow(msg.base, msg.items, windowTotal(m.queue.Len(), msg, m.windowSize()))
		return m, nil
	}
	m.counts = msg.counts
	if msg.mine >= 0 { // counted before the user was known: keep the last count
		m.mine = msg.mine
	}
	m.queue.SetWindow(msg.base, msg.items, msg.total)
	switch i := m.queue.Index(m.query.keepID); {
	case i >= 0:
		m.queue.Select(i)
	case msg.pos >= 0 && msg.keepID == m.query.keepID:
		m.queue.Select(msg.pos)
	}
	m.query.keepID, m.query.loading = 0, false
	m.queue.SetLoading(false)
	m.queue.SetEmptyText(m.emptyText())
	return m, nil
}

// windowTotal is the queue's length after a window of size rows: the same,
// unless the window ends it sooner (requests left the queue since).
func windowTotal(total int, msg queueMsg, size int) int {
	if len(msg.items) < size && (len(msg.items) > 0 || msg.base == 0) {
		return min(total, msg.base+len(msg.items))
	}
	return total
}

// emptyText says why the queue is empty: for a search with matches in
// other tabs, where they are and where Enter goes.
func (m Model) emptyText() string {
	if elsewhere := m.matchesElsewhere(); m.query.text != "" && len(elsewhere) > 0 {
		places := make([]string, len(elsewhere))
		for i, t := range elsewhere {
			places[i] = m.msgs.MatchesIn(t.n, m.tabName(t.tab))
		}
		return m.msgs.NoMatchHere(places, m.tabName(elsewhere[0].tab))
	}
	if m.query.text != "" || m.query.api != "" {
		return m.msgs.NoMatch
	}
	return m.msgs.NoRequests
}

func (m Model) onCounts(msg countsMsg) Model {
	if msg.gen != m.query.gen {
		return m
	}
	if msg.err != nil {
		m.fail(msg.err)
		return m
	}
	m.counts = msg.counts
	if msg.mine >= 0 { // counted before the user was known: keep the last count
		m.mine = msg.mine
	}
	m.queue.SetEmptyText(m.emptyText())
	return m
}

// onDetail shows a loaded request, if it is still the one selected.
func (m Model) onDetail(msg detailMsg) Model {
	if msg.id != m.detailID {
		return m
	}
	if msg.err != nil {
		m.fail(msg.err)
		return m
	}
	msg.detail.Claim = msg.detail.Request.Claim
	if it, ok := m.queue.Item(m.queue.Index(msg.id)); ok {
		msg.detail.Claim = it.Claim
		it.Unread = false // loading the detail marked its messages read
		m.queue.SetItem(it)
	}
	if m.user != nil {
		msg.detail.Me = m.user.ID
	}
	msg.detail.Now = m.now
	m.review.SetDetail(msg.detail)
	m.timeline.SetEvents(msg.detail.Request.ID, msg.events, msg.detail.Definition)
	m.offerConflict()
	m.tellMeanwhile(msg.detail.Request, msg.events)
	return m
}

// tellMeanwhile tells an open form on request r what someone else did to
// it since the form opened — a colleague's decision, the applicant's
// edit — at once, in the form, keeping the comment; the form then decides
// on r's version.
func (m *Model) tellMeanwhile(r instruct.Request, events []instruct.Event) {
	t := m.form.Target()
	if m.overlay != overlayForm || t.RequestID != r.ID || t.Version == 0 || r.Version <= m.form.Version() {
		return
	}
	me := ""
	if m.user != nil {
		me = m.user.ID
	}
	for i := len(events) - 1; i >= 0; i-- {
		e := events[i]
		if e.Kind.ChangesVersion() && e.Actor.ID != me {
			comment := strings.Join(strings.Fields(e.Comment), " ")
			m.form.Meanwhile(m.msgs.Meanwhile(m.msgs.Who(e.Actor), e.Kind, m.now.Sub(e.At), comment), r.Version)
			return
		}
	}
}

// onDefinitions keeps the catalogue and tells the queue about deadlines
// and short names; a request shown before it arrived is checked again.
func (m Model) onDefinitions(msg definitionsMsg) (Model, tea.Cmd) {
	if msg.err != nil {
		m.fail(msg.err)
		return m, nil
	}
	m.defs = msg.defs
	m.defByID = make(map[string]instruct.Definition, len(msg.defs))
	apis := make(map[string]queue.API, len(msg.defs))
	for _, d := range msg.defs {
		m.defByID[d.ID] = d
		apis[d.ID] = queue.API{Short: shortName(d), Deadline: dayDuration(d.Deadline())}
	}
	m.queue.SetAPIs(apis)
	if m.user != nil {
		m.status.SetUser(*m.user, m.defs)
	}
	if m.detailID != 0 {
		return m, m.detailCmd(m.detailID)
	}
	return m, nil
}

// dayDuration returns n days.
func dayDuration(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }

// shortName returns the catalogue's short name of d, or else its name
// without the "API " most names start with, and a "de " after it.
func shortName(d instruct.Definition) string {
	if d.Short != "" {
		return d.Short
	}
	name := d.Name
	s, _ := strings.CutPrefix(name, "API ")
	s, _ = strings.CutPrefix(s, "de ")
	if s == "" {
		return name
	}
	return s
}

func (m Model) onMe(msg meMsg) Model {
	if msg.err != nil {
		m.fail(msg.err)
		return m
	}
	m.user = &msg.user
	m.status.SetUser(msg.user, m.defs)
	m.queue.SetView(m.queueView())
	return m
}

// onSync shows the engine's status; after a sync that may have brought
// changes, it reloads what is on screen, the catalogue and the user. It listens again, until the
// engine closes its channel.
func (m Model) onSync(msg syncMsg) (tea.Model, tea.Cmd) {
	if msg.closed {
		return m, nil
	}
	s := msg.status
	before, _ := m.status.Sync()
	m.status.SetSync(s)
	m.sent(s)
	if s.Recovery != nil && s.Recovery != m.recovery {
		m.recovery = s.Recovery
		m.notice, m.noticeBad = sanitize.Line(m.msgs.Recovered(*s.Recovery)), true
	}
	cmds := []tea.Cmd{waitSyncCmd(m.opts.Syncer.Updates())}
	if !s.LastSync.Equal(m.lastSync) || outboxChanged(before, s) {
		m.lastSync = s.LastSync
		var refresh tea.Cmd
		m, refresh = m.refresh(m.queue.SelectedID())
		// A sync may bring the catalogue and the user for the first time
		// (an empty cache), or change them (a role granted).
		cmds = append(cmds, refresh, m.definitionsCmd(), m.meCmd(), m.refreshStats())
	}
	return m, tea.Batch(cmds...)
}

// sent takes the notice that a decision waits to be sent off the screen
// once a sync has emptied the outbox.
func (m *Model) sent(s instruct.SyncStatus) {
	if m.waiting == "" || s.Syncing || s.Pending > 0 {
		return
	}
	if m.notice == m.waiting {
		m.notice = ""
	}
	m.waiting = ""
}

// outboxChanged reports whether the outbox's counts differ between two
// statuses: a push changed the operations' marks, even when the pull
// after it failed and the last sync stayed as it was.
func outboxChanged(a, b instruct.SyncStatus) bool {
	return a.Pending != b.Pending || a.Conflicts != b.Conflicts || a.Rejected != b.Rejected
}

// fail logs err and shows it in plain words, in the reviewer's language:
// what its code means, never its text. A damaged cache is repaired by the
// sync engine: the screen asks for a sync, which heals the cache first,
// and says so.
func (m *Model) fail(err error) {
	m.log.Error("ui", "err", err)
	switch f := instruct.FaultOf(err); {
	case f == instruct.FaultCacheDamaged && m.opts.Syncer != nil:
		m.notice = m.msgs.CacheRepairing
		m.opts.Syncer.Trigger()
	case f != "":
		m.notice = m.msgs.CacheError(m.msgs.Fault(f))
	default:
		m.notice = m.msgs.CacheError(m.msgs.ErrCode(instruct.ErrorCode(err)))
	}
	m.noticeBad = true
}

// mixesStatuses reports whether the queue holds requests of several
// statuses: the All and Mine tabs, and search results.
func (m Model) mixesStatuses() bool {
	return m.query.tab >= len(tabStatuses()) || m.query.text != ""
}

// reload runs a changed query (tab, search, filter, sort) as a new
// generation; the queue says it is loading until the first window comes.
func (m Model) reload(keepID instruct.RequestID) (Model, tea.Cmd) {
	m.queue.SetLoading(true)
	return m.requery(keepID)
}

// refresh runs the same query again after the data changed (a sync, a
// decision): the new window replaces the one on screen at once, with the
// cursor on keepID wherever it now is.
func (m Model) refresh(keepID instruct.RequestID) (Model, tea.Cmd) {
	return m.requery(keepID)
}

// requery starts a new generation of the query, keeping the cursor on
// keepID, and reloads the request on screen. The cache calls of the
// generation it replaces are cancelled.
func (m Model) requery(keepID instruct.RequestID) (Model, tea.Cmd) {
	m.query.cancel()
	m.query.ctx, m.query.cancel = context.WithCancel(m.ctx)
	m.query.gen++
	m.query.keepID = keepID
	m.query.loading, m.query.window = true, -1
	m.queue.SetShowStatus(m.mixesStatuses())
	m.layout()
	m.queue.SetView(m.queueView())
	cmds := []tea.Cmd{m.listCmd(m.query.gen, keepID)}
	if m.detailID != 0 {
		cmds = append(cmds, m.detailCmd(m.detailID))
	}
	return m, tea.Batch(cmds...)
}
