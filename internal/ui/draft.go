package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/conflict"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// Nothing the reviewer writes is lost: the comment of an open form is
// kept in the cache as a draft of its request as it is typed (one save at
// a time, the latest text last), offered again by the next form on that
// request, and forgotten once sent or deliberately thrown away.

// draftState follows the draft of the open form.
type draftState struct {
	// checked is set once the cache said whether the form's request had
	// a draft: until then nothing else is put in the form.
	checked bool
	// saving is set while a save runs; dirty when the text changed since
	// it started.
	saving, dirty bool
	// forget names a request whose draft must go once the save under
	// way lands: it was sent or thrown away meanwhile.
	forget instruct.RequestID
}

// draftMsg carries the draft of request id, if any.
type draftMsg struct {
	id    instruct.RequestID
	draft instruct.Draft
	ok    bool
	err   error
}

// draftSavedMsg reports a draft saved, or why not.
type draftSavedMsg struct{ err error }

// draftCmd loads the draft of request id.
func (m Model) draftCmd(id instruct.RequestID) tea.Cmd {
	ctx, cache := m.ctx, m.opts.Cache
	return func() tea.Msg {
		d, ok, err := cache.Draft(ctx, id)
		if err != nil {
			err = fmt.Errorf("load draft of %s: %w", id, err)
		}
		return draftMsg{id: id, draft: sanitize.Value(d), ok: ok, err: err}
	}
}

// saveDraft keeps the form's comment, or marks it to be kept once the
// save under way is done.
func (m Model) saveDraft() (Model, tea.Cmd) {
	if m.draft.saving {
		m.draft.dirty = true
		return m, nil
	}
	m.draft.saving, m.draft.dirty = true, false
	return m, m.saveDraftCmd()
}

// saveDraftCmd writes the form's comment as the draft of its request.
func (m Model) saveDraftCmd() tea.Cmd {
	ctx, cache := m.ctx, m.opts.Cache
	id, kind, comment := m.form.Target().RequestID, m.form.Kind(), m.form.Comment()
	return func() tea.Msg {
		err := cache.SaveDraft(ctx, id, kind, comment)
		if err != nil {
			err = fmt.Errorf("save draft of %s: %w", id, err)
		}
		return draftSavedMsg{err: err}
	}
}

// onDraftSaved saves again when the text changed meanwhile.
func (m Model) onDraftSaved(msg draftSavedMsg) (Model, tea.Cmd) {
	m.draft.saving = false
	if msg.err != nil {
		m.fail(msg.err)
	}
	if id := m.draft.forget; id != 0 {
		m.draft.forget = 0
		return m, m.deleteDraftCmd(id)
	}
	if m.draft.dirty && m.overlay == overlayForm {
		return m.saveDraft()
	}
	return m, nil
}

// forgetDraft deletes the draft of request id, sent or thrown away; a
// save still under way is deleted once it lands.
func (m Model) forgetDraft(id instruct.RequestID) (Model, tea.Cmd) {
	m.draft.dirty = false
	if m.draft.saving {
		m.draft.forget = id
	}
	return m, m.deleteDraftCmd(id)
}

// deleteDraftCmd forgets the draft of request id.
func (m Model) deleteDraftCmd(id instruct.RequestID) tea.Cmd {
	ctx, cache := m.ctx, m.opts.Cache
	return func() tea.Msg {
		if err := cache.DeleteDraft(ctx, id); err != nil {
			return draftSavedMsg{err: fmt.Errorf("delete draft of %s: %w", id, err)}
		}
		return nil
	}
}

// onDraft puts the draft in the form it was asked for; without one, the
// comment of the reviewer's decision in conflict, if any.
func (m Model) onDraft(msg draftMsg) Model {
	if m.overlay != overlayForm || m.form.Target().RequestID != msg.id {
		return m
	}
	if msg.err != nil {
		m.fail(msg.err)
	}
	m.draft.checked = true
	if msg.ok && m.form.Restore(msg.draft.Comment, m.msgs.DraftRestored) {
		return m
	}
	m.offerConflict()
	return m
}

// offerConflict links the open form to the reviewer's decision in
// conflict on its request, once the review has loaded it, and starts the
// form from that decision's comment when no draft came first.
func (m *Model) offerConflict() {
	d := m.review.Detail()
	if m.overlay != overlayForm || d == nil || d.Request.ID != m.form.Target().RequestID {
		return
	}
	if d.Op == nil || !conflict.Needs(*d.Op) {
		return
	}
	m.form.SetReplaces(d.Op.ID)
	if m.draft.checked {
		m.form.Restore(d.Op.Comment, m.msgs.ConflictRestored)
	}
}
