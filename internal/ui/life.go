package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/review"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// LifeCache is what the screens of a request's life after approval read
// from the cache and record into its outbox: habilitations, the
// organisation's requests, revocations of one habilitation, transfers
// and the e-mails a transfer may name.
type LifeCache interface {
	// Habilitations returns the habilitations q selects, newest first;
	// HabilitationCounts counts them by status, ignoring q's statuses.
	Habilitations(ctx context.Context, q instruct.HabilitationSearch) ([]instruct.Habilitation, error)
	HabilitationCounts(ctx context.Context, q instruct.HabilitationSearch) (map[instruct.HabilitationStatus]int, error)
	// OrganizationRequests returns the requests of the organisation with
	// this SIRET.
	OrganizationRequests(ctx context.Context, siret string) ([]instruct.QueueItem, error)
	// RecordRevokeHabilitation and RecordTransfer write into the outbox,
	// durably, after the checks the server would make offline.
	RecordRevokeHabilitation(ctx context.Context, id instruct.HabilitationID, comment string) (instruct.Operation, error)
	RecordTransfer(ctx context.Context, id instruct.RequestID, to, comment string) (instruct.Operation, error)
	// Emails returns the known e-mails starting with prefix, at most
	// limit.
	Emails(ctx context.Context, prefix string, limit int) ([]string, error)
}

// lifeView is which screen of habilitations covers the body, if any.
type lifeView int

const (
	lifeNone lifeView = iota
	// lifeList is the habilitations view (H), lifeShow one habilitation,
	// lifeOrg the organisation's history (O).
	lifeList
	lifeShow
	lifeOrg
)

// lifeTabs are the status tabs of the habilitations view; the last one,
// empty, is all of them.
func lifeTabs() []instruct.HabilitationStatus {
	return append(instruct.HabilitationStatuses(), "")
}

// lifeState is what the habilitations screens show.
type lifeState struct {
	view      lifeView
	tab       int
	text      string
	searching bool
	gen       int
	items     []instruct.Habilitation
	counts    map[instruct.HabilitationStatus]int
	cursor    int
	// shown is the habilitation of lifeShow; back where Esc goes from it.
	shown *instruct.Habilitation
	back  lifeView
	// revoking is set when the shown habilitation's revocation waits in
	// the outbox; tokenAt is when the provider issued its token, from the
	// request's history (nil: not known).
	revoking bool
	tokenAt  *time.Time
	org      *orgHistory
}

// orgHistory is an organisation's requests and habilitations.
type orgHistory struct {
	name, siret string
	requests    []instruct.QueueItem
	habs        []instruct.Habilitation
}

// habsMsg brings the habilitations of generation gen.
type habsMsg struct {
	gen    int
	items  []instruct.Habilitation
	counts map[instruct.HabilitationStatus]int
	err    error
}

// orgMsg brings an organisation's history.
type orgMsg struct {
	org *orgHistory
	err error
}

// lifeRecordedMsg says a revocation or transfer is in the outbox, or why
// not.
type lifeRecordedMsg struct {
	op  instruct.Operation
	err error
}

// habStateMsg says whether habilitation id has a revocation waiting and
// when its token was issued.
type habStateMsg struct {
	id       instruct.HabilitationID
	revoking bool
	tokenAt  *time.Time
	err      error
}

// habStateCmd looks for an open revocation of h in the outbox and for
// the delivery of its token in its request's history.
func (m Model) habStateCmd(h instruct.Habilitation) tea.Cmd {
	ctx, cache := m.ctx, m.opts.Cache
	return func() tea.Msg {
		out := habStateMsg{id: h.ID}
		ops, err := cache.Operations(ctx, h.RequestID)
		if err != nil {
			out.err = fmt.Errorf("load operations of %s: %w", h.RequestID, err)
			return out
		}
		for _, op := range ops {
			out.revoking = out.revoking || (op.HabilitationID == h.ID && op.Open())
		}
		events, err := cache.Events(ctx, h.RequestID)
		if err != nil {
			out.err = fmt.Errorf("load events of %s: %w", h.RequestID, err)
			return out
		}
		for _, e := range events {
			if e.Kind == instruct.KindTokenDelivered && e.HabilitationID == h.ID {
				at := e.At
				out.tokenAt = &at
			}
		}
		return out
	}
}

// emailsMsg brings the known e-mails starting with what was typed.
type emailsMsg struct {
	prefix string
	emails []string
}

// lifeCache returns the cache as a LifeCache.
func (m Model) lifeCache() LifeCache { return m.opts.Cache }

// habsQuery is the query of the habilitations view.
func (m Model) habsQuery() instruct.HabilitationSearch {
	q := instruct.HabilitationSearch{Text: m.life.text, Limit: maxLifeRows}
	if st := lifeTabs()[m.life.tab]; st != "" {
		q.Statuses = []instruct.HabilitationStatus{st}
	}
	return q
}

// maxLifeRows caps the habilitations the view holds: a search narrows
// them down.
const maxLifeRows = 2000

// habsCmd loads the habilitations of the view as generation gen.
func (m Model) habsCmd() tea.Cmd {
	ctx, cache, q, gen := m.ctx, m.lifeCache(), m.habsQuery(), m.life.gen
	return func() tea.Msg {
		items, err := cache.Habilitations(ctx, q)
		if err != nil {
			return habsMsg{gen: gen, err: fmt.Errorf("load habilitations: %w", err)}
		}
		counts, err := cache.HabilitationCounts(ctx, q)
		if err != nil {
			return habsMsg{gen: gen, err: fmt.Errorf("count habilitations: %w", err)}
		}
		return habsMsg{gen: gen, items: sanitize.Value(items), counts: counts}
	}
}

// orgCmd loads the history of the organisation with siret.
func (m Model) orgCmd(name, siret string) tea.Cmd {
	ctx, cache := m.ctx, m.lifeCache()
	return func() tea.Msg {
		reqs, err := cache.OrganizationRequests(ctx, siret)
		if err != nil {
			return orgMsg{err: fmt.Errorf("load requests of the organisation: %w", err)}
		}
		habs, err := cache.Habilitations(ctx, instruct.HabilitationSearch{SIRET: siret})
		if err != nil {
			return orgMsg{err: fmt.Errorf("load habilitations of the organisation: %w", err)}
		}
		return orgMsg{org: &orgHistory{name: name, siret: sanitize.Line(siret), requests: sanitize.Value(reqs), habs: sanitize.Value(habs)}}
	}
}

// onLifeData handles what the habilitations' commands bring back, and
// reports whether msg was one of theirs.
func (m Model) onLifeData(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case habsMsg:
		if msg.gen != m.life.gen {
			return m, nil, true
		}
		if msg.err != nil {
			m.fail(msg.err)
			return m, nil, true
		}
		m.life.items, m.life.counts = msg.items, msg.counts
		m.life.cursor = min(m.life.cursor, max(0, len(msg.items)-1))
		return m, nil, true
	case orgMsg:
		if msg.err != nil {
			m.fail(msg.err)
			return m, nil, true
		}
		m.life.org = msg.org
		return m, nil, true
	case lifeRecordedMsg:
		mm, cmd := m.onLifeRecorded(msg)
		return mm, cmd, true
	case habStateMsg:
		if msg.err != nil {
			m.fail(msg.err)
		}
		if m.life.shown != nil && m.life.shown.ID == msg.id {
			m.life.revoking, m.life.tokenAt = msg.revoking, msg.tokenAt
		}
		return m, nil, true
	case emailsMsg:
		if m.dialog != nil && string(m.dialog.email) == msg.prefix {
			m.dialog.suggestions, m.dialog.pick = sanitize.Value(msg.emails), -1
		}
		return m, nil, true
	}
	return m, nil, false
}

// openHabilitations shows the habilitations view.
func (m Model) openHabilitations() (Model, tea.Cmd, bool) {
	m.life.view = lifeList
	m.life.gen++
	return m, m.habsCmd(), true
}

// openOrganization shows the history of the selected request's
// organisation.
func (m Model) openOrganization() (Model, tea.Cmd, bool) {
	d := m.review.Detail()
	if d == nil || d.Request.ID != m.selectedID() {
		m.notice = m.msgs.NoSelection
		return m, nil, true
	}
	m.life.view, m.life.org = lifeOrg, nil
	return m, m.orgCmd(d.Request.Organization.Name, d.Request.Organization.SIRET), true
}

// lifeKey handles keys while a habilitations screen covers the body.
func (m Model) lifeKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.life.searching {
		return m.lifeSearchKey(k)
	}
	switch {
	case key.Matches(k, m.keys.Quit):
		return m, tea.Quit
	case key.Matches(k, m.keys.Back):
		return m.lifeBack(), nil
	case key.Matches(k, m.keys.Help):
		m.helpFor, m.overlay = m.currentHelp(), overlayHelp
		return m, nil
	}
	switch m.life.view {
	case lifeList:
		return m.lifeListKey(k)
	case lifeShow:
		if key.Matches(k, m.keys.Revoke) && m.life.shown != nil {
			return m.askRevoke(*m.life.shown)
		}
	}
	return m, nil
}

// lifeBack goes back from a habilitation to the list, or closes the
// screens.
func (m Model) lifeBack() Model {
	if m.life.view == lifeShow && m.life.back == lifeList {
		m.life.view = lifeList
		return m
	}
	m.life.view = lifeNone
	return m
}

// lifeListKey moves in the habilitations view, switches tabs, searches,
// opens and revokes.
func (m Model) lifeListKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	n := len(lifeTabs())
	switch {
	case key.Matches(k, m.keys.Down):
		m.life.cursor = min(m.life.cursor+1, max(0, len(m.life.items)-1))
	case key.Matches(k, m.keys.Up):
		m.life.cursor = max(0, m.life.cursor-1)
	case key.Matches(k, m.keys.NextTab):
		m.life.tab = (m.life.tab + 1) % n
		return m.reloadHabs()
	case key.Matches(k, m.keys.PrevTab):
		m.life.tab = (m.life.tab + n - 1) % n
		return m.reloadHabs()
	case key.Matches(k, m.keys.Search):
		m.life.searching = true
	case key.Matches(k, m.keys.Open):
		if h, ok := m.habUnderCursor(); ok {
			m.life.shown, m.life.view, m.life.back = &h, lifeShow, lifeList
			m.life.revoking, m.life.tokenAt = false, nil
			return m, m.habStateCmd(h)
		}
	case key.Matches(k, m.keys.Revoke):
		if h, ok := m.habUnderCursor(); ok {
			return m.askRevoke(h)
		}
		m.notice = m.lifeWords.NoSelection
	}
	return m, nil
}

// lifeSearchKey edits the habilitations' search as it is typed.
func (m Model) lifeSearchKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	text := []rune(m.life.text)
	switch {
	case key.Matches(k, m.keys.SearchDone):
		m.life.searching = false
		return m, nil
	case key.Matches(k, m.keys.SearchClear):
		m.life.searching, m.life.text = false, ""
	case k.String() == "backspace" && len(text) > 0:
		m.life.text = string(text[:len(text)-1])
	case k.Text != "" && k.Mod&(tea.ModCtrl|tea.ModAlt) == 0 && len(text) < 100:
		m.life.text += k.Text
	default:
		return m, nil
	}
	return m.reloadHabs()
}

// reloadHabs runs the habilitations' query again from the top.
func (m Model) reloadHabs() (tea.Model, tea.Cmd) {
	m.life.gen++
	m.life.cursor = 0
	return m, m.habsCmd()
}

// habUnderCursor returns the habilitation under the cursor of the list.
func (m Model) habUnderCursor() (instruct.Habilitation, bool) {
	if m.life.cursor < 0 || m.life.cursor >= len(m.life.items) {
		return instruct.Habilitation{}, false
	}
	return m.life.items[m.life.cursor], true
}

// lifeBody draws the habilitations screen that covers the body, w×h.
func (m Model) lifeBody(w, h int) []string {
	var title string
	var body []string
	switch m.life.view {
	case lifeList:
		title, body = m.lifeWords.Title, m.habListLines(w-2, h-2)
	case lifeShow:
		title, body = m.life.shown.ID.String(), m.habLines(*m.life.shown, w-2)
	case lifeOrg:
		title, body = m.orgTitle(), m.orgLines(w-2)
	}
	return frame.Box(m.theme.Box(true), title, "", body, w, h)
}

// habListLines draws the tabs, the search and the rows of the list,
// scrolled so that the cursor shows.
func (m Model) habListLines(w, h int) []string {
	lw := m.lifeWords
	var tabs []string
	for i, st := range lifeTabs() {
		name := lw.TabAll
		n := 0
		for _, c := range m.life.counts {
			n += c
		}
		if st != "" {
			name, n = lw.Status(st), m.life.counts[st]
		}
		label := fmt.Sprintf("%s %d", name, n)
		if i == m.life.tab {
			tabs = append(tabs, m.theme.TabActive.Paint("["+label+"]"))
		} else {
			tabs = append(tabs, m.theme.Tab.Paint(" "+label+" "))
		}
	}
	lines := []string{frame.Fit(strings.Join(tabs, " "), w)}
	if m.life.searching || m.life.text != "" {
		lines = append(lines, frame.Fit("/"+sanitize.Line(m.life.text), w))
	}
	if len(m.life.items) == 0 {
		return append(lines, " "+lw.Empty)
	}
	lines = append(lines, m.theme.Label.Paint(frame.Fit("  "+habRow(lw.Columns), w)))
	rows := max(1, h-len(lines))
	first := max(0, m.life.cursor-rows+1)
	for i := first; i < len(m.life.items) && i < first+rows; i++ {
		lines = append(lines, m.habListRow(m.life.items[i], i == m.life.cursor, w))
	}
	return lines
}

// habRow lays out the columns of a row of the list.
func habRow(cols []string) string {
	widths := []int{7, 7, 18, 10, 28, 0}
	var b strings.Builder
	for i, c := range cols {
		if i < len(widths) && widths[i] > 0 {
			b.WriteString(frame.Fit(c, widths[i]) + " ")
		} else {
			b.WriteString(c)
		}
	}
	return b.String()
}

// habListRow draws one habilitation of the list.
func (m Model) habListRow(h instruct.Habilitation, selected bool, w int) string {
	row := habRow([]string{h.ID.String(), h.RequestID.String(), m.apiName(h.Definition),
		m.lifeWords.Status(h.Status), h.Organization.Name, m.lifeWords.Date(h.CreatedAt)})
	mark := "  "
	if selected {
		mark = "▶ "
	}
	text := frame.Fit(mark+row, w)
	if selected {
		return m.theme.Cursor.Paint(text)
	}
	return text
}

// habLines draws one habilitation: its status, who approved it and
// when, the provider's token, and its frozen fields.
func (m Model) habLines(h instruct.Habilitation, w int) []string {
	lw := m.lifeWords
	def := m.defByID[h.Definition]
	lines := []string{
		m.theme.Title.Paint(frame.Fit(h.ID.String()+" · "+h.RequestID.String()+" · "+m.apiName(h.Definition)+" · "+lw.Status(h.Status), w)),
		frame.Fit(lw.ApprovedBy(h.ApprovedBy.Name, h.CreatedAt), w),
	}
	if h.ExternalID != nil {
		lines = append(lines, m.theme.Good.Paint(frame.Fit("✓ "+m.tokenLine(h), w)))
	} else {
		lines = append(lines, m.theme.Muted.Paint(frame.Fit(lw.NoToken, w)))
	}
	if h.RevokedAt != nil {
		lines = append(lines, m.theme.Bad.Paint(frame.Fit("✗ "+lw.RevokedOn(*h.RevokedAt), w)))
	}
	if m.life.revoking && m.life.shown != nil && m.life.shown.ID == h.ID {
		lines = append(lines, m.theme.Pending.Paint(frame.Fit("⧗ "+lw.RevocationWaiting, w)))
	}
	if strings.TrimSpace(h.Comment) != "" {
		lines = append(lines, m.theme.Label.Paint(lw.Comment))
		lines = append(lines, frame.Indent("  ", h.Comment, w)...)
	}
	lines = append(lines, "", m.theme.Label.Paint(lw.FrozenFields))
	lines = append(lines, frame.Indent("  ", h.Organization.Name+" · SIRET "+h.Organization.SIRET, w)...)
	lines = append(lines, frame.Indent("  ", h.Applicant.Name+" <"+h.Applicant.Email+">", w)...)
	lines = append(lines, frame.Indent("  ", m.msgs.Field("nature")+" : "+h.LegalBasis.Nature, w)...)
	for _, id := range h.Scopes {
		lines = append(lines, frame.Indent("   ✓ ", scopeText(def, id), w)...)
	}
	lines = append(lines, frame.Indent("  ", m.msgs.Months(h.RetentionMonths), w)...)
	return lines
}

// scopeText is a scope's catalogue label and ID, or its ID alone.
func scopeText(def instruct.Definition, id string) string {
	for _, s := range def.Scopes {
		if s.ID == id {
			return s.Label + " (" + id + ")"
		}
	}
	return id
}

// orgTitle is the title of the organisation's history.
func (m Model) orgTitle() string {
	if m.life.org == nil {
		return m.msgs.Loading
	}
	return m.lifeWords.History(m.life.org.name, m.life.org.siret)
}

// orgLines draws the organisation's requests and habilitations with
// their statuses and dates.
func (m Model) orgLines(w int) []string {
	o := m.life.org
	if o == nil {
		return []string{" " + m.msgs.Loading}
	}
	lw := m.lifeWords
	lines := []string{m.theme.Label.Paint(lw.Requests)}
	for _, it := range o.requests {
		lines = append(lines, frame.Fit("  "+habRow([]string{it.ID.String(), "", m.apiName(it.Definition),
			m.msgs.StatusShort(it.Status), it.Title, m.lifeWords.Date(it.UpdatedAt)}), w))
	}
	if len(o.requests) == 0 {
		lines = append(lines, "  "+lw.Nothing)
	}
	lines = append(lines, "", m.theme.Label.Paint(lw.Habs))
	for _, h := range o.habs {
		lines = append(lines, frame.Fit("  "+habRow([]string{h.ID.String(), h.RequestID.String(), m.apiName(h.Definition),
			lw.Status(h.Status), strings.Join(h.Scopes, " "), lw.Date(h.CreatedAt)}), w))
	}
	if len(o.habs) == 0 {
		lines = append(lines, "  "+lw.Nothing)
	}
	return lines
}

// addLife completes d with the request's habilitations and the names of
// the prerequisites its organisation lacks (r's checks), sanitised.
func addLife(ctx context.Context, cache LifeCache, d *review.Detail, r instruct.Request, defs map[string]instruct.Definition) error {
	if len(r.HabilitationIDs) > 0 {
		habs, err := cache.Habilitations(ctx, instruct.HabilitationSearch{RequestID: r.ID})
		if err != nil {
			return fmt.Errorf("load habilitations of %s: %w", r.ID, err)
		}
		d.Habilitations = sanitize.Value(habs)
	}
	for _, c := range r.Checks {
		if c.Code != instruct.CheckMissingPrerequisite {
			continue
		}
		name := c.Definition
		if def, ok := defs[c.Definition]; ok && def.Name != "" {
			name = def.Name
		}
		d.Missing = append(d.Missing, sanitize.Line(name))
	}
	return nil
}

// lifeHelp returns the keys of the habilitations screen or dialog on
// screen, if any.
func (m Model) lifeHelp() (keymap.Help, bool) {
	k := m.keys
	var keys []key.Binding
	switch {
	case m.dialog != nil && m.dialog.stage == stageConfirm:
		keys = []key.Binding{k.Confirm, k.GoBack}
	case m.dialog != nil:
		keys = []key.Binding{k.Open, k.Cancel}
	case m.life.view == lifeList:
		keys = []key.Binding{k.Up, k.Down, k.NextTab, k.Open, k.Revoke, k.Search, k.Back, k.Quit}
	case m.life.view == lifeShow:
		keys = []key.Binding{k.Revoke, k.Back, k.Quit}
	case m.life.view == lifeOrg:
		keys = []key.Binding{k.Back, k.Quit}
	default:
		return keymap.Help{}, false
	}
	return keymap.Help{Short: keys, Full: [][]key.Binding{keys}}, true
}

// tokenLine says the provider issued h's token: when, once the history
// says so, and its ID.
func (m Model) tokenLine(h instruct.Habilitation) string {
	if m.life.tokenAt != nil && m.life.shown != nil && m.life.shown.ID == h.ID {
		return m.lifeWords.Token(*h.ExternalID, *m.life.tokenAt)
	}
	return m.lifeWords.TokenID(*h.ExternalID)
}
