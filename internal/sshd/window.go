package sshd

import tea "charm.land/bubbletea/v2"

// The largest window a session's screen may have: wider than a 4K
// display in a small font. A PTY request or a window change claiming
// more (the SSH protocol allows four billion columns) is clamped, so
// that one session's screen buffers stay within a few megabytes however
// large a size its client claims.
const (
	MaxWidth  = 500
	MaxHeight = 200
)

// clampWindow returns w×h within MaxWidth×MaxHeight.
func clampWindow(w, h int) (int, int) {
	return max(0, min(w, MaxWidth)), max(0, min(h, MaxHeight))
}

// sessionFilter is the filter of a session's program: a window size is
// clamped to MaxWidth×MaxHeight, and a suspend (ctrl+z) resumes at once,
// since the server's process must never stop.
func sessionFilter(_ tea.Model, msg tea.Msg) tea.Msg {
	switch m := msg.(type) {
	case tea.WindowSizeMsg:
		m.Width, m.Height = clampWindow(m.Width, m.Height)
		return m
	case tea.SuspendMsg:
		return tea.ResumeMsg{}
	}
	return msg
}
