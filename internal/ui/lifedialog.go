package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/form"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// dialogStage is where a revocation or transfer dialog stands.
type dialogStage int

const (
	stageEmail dialogStage = iota
	stageComment
	stageConfirm
	stageSending
)

// lifeDialog asks what a revocation of one habilitation or a transfer
// needs (the e-mail, the comment), then a confirmation naming what changes
// hands or loses access.
type lifeDialog struct {
	kind  instruct.Kind // KindRevoke (of hab) or KindTransfer (of request)
	hab   instruct.Habilitation
	req   instruct.QueueItem
	stage dialogStage
	email []rune
	text  []rune
	// suggestions are the known e-mails starting with email; pick the
	// one chosen with ↑/↓, -1 for none.
	suggestions []string
	pick        int
	err         string
}

// maxDialogText caps what the dialog's fields take.
const maxDialogText = 2000

// askRevoke opens the revocation of habilitation h, if it may be revoked.
func (m Model) askRevoke(h instruct.Habilitation) (tea.Model, tea.Cmd) {
	if m.user != nil && !m.user.CanDecide(h.Definition) {
		m.notice, m.noticeBad = m.msgs.CannotDecide(m.apiName(h.Definition)), true
		return m, nil
	}
	if h.Status != instruct.HabilitationActive {
		m.notice, m.noticeBad = m.lifeWords.NotActive(h.ID.String()), true
		return m, nil
	}
	m.dialog = &lifeDialog{kind: instruct.KindRevoke, hab: h, stage: stageComment, pick: -1}
	return m, nil
}

// openTransfer opens the transfer of the selected request, if the
// reviewer may decide on it.
func (m Model) openTransfer() (Model, tea.Cmd, bool) {
	it, ok := m.queue.Selected()
	if !ok {
		m.notice = m.msgs.NoSelection
		return m, nil, true
	}
	if why := m.forbidden(it, instruct.KindTransfer); why != "" {
		m.notice, m.noticeBad = why, true
		return m, nil, true
	}
	if _, err := instruct.Transition(it.Status, instruct.KindTransfer); err != nil || waiting(it) {
		m.notice, m.noticeBad = m.msgs.ErrTransition(instruct.KindTransfer, it.Status), true
		return m, nil, true
	}
	m.dialog = &lifeDialog{kind: instruct.KindTransfer, req: it, stage: stageEmail, pick: -1}
	return m, m.emailsCmd(""), true
}

// emailsCmd loads the known e-mails starting with prefix.
func (m Model) emailsCmd(prefix string) tea.Cmd {
	ctx, cache := m.ctx, m.lifeCache()
	return func() tea.Msg {
		emails, err := cache.Emails(ctx, prefix, 5)
		if err != nil {
			emails = nil // suggestions only: typing works without them
		}
		return emailsMsg{prefix: prefix, emails: emails}
	}
}

// dialogKey edits the dialog's field, moves between its stages and sends
// it once confirmed.
func (m Model) dialogKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	d := *m.dialog
	m.dialog = &d
	if d.stage == stageSending {
		return m, nil
	}
	if d.stage == stageConfirm {
		switch {
		case key.Matches(k, m.keys.Confirm):
			d.stage = stageSending
			return m, m.recordLifeCmd(d)
		case key.Matches(k, m.keys.GoBack):
			d.stage = stageComment
		}
		return m, nil
	}
	switch {
	case k.String() == "esc":
		m.dialog = nil
		return m, nil
	case k.String() == "enter":
		return m.dialogNext()
	case d.stage == stageEmail && (k.String() == "down" || k.String() == "up"):
		d.pickSuggestion(k.String() == "down")
		return m, nil
	}
	field := &d.text
	if d.stage == stageEmail {
		field = &d.email
	}
	switch {
	case k.String() == "backspace" && len(*field) > 0:
		*field = (*field)[:len(*field)-1]
	case k.Text != "" && k.Mod&(tea.ModCtrl|tea.ModAlt) == 0 && len(*field) < maxDialogText:
		*field = append(*field, []rune(k.Text)...)
	default:
		return m, nil
	}
	d.err = ""
	if d.stage == stageEmail {
		d.pick = -1
		return m, m.emailsCmd(string(d.email))
	}
	return m, nil
}

// dialogPaste adds pasted text to the field being typed, as far as it
// takes.
func (m Model) dialogPaste(text string) (tea.Model, tea.Cmd) {
	d := *m.dialog
	m.dialog = &d
	field := &d.text
	switch d.stage {
	case stageEmail:
		field = &d.email
		text = strings.TrimSpace(text)
	case stageComment:
	default:
		return m, nil
	}
	room := maxDialogText - len(*field)
	add := []rune(text)
	*field = append(*field, add[:min(len(add), max(0, room))]...)
	if d.stage == stageEmail {
		return m, m.emailsCmd(string(d.email))
	}
	return m, nil
}

// pickSuggestion moves the choice among the known e-mails and puts it in
// the field.
func (d *lifeDialog) pickSuggestion(down bool) {
	if len(d.suggestions) == 0 {
		return
	}
	if down {
		d.pick = min(d.pick+1, len(d.suggestions)-1)
	} else {
		d.pick = max(d.pick-1, 0)
	}
	d.email = []rune(d.suggestions[d.pick])
}

// dialogNext moves from the e-mail to the comment, and from the comment
// to the confirmation, when what was typed will do.
func (m Model) dialogNext() (tea.Model, tea.Cmd) {
	d := m.dialog
	if d.stage == stageEmail {
		if strings.TrimSpace(string(d.email)) == "" || !strings.Contains(string(d.email), "@") {
			d.err = m.msgs.ErrCode(instruct.CodeInvalid)
			return m, nil
		}
		d.stage = stageComment
		return m, nil
	}
	kind := d.kind
	if err := instruct.CheckComment(kind, string(d.text)); err != nil {
		d.err = form.ErrorText(m.msgs, kind, err, "")
		return m, nil
	}
	d.stage = stageConfirm
	return m, nil
}

// recordLifeCmd writes the confirmed revocation or transfer into the
// outbox.
func (m Model) recordLifeCmd(d lifeDialog) tea.Cmd {
	ctx, cache := m.ctx, m.lifeCache()
	return func() tea.Msg {
		var op instruct.Operation
		var err error
		if d.kind == instruct.KindTransfer {
			op, err = cache.RecordTransfer(ctx, d.req.ID, strings.TrimSpace(string(d.email)), string(d.text))
		} else {
			op, err = cache.RecordRevokeHabilitation(ctx, d.hab.ID, string(d.text))
		}
		if err != nil {
			err = fmt.Errorf("record %s: %w", d.kind, err)
		}
		return lifeRecordedMsg{op: op, err: err}
	}
}

// onLifeRecorded closes the dialog once its operation is in the outbox
// and reloads what shows it; a refusal goes back to the dialog in plain
// words.
func (m Model) onLifeRecorded(msg lifeRecordedMsg) (Model, tea.Cmd) {
	if m.dialog == nil {
		return m, nil
	}
	if msg.err != nil {
		m.log.Warn("record", "kind", m.dialog.kind, "err", msg.err)
		d := *m.dialog
		d.stage, d.err = stageComment, form.ErrorText(m.msgs, d.kind, msg.err, "")
		m.dialog = &d
		return m, nil
	}
	d := m.dialog
	m.dialog = nil
	if d.kind == instruct.KindTransfer {
		m.notice = m.lifeWords.Transferring(d.req.ID.String(), sanitize.Line(string(d.email)))
	} else {
		m.notice = m.lifeWords.Revoking(d.hab.ID.String())
		if m.life.shown != nil && m.life.shown.ID == d.hab.ID {
			m.life.revoking = true
		}
	}
	m.noticeBad, m.waiting = false, m.notice
	if s, ok := m.status.Sync(); ok {
		s.Pending++
		m.status.SetSync(s)
	}
	if m.opts.Syncer != nil {
		m.opts.Syncer.Trigger()
	}
	mm, refresh := m.refresh(m.queue.SelectedID())
	if mm.life.view == lifeList {
		mm.life.gen++
		return mm, tea.Batch(refresh, mm.habsCmd())
	}
	return mm, refresh
}

// dialogBody draws the dialog in the body, w×h.
func (m Model) dialogBody(w, h int) []string {
	d, lw := m.dialog, m.lifeWords
	var title string
	var lines []string
	if d.kind == instruct.KindTransfer {
		title = lw.TransferTitle(d.req.ID.String(), d.req.Organization)
		lines = append(lines, m.theme.Label.Paint(lw.EmailPrompt), frame.Fit("> "+sanitize.Line(string(d.email)), w-2))
		if d.stage == stageEmail {
			for i, s := range d.suggestions {
				mark := "  "
				if i == d.pick {
					mark = "▶ "
				}
				lines = append(lines, m.theme.Muted.Paint(frame.Fit("  "+mark+s, w-2)))
			}
			lines = append(lines, m.theme.Muted.Paint(lw.KnownEmails))
		}
	} else {
		title = lw.RevokeTitle(d.hab.ID.String())
		lines = append(lines, frame.Indent("", m.losesAccess(d.hab), w-2)...)
	}
	if d.stage >= stageComment {
		lines = append(lines, "", m.theme.Label.Paint(lw.CommentPrompt))
		lines = append(lines, frame.Indent("> ", sanitize.Text(string(d.text)), w-2)...)
	}
	if d.err != "" {
		lines = append(lines, "", m.theme.Error.Paint(frame.Fit(d.err, w-2)))
	}
	lines = append(lines, "")
	switch d.stage {
	case stageConfirm:
		lines = append(lines, frame.Indent("", m.confirmText(*d), w-2)...)
		lines = append(lines, m.theme.Conflict.Paint(lw.ConfirmHint))
	case stageSending:
		lines = append(lines, m.msgs.Loading)
	default:
		lines = append(lines, m.theme.Muted.Paint(lw.EditHint))
	}
	return frame.Box(m.theme.Box(true), title, "", lines, w, h)
}

// confirmText names what the confirmed operation does: who loses access
// to what, or who the request goes to.
func (m Model) confirmText(d lifeDialog) string {
	if d.kind == instruct.KindTransfer {
		return m.lifeWords.TransferTo(d.req.ID.String(), d.req.Organization, sanitize.Line(string(d.email)))
	}
	return m.losesAccess(d.hab)
}

// losesAccess says which organisation loses access to which API and
// scopes when h is revoked.
func (m Model) losesAccess(h instruct.Habilitation) string {
	def := m.defByID[h.Definition]
	scopes := make([]string, len(h.Scopes))
	for i, id := range h.Scopes {
		scopes[i] = scopeText(def, id)
	}
	return h.ID.String() + " — " + m.lifeWords.LosesAccess(h.Organization.Name, m.apiName(h.Definition), scopes)
}

// requestLosesAccess says what revoking request it takes away: its
// organisation's access to its API and the scopes of its active
// habilitations (or, before any is cached, of the request).
func (m Model) requestLosesAccess(it instruct.QueueItem) string {
	d := m.review.Detail()
	if d == nil || d.Request.ID != it.ID {
		return ""
	}
	scopes := d.Request.Scopes
	if active, ok := instruct.ActiveHabilitation(d.Habilitations); ok {
		scopes = active.Scopes
	}
	def := m.defByID[it.Definition]
	texts := make([]string, len(scopes))
	for i, id := range scopes {
		texts[i] = scopeText(def, id)
	}
	return m.lifeWords.LosesAccess(d.Request.Organization.Name, m.apiName(it.Definition), texts)
}
