// Package statusbar draws the top line of the screen: who is signed in,
// whether the sync engine is online, how long ago it last synced, the
// decisions waiting to be sent and those the server refused, and the last
// sync error in plain words.
package statusbar

import (
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/component"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

// Model is the status bar.
type Model struct {
	user      string
	sync      *instruct.SyncStatus
	hasSyncer bool
	width     int

	theme *theme.Theme
	msgs  *i18n.Messages
}

// New returns a status bar drawn with env; hasSyncer is false when
// nothing syncs.
func New(env component.Env, hasSyncer bool) Model {
	return Model{theme: env.Theme, msgs: env.Msgs, hasSyncer: hasSyncer}
}

// SetTheme changes the styles.
func (m *Model) SetTheme(th *theme.Theme) { m.theme = th }

// SetWidth sets the width of the line.
func (m *Model) SetWidth(w int) { m.width = w }

// SetUser shows who is signed in and, once the catalogue defs is known,
// the APIs they decide on and those they may only read, by name: "Marie
// Dupont (API Particulier) · read-only access to API Entreprise". u and
// defs are sanitised.
func (m *Model) SetUser(u instruct.User, defs []instruct.Definition) {
	m.user = u.Name
	decide, read := access(u, defs)
	if len(decide) > 0 {
		m.user += " (" + strings.Join(decide, ", ") + ")"
	}
	if len(read) > 0 {
		if len(decide) == 0 && len(read) == len(defs) && len(defs) > 1 {
			read = []string{m.msgs.AllAPIs}
		}
		m.user += " · " + m.msgs.ReadOnlyAccess(strings.Join(read, ", "))
	}
}

// access returns the names of the APIs of defs u decides on, and of those
// u may only read.
func access(u instruct.User, defs []instruct.Definition) (decide, read []string) {
	for _, d := range defs {
		switch {
		case u.CanDecide(d.ID):
			decide = append(decide, d.Name)
		case u.CanSee(d.ID):
			read = append(read, d.Name)
		}
	}
	return decide, read
}

// SetSync shows the sync engine's latest status, sanitised.
func (m *Model) SetSync(s instruct.SyncStatus) { m.sync = &s }

// Sync returns the latest status, if any arrived.
func (m Model) Sync() (instruct.SyncStatus, bool) {
	if m.sync == nil {
		return instruct.SyncStatus{}, false
	}
	return *m.sync, true
}

// View draws the line.
func (m Model) View(now time.Time) string {
	right := m.right(now)
	left := " " + m.msgs.AppName
	if m.user != "" {
		left += " · " + m.user
	}
	room := m.width - frame.Width(right) - 1
	if room < 1 {
		return frame.Fit(right, m.width)
	}
	return m.theme.Title.Paint(frame.Fit(left, room)) + " " + right
}

// right is the sync part, painted, ending with a space.
func (m Model) right(now time.Time) string {
	if !m.hasSyncer {
		return m.theme.Muted.Paint("○ "+m.msgs.NoSync) + " "
	}
	if m.sync == nil {
		return m.theme.Muted.Paint("○ "+m.msgs.Syncing) + " "
	}
	s := *m.sync
	parts := []string{m.state(s, now)}
	if s.Pending > 0 {
		parts = append(parts, m.theme.Pending.Paint("⧗ "+m.msgs.PendingN(s.Pending)))
	}
	if s.Conflicts > 0 {
		parts = append(parts, m.theme.Conflict.Paint("! "+m.msgs.ConflictsN(s.Conflicts)))
	}
	if s.Rejected > 0 {
		parts = append(parts, m.theme.Reject.Paint("✗ "+m.msgs.RejectedN(s.Rejected)))
	}
	if s.LastError != "" {
		parts = append(parts, m.theme.Error.Paint("✗ "+m.lastError(s)))
	}
	return strings.Join(parts, " · ") + " "
}

// lastError says the last sync's failure in the reviewer's language.
func (m Model) lastError(s instruct.SyncStatus) string {
	if s.LastFault != "" {
		return m.msgs.Fault(s.LastFault)
	}
	return m.msgs.SyncError(s.LastErrorCode, s.LastError)
}

// state is online or offline (or the cache damaged), and how long ago
// the last sync was.
func (m Model) state(s instruct.SyncStatus, now time.Time) string {
	var b strings.Builder
	switch {
	case s.Syncing:
		b.WriteString(m.theme.Online.Paint("↻ " + m.msgs.Syncing))
	case s.LastFault == instruct.FaultCacheDamaged:
		b.WriteString(m.theme.Error.Paint("✗ " + m.msgs.CacheDamaged))
	case s.Online:
		b.WriteString(m.theme.Online.Paint("● " + m.msgs.Online))
	default:
		b.WriteString(m.theme.Offline.Paint("○ " + m.msgs.Offline))
	}
	b.WriteString(" · ")
	if s.LastSync.IsZero() {
		b.WriteString(m.msgs.NeverSynced)
	} else {
		b.WriteString(m.msgs.SyncedAgo(now.Sub(s.LastSync)))
	}
	return b.String()
}
