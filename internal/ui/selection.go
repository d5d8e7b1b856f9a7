package ui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// The screen names one request at a time: the selected one. Its ID is
// the only source the review's header, its panes, the history and every
// action read; the review shows a request's details only while they are
// those of the selected request, and loads them again whenever the
// selection, the layout or the data changes (see follow).

// selectedID returns the request everything on screen is about: the one
// the open form decides on, or else the one under the queue's cursor.
func (m Model) selectedID() instruct.RequestID {
	if m.overlay == overlayForm {
		return m.form.Target().RequestID
	}
	return m.queue.SelectedID()
}

// needsDetail reports whether something on screen shows the selected
// request's details or history.
func (m Model) needsDetail() bool {
	return m.reviewVisible() || m.overlay == overlayTimeline || m.overlay == overlayForm
}

// follow runs after every message: when the selected request is not the
// one whose details were asked for last and something shows them, it asks
// for them. Whatever moved the selection (a key, a resize that shows the
// review, a sync that reordered the queue, a search), the review catches
// up, and until the details arrive it shows none.
func (m Model) follow() (Model, tea.Cmd) {
	id := m.selectedID()
	if id == 0 {
		m.detailID = 0
		m.review.SetDetail(nil)
		return m, nil
	}
	if id == m.detailID || !m.needsDetail() {
		return m, nil
	}
	m.detailID = id
	return m, m.detailCmd(id)
}

// cursorMoved records that the reviewer moved the queue's cursor: a query
// still loading keeps the cursor on that new choice, not on the one made
// before it started.
func (m Model) cursorMoved() (Model, tea.Cmd) {
	if m.query.keepID != 0 {
		m.query.keepID = m.queue.SelectedID()
	}
	return m, nil
}

// shown reports whether the review holds the details of the selected
// request, so that they may be drawn.
func (m Model) shown() bool {
	d := m.review.Detail()
	return d != nil && d.Request.ID == m.selectedID()
}
