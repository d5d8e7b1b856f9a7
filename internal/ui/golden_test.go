package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/ui/frame"
)

// sizes are the window sizes of the golden files: the narrow, medium and
// wide layouts.
var sizes = [][2]int{{80, 24}, {120, 40}, {200, 50}}

// screens are the states drawn in golden files, each reached by keys from
// a fresh screen.
var screens = []struct {
	name  string
	reach func(d *driver, f fixture)
}{
	{"queue", func(d *driver, f fixture) {}},
	{"review", func(d *driver, f fixture) { d.selectRequest(f.flagged); d.keys("enter") }},
	{"timeline", func(d *driver, f fixture) { d.selectRequest(f.resubmitted); d.keys("t") }},
	{"form", func(d *driver, f fixture) {
		d.selectRequest(f.flagged)
		d.keys("enter", "x")
		d.typeText("Le cadre juridique cité ne couvre pas les données fiscales demandées.")
		d.keys("enter")
		d.typeText("Merci de préciser la délibération.")
	}},
	{"confirm", func(d *driver, f fixture) {
		d.selectRequest(f.flagged)
		d.keys("enter", "x")
		d.typeText("Le cadre juridique cité ne couvre pas les données fiscales demandées.")
		d.keys("ctrl+s")
	}},
	{"conflict", func(d *driver, f fixture) { d.selectRequest(f.conflicted); d.keys("enter") }},
	{"help", func(d *driver, f fixture) { d.keys("enter", "?") }},
	{"search", func(d *driver, f fixture) { d.keys("/"); d.typeText("cantine") }},
	{"mine", func(d *driver, f fixture) { d.keys("shift+tab") }},
	{"approved", func(d *driver, f fixture) { d.keys("tab", "tab") }},
	{"stats", func(d *driver, f fixture) { d.keys("S") }},
	{"stats-api", func(d *driver, f fixture) { d.keys("S", "f", "j", "enter", "j") }},
}

// tooSmall are windows below the minimum, one per golden size.
var tooSmallSizes = [][2]int{{79, 24}, {120, 23}, {40, 10}}

func TestGoldenScreens(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"fr", "en"} {
		for _, sz := range sizes {
			for _, sc := range screens {
				name := fmt.Sprintf("%s-%s-%dx%d", sc.name, lang, sz[0], sz[1])
				t.Run(name, func(t *testing.T) {
					// Each screen starts with no draft left by the one before.
					t.Cleanup(func() { f.st.DeleteDraft(context.Background(), f.flagged) })
					d := newDriver(t, Options{Cache: f.st, Lang: lang}, sz[0], sz[1])
					sc.reach(d, f)
					got := d.screen()
					checkFrame(t, got, sz[0], sz[1])
					golden(t, name, got)
				})
			}
		}
		for i, sz := range tooSmallSizes {
			name := fmt.Sprintf("too-small-%s-%d", lang, i+1)
			t.Run(name, func(t *testing.T) {
				d := newDriver(t, Options{Cache: f.st, Lang: lang}, sz[0], sz[1])
				got := d.screen()
				if !strings.Contains(got, "80×24") {
					t.Errorf("View() at %dx%d = %q, want the minimum size 80×24", sz[0], sz[1], got)
				}
				golden(t, name, got)
			})
		}
	}
}

// checkFrame fails t unless frame is h lines of w cells without escape
// sequences (colour is off).
func checkFrame(t *testing.T, got string, w, h int) {
	t.Helper()
	lines := strings.Split(got, "\n")
	if len(lines) != h {
		t.Errorf("View() has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := frame.Width(l); n != w {
			t.Errorf("View() line %d is %d cells wide, want %d: %q", i, n, w, l)
		}
	}
	if strings.ContainsRune(got, '\x1b') {
		t.Errorf("View() with colour off holds an escape sequence")
	}
}
