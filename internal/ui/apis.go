package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/picker"
)

// The API filter: f lists every API the reviewer sees, and all of them,
// to pick from; the current filter is highlighted.

// openAPIs opens the list of APIs to filter the queue by.
func (m Model) openAPIs() (Model, tea.Cmd, bool) {
	ids := []string{""}
	items := []picker.Item{{Title: m.msgs.EveryAPI}}
	for _, d := range m.defs {
		if m.user == nil || m.user.CanSee(d.ID) {
			ids = append(ids, d.ID)
			items = append(items, picker.Item{Title: d.Name})
		}
	}
	current := 0
	for i, id := range ids {
		if id == m.query.api {
			current = i
		}
	}
	items[current].Note = m.msgs.CurrentFilter
	m.apis = picker.New(items, m.theme, picker.KeysOf(m.keys, m.keys.Choose, m.keys.Cancel))
	m.apiIDs = ids
	m.apis.Select(current)
	m.overlay = overlayPicker
	m.layout()
	return m, nil, true
}

// pickerKey moves in the list of APIs; Enter filters the queue by the
// one highlighted, Esc leaves the filter as it was.
func (m Model) pickerKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	var action picker.Action
	m.apis, action = m.apis.Update(k)
	switch action {
	case picker.Picked:
		m.overlay = overlayNone
		m.query.api = m.apiIDs[m.apis.Cursor()]
		return m.reload(m.queue.SelectedID())
	case picker.Back:
		m.overlay = overlayNone
		m.layout()
	case picker.Ignored:
		if key.Matches(k, m.keys.Quit) {
			return m, tea.Quit
		}
	}
	return m, nil
}

// pickerRect returns where the list of APIs goes: the review area beside
// the queue on a wide screen, else the whole body.
func (m Model) pickerRect() rect {
	if m.class() == wide {
		_, area := m.regions()
		return area
	}
	return rect{0, bodyTop, m.width, m.height - chromeRows}
}

// pickerView draws the list of APIs in its box, r.h lines high.
func (m Model) pickerView(r rect) []string {
	body := append([]string{strings.Repeat(" ", max(0, r.w-2))}, m.apis.View()...)
	return frame.BoxExact(m.theme.Box(true), m.msgs.PickAPI, "", body, r.w, r.h)
}
