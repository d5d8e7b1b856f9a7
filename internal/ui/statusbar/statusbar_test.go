package statusbar

import (
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/component"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

func TestStatusBarSaysWhereSyncStands(t *testing.T) {
	now := time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		hasSyncer bool
		status    *instruct.SyncStatus
		want      []string
	}{
		{"no sync engine", false, nil, []string{"sans synchronisation"}},
		{"waiting for the first status", true, nil, []string{"synchronisation…"}},
		{"offline, never synced", true, &instruct.SyncStatus{}, []string{"○ hors ligne", "jamais synchronisé"}},
		{"online with work", true, &instruct.SyncStatus{Online: true, LastSync: now.Add(-3 * time.Minute), Pending: 3, Rejected: 1},
			[]string{"● en ligne", "synchronisé il y a 3 min", "⧗ 3 en attente", "✗ 1 rejetée"}},
		{"error, said in French without its English text", true, &instruct.SyncStatus{LastSync: now.Add(-time.Hour), LastError: "database disk image is malformed", LastErrorCode: instruct.CodeInternal},
			[]string{"○ hors ligne", "erreur de synchronisation : erreur interne (détails dans le journal)"}},
		{"offline, said in French", true, &instruct.SyncStatus{LastError: "the server is out of reach", LastErrorCode: instruct.CodeUnavailable},
			[]string{"○ hors ligne", "✗ serveur injoignable, décisions gardées"}},
		{"server answering 503, said in French", true, &instruct.SyncStatus{LastError: "the server is unavailable for now", LastErrorCode: instruct.CodeUnavailable, LastFault: instruct.FaultServerUnavailable},
			[]string{"○ hors ligne", "✗ serveur indisponible, décisions gardées"}},
		{"full disk, said in French", true, &instruct.SyncStatus{Online: true, LastError: "disk full", LastErrorCode: instruct.CodeInternal, LastFault: instruct.FaultDiskFull},
			[]string{"✗ disque plein : libérez de la place ; décisions gardées"}},
		{"damaged cache, never online", true, &instruct.SyncStatus{Online: true, LastSync: now.Add(-time.Minute), LastError: "the local cache is damaged", LastFault: instruct.FaultCacheDamaged},
			[]string{"✗ cache endommagé", "cache endommagé, encore ouvert par un autre instruct"}},
		{"token refused, said in French", true, &instruct.SyncStatus{Online: true, LastError: "the server refused the token", LastErrorCode: instruct.CodeUnauthorized},
			[]string{"le serveur refuse le jeton : reconnectez-vous"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			th, msgs := theme.Plain(), i18n.French()
			m := New(component.Env{Theme: &th, Msgs: &msgs}, tc.hasSyncer)
			m.SetWidth(160)
			m.SetUser(instruct.User{Name: "Marie Dupont", Roles: []instruct.Grant{{Definition: "api_particulier", Role: instruct.RoleInstructor}}}, []instruct.Definition{{ID: "api_particulier", Name: "API Particulier"}})
			if tc.status != nil {
				m.SetSync(*tc.status)
			}
			line := m.View(now)
			if frame.Width(line) != 160 {
				t.Errorf("View() is %d cells wide, want 160", frame.Width(line))
			}
			if tc.status != nil && tc.status.LastError != "" && strings.Contains(line, tc.status.LastError) {
				t.Errorf("View() = %q shows the engine's English error text", line)
			}
			for _, want := range append(tc.want, "Marie Dupont (API Particulier)") {
				if !strings.Contains(line, want) {
					t.Errorf("View() = %q, lacks %q", line, want)
				}
			}
			if tc.status != nil && tc.status.LastFault == instruct.FaultCacheDamaged && strings.Contains(line, "en ligne") {
				t.Errorf("View() = %q, says online over a damaged cache", line)
			}
		})
	}
}
