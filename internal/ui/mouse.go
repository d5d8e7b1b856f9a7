package ui

import (
	tea "charm.land/bubbletea/v2"
)

// onMouse scrolls what is under the wheel and selects the clicked row.
func (m Model) onMouse(msg tea.Msg) (tea.Model, tea.Cmd) {
	if m.class() == tooSmall || m.overlay == overlayHelp || m.overlay == overlayForm || m.overlay == overlayPicker {
		return m, nil
	}
	q, area := m.regions()
	switch msg := msg.(type) {
	case tea.MouseWheelMsg:
		return m.wheel(msg.Mouse(), q, area)
	case tea.MouseClickMsg:
		return m.click(msg.Mouse(), q, area)
	}
	return m, nil
}

// wheelStep is how many lines a wheel notch scrolls.
const wheelStep = 3

func (m Model) wheel(e tea.Mouse, q, area rect) (tea.Model, tea.Cmd) {
	delta := wheelStep
	if e.Button == tea.MouseWheelUp {
		delta = -wheelStep
	} else if e.Button != tea.MouseWheelDown {
		return m, nil
	}
	switch {
	case q.contains(e.X, e.Y):
		m.queue.Scroll(delta)
		return m.cursorMoved()
	case area.contains(e.X, e.Y) && m.overlay == overlayTimeline:
		m.timeline.Scroll(delta)
	case area.contains(e.X, e.Y):
		m.review.ScrollAt(e.X-area.x, delta)
	}
	return m, nil
}

func (m Model) click(e tea.Mouse, q, area rect) (tea.Model, tea.Cmd) {
	if e.Button != tea.MouseLeft {
		return m, nil
	}
	switch {
	case q.contains(e.X, e.Y):
		if i := m.queue.RowAt(e.Y - q.y); i >= 0 {
			m.queue.Select(i)
			m.setFocus(focusQueue)
			return m.cursorMoved()
		}
	case area.contains(e.X, e.Y) && m.overlay == overlayNone:
		m.setFocus(focusReview)
		m.review.ScrollAt(e.X-area.x, 0)
	}
	return m, nil
}
