package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/statsview"
)

// The statistics screen: S opens it over the body, computed from the
// cache in a command; it is computed again whenever a sync brings
// changes while it is open, and on r.

// statsMsg carries the figures of the statistics' generation gen.
type statsMsg struct {
	gen  int
	data statsview.Data
	err  error
}

// openStats opens the statistics and computes them.
func (m Model) openStats() (Model, tea.Cmd, bool) {
	m.overlay = overlayStats
	m.layout()
	cmd := m.loadStats(m.statsView.API())
	return m, cmd, true
}

// loadStats starts computing the figures of api ("" for all), unless the
// cache cannot give them.
func (m *Model) loadStats(api string) tea.Cmd {
	src, ok := m.opts.Cache.(statsview.Source)
	if !ok {
		m.statsView.SetFailed()
		return nil
	}
	m.statsGen++
	m.statsView.SetLoading()
	gen, ctx, now, loc := m.statsGen, m.ctx, m.opts.Now(), m.opts.Location
	return func() tea.Msg {
		d, err := statsview.Load(ctx, src, api, now, loc)
		if err != nil {
			err = fmt.Errorf("compute statistics: %w", err)
		}
		return statsMsg{gen: gen, data: d, err: err}
	}
}

// onStats shows the figures of the latest computation.
func (m Model) onStats(msg statsMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.statsGen {
		return m, nil
	}
	if msg.err != nil {
		m.log.Error("statistics", "error", msg.err.Error())
		m.statsView.SetFailed()
		return m, nil
	}
	m.statsView.SetData(msg.data)
	return m, nil
}

// refreshStats computes the figures again while the screen is open.
func (m *Model) refreshStats() tea.Cmd {
	if m.overlay != overlayStats {
		return nil
	}
	return m.loadStats(m.statsView.API())
}

// statsKey hands a key to the statistics: Esc goes back to the queue,
// Enter opens the request selected, f filters, r syncs and recomputes.
func (m Model) statsKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	var action statsview.Action
	m.statsView, action = m.statsView.Update(k)
	switch action {
	case statsview.Back:
		m.overlay = overlayNone
		m.layout()
	case statsview.Open:
		return m.openFromStats(m.statsView.Selected())
	case statsview.Filter:
		return m, m.loadStats(m.statsView.API())
	case statsview.Refresh:
		m.syncNow()
		return m, m.loadStats(m.statsView.API())
	case statsview.Ignored:
		return m.statsOtherKey(k)
	}
	return m, nil
}

// statsOtherKey handles the keys of the whole screen that work on the
// statistics too: help (which goes back to them) and quit.
func (m Model) statsOtherKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Quit):
		return m, tea.Quit
	case key.Matches(k, m.keys.Help):
		m.helpFor, m.overlay, m.afterHelp = m.currentHelp(), overlayHelp, overlayStats
		m.layout()
	}
	return m, nil
}

// openFromStats leaves the statistics for the review of request id, in
// the All tab with no search nor filter, so the queue holds it.
func (m Model) openFromStats(id instruct.RequestID) (tea.Model, tea.Cmd) {
	m.overlay = overlayNone
	m.query.tab, m.query.text, m.query.searching, m.query.api = len(tabStatuses()), "", false, ""
	m.focus = focusReview
	return m.reload(id)
}
