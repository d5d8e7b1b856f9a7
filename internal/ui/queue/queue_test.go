package queue

import (
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/keymap"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

var now = time.Date(2026, 3, 16, 9, 0, 0, 0, time.UTC)

func items(n int) []instruct.QueueItem {
	out := make([]instruct.QueueItem, n)
	for i := range out {
		submitted := now.Add(-time.Duration(i%60) * 24 * time.Hour)
		out[i] = instruct.QueueItem{ID: instruct.RequestID(1000 + i), Definition: "api_particulier",
			Organization: "Commune n°" + strconv.Itoa(i), Status: instruct.StatusSubmitted, SubmittedAt: &submitted}
	}
	return out
}

func newQueue(t testing.TB, th theme.Theme) Model {
	msgs := i18n.French()
	keys := keymap.New(msgs.Keys)
	m := New(&th, &msgs, &keys)
	m.SetAPIs(map[string]API{"api_particulier": {Short: "Particulier", Deadline: 30 * 24 * time.Hour}})
	return m
}

func TestViewDrawsOnlyTheRowsOnScreen(t *testing.T) {
	m := newQueue(t, theme.Plain())
	m.SetItems(items(100_000), 0)
	m.SetLoading(false)
	m.SetSize(80, 20)
	m.Select(50_000)
	lines := m.View(now, "File")
	if len(lines) != 20 {
		t.Fatalf("View() has %d lines, want 20", len(lines))
	}
	for _, l := range lines {
		if frame.Width(l) != 80 {
			t.Errorf("line %q is %d cells wide, want 80", l, frame.Width(l))
		}
	}
	if row := lines[18]; !strings.Contains(row, "▶ D51000") {
		t.Errorf("the last row is %q, want the selected D51000", row)
	}
	if !strings.Contains(lines[0], "50001/100000") {
		t.Errorf("the top edge %q does not say where the cursor is", lines[0])
	}
}

func TestRowsSpellStatesWithoutColour(t *testing.T) {
	m := newQueue(t, theme.Plain())
	list := items(4)
	list[0].Op, list[1].Op, list[2].Op = instruct.OpPending, instruct.OpConflict, instruct.OpRejected
	list[3].SubmittedAt = ptr(now.Add(-45 * 24 * time.Hour))
	m.SetItems(list, 0)
	m.SetSize(100, 8)
	view := strings.Join(m.View(now, "File"), "\n")
	for _, want := range []string{"⧗ en attente", "! conflit", "✗ rejetée", "⚑45 j"} {
		if !strings.Contains(view, want) {
			t.Errorf("the queue does not show %q:\n%s", want, view)
		}
	}
}

func TestKeysMoveTheCursor(t *testing.T) {
	m := newQueue(t, theme.Plain())
	m.SetItems(items(100), 0)
	m.SetSize(80, 12)
	tests := []struct {
		key  tea.KeyPressMsg
		want int
	}{
		{tea.KeyPressMsg{Code: 'j', Text: "j"}, 1},
		{tea.KeyPressMsg{Code: tea.KeyPgDown}, 10},
		{tea.KeyPressMsg{Code: 'G', Text: "G"}, 99},
		{tea.KeyPressMsg{Code: tea.KeyDown}, 99},
		{tea.KeyPressMsg{Code: 'g', Text: "g"}, 0},
		{tea.KeyPressMsg{Code: 'k', Text: "k"}, 0},
	}
	for _, tc := range tests {
		m, _ = m.Update(tc.key)
		if m.Cursor() != tc.want {
			t.Errorf("after %s the cursor is at %d, want %d", tc.key, m.Cursor(), tc.want)
		}
	}
}

func TestSetItemsKeepsTheSelectedRequest(t *testing.T) {
	m := newQueue(t, theme.Plain())
	m.SetItems(items(10), 0)
	m.SetSize(80, 12)
	m.Select(5)
	reordered := items(10)
	reordered[0], reordered[5] = reordered[5], reordered[0]
	m.SetItems(reordered, 1005)
	if got := m.SelectedID(); got != 1005 {
		t.Errorf("after a reload the cursor is on %s, want D1005", got)
	}
}

func BenchmarkViewOf100000(b *testing.B) {
	m := newQueue(b, theme.New(true))
	m.SetItems(items(100_000), 0)
	m.SetSize(60, 48)
	for b.Loop() {
		m.Move(1)
		m.View(now, "File")
	}
}

func ptr[T any](v T) *T { return &v }
