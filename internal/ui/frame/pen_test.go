package frame

import (
	"testing"

	"charm.land/lipgloss/v2"
)

func TestPenPaintsLikeLipgloss(t *testing.T) {
	tests := []struct {
		name  string
		style lipgloss.Style
	}{
		{"empty", lipgloss.NewStyle()},
		{"bold", lipgloss.NewStyle().Bold(true)},
		{"colours", lipgloss.NewStyle().Foreground(lipgloss.Color("#ff0000")).Background(lipgloss.Color("#000080"))},
		{"reverse", lipgloss.NewStyle().Reverse(true).Foreground(lipgloss.Color("#5FAFFF"))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			const s = "Ville de Lyon — CCAS"
			if got, want := NewPen(tc.style).Paint(s), tc.style.Render(s); got != want {
				t.Errorf("NewPen(%s).Paint(%q) = %q, want %q", tc.name, s, got, want)
			}
		})
	}
}

func BenchmarkPen(b *testing.B) {
	p := NewPen(lipgloss.NewStyle().Foreground(lipgloss.Color("#ff0000")).Bold(true))
	for b.Loop() {
		p.Paint("Ville de Lyon — CCAS")
	}
}
