package ui

import (
	"image/color"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

func TestColourFollowsTerminal(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st}, 120, 40)
	d.m.opts.NoColor, d.m.plain = false, false
	d.m.applyTheme()
	d.send(tea.BackgroundColorMsg{Color: color.Black})
	dark := d.screen()
	d.send(tea.BackgroundColorMsg{Color: color.White})
	light := d.screen()
	if !strings.Contains(dark, "\x1b[") || dark == light {
		t.Errorf("the screen is not coloured, or the same on dark and light backgrounds")
	}
	d.send(tea.ColorProfileMsg{Profile: colorprofile.ASCII})
	if plain := d.screen(); strings.Contains(plain, "\x1b") {
		t.Errorf("with a colour profile without colour (NO_COLOR) the screen still holds escape sequences")
	}
}

func TestMouseSelectsAndScrolls(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st, Mouse: true}, 120, 40)
	if d.m.View().MouseMode != tea.MouseModeCellMotion {
		t.Fatalf("Options.Mouse did not turn on mouse capture")
	}
	d.send(tea.MouseClickMsg{X: 10, Y: 3 + 4, Button: tea.MouseLeft})
	if got := d.m.queue.Cursor(); got != 4 {
		t.Errorf("a click on the fifth row put the cursor on row %d, want 4", got)
	}
	d.send(tea.MouseWheelMsg{X: 10, Y: 10, Button: tea.MouseWheelDown})
	if d.m.queue.Offset() != wheelStep {
		t.Errorf("a wheel notch scrolled the queue to %d, want %d", d.m.queue.Offset(), wheelStep)
	}
}
