package ui

import (
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// TestHelpScrollsOnASmallScreen: at 80×24 the review's help is taller than its box;
// its title says so, and j, G and g bring the queue's legend into view and
// back, in both languages.
func TestHelpScrollsOnASmallScreen(t *testing.T) {
	for _, lang := range []string{"en", "fr"} {
		t.Run(lang, func(t *testing.T) {
			f := newFixture(t)
			d := newDriver(t, Options{Cache: f.st, Lang: lang}, 80, 24)
			legend := firstLine(i18n.For(lang).Legend)
			d.keys("enter", "?")
			if strings.Contains(d.screen(), legend) {
				t.Fatalf("the test needs a help taller than 80×24; the legend already shows:\n%s", d.screen())
			}
			if !strings.Contains(d.screen(), "j/k") {
				t.Errorf("the help's title does not say it scrolls:\n%s", d.screen())
			}
			d.keys("G")
			if !strings.Contains(d.screen(), legend) {
				t.Errorf("G did not bring the legend into view:\n%s", d.screen())
			}
			d.keys("g")
			if strings.Contains(d.screen(), legend) {
				t.Errorf("g did not go back to the top:\n%s", d.screen())
			}
			for range 40 {
				d.keys("j")
			}
			if !strings.Contains(d.screen(), legend) {
				t.Errorf("j did not scroll to the legend:\n%s", d.screen())
			}
			d.keys("esc", "?")
			if strings.Contains(d.screen(), legend) {
				t.Errorf("the help opened again where it was left, not at its top")
			}
		})
	}
}

// firstLine is the first line of s, cut to 30 bytes at a space so that a
// narrow screen still holds it whole.
func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 30 {
		if i := strings.LastIndex(s[:30], " "); i > 0 {
			s = s[:i]
		}
	}
	return strings.TrimSpace(s)
}
