// Package theme holds every style of the reviewer's screen in one place:
// colours adapted to a dark or light terminal background, or no colour at
// all (NO_COLOR), where state is carried by words and symbols alone.
package theme

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"github.com/instruct-dev/instruct/internal/ui/frame"
)

// Theme is the set of pens components draw with.
type Theme struct {
	// Plain is true when no colour or attribute is used: components then
	// spell out states in words.
	Plain bool

	Text, Muted, Title, Label, Accent  frame.Pen
	Cursor, CursorBlurred              frame.Pen
	Tab, TabActive                     frame.Pen
	Overdue, Pending, Conflict, Reject frame.Pen
	Flag, Error, Notice                frame.Pen
	Good, Bad                          frame.Pen
	Online, Offline                    frame.Pen
	Border, BorderFocused              frame.Pen
	PaneTitle, PaneTitleFocused        frame.Pen
	// DiffOld and DiffNew paint what a change took out (struck out) and
	// put in (underlined): told apart without their hue.
	DiffOld, DiffNew frame.Pen
	Key              frame.Pen
	// Match paints what a find found in a document, MatchCurrent the
	// match the find is on (without colour, marks in the margin say so).
	Match, MatchCurrent frame.Pen

	// Borders draws boxes, FocusedBorders the box that has focus: heavier
	// lines, so focus shows without colour.
	Borders, FocusedBorders lipgloss.Border

	// Help styles the full help screen.
	Help help.Styles
}

// Box returns how to draw a box, focused or not.
func (t Theme) Box(focused bool) frame.BoxStyle {
	if focused {
		return frame.BoxStyle{Border: t.FocusedBorders, Line: t.BorderFocused, Title: t.PaneTitleFocused, RightTitle: t.Muted}
	}
	return frame.BoxStyle{Border: t.Borders, Line: t.Border, Title: t.PaneTitle, RightTitle: t.Muted}
}

// New returns the coloured theme for a dark or light background.
func New(isDark bool) Theme {
	c := lipgloss.LightDark(isDark)
	fg := func(light, dark string) lipgloss.Style {
		return lipgloss.NewStyle().Foreground(c(lipgloss.Color(light), lipgloss.Color(dark)))
	}
	pen := frame.NewPen
	muted := fg("#6C6C6C", "#8A8A8A")
	accent := fg("#005FAF", "#5FAFFF")
	red := fg("#AF0000", "#FF5F5F")
	green := fg("#008700", "#5FD75F")
	t := Theme{
		Muted:            pen(muted),
		Title:            pen(lipgloss.NewStyle().Bold(true)),
		Label:            pen(muted),
		Accent:           pen(accent),
		Cursor:           pen(lipgloss.NewStyle().Bold(true).Background(c(lipgloss.Color("#D7E3F4"), lipgloss.Color("#2A3A55")))),
		CursorBlurred:    pen(lipgloss.NewStyle().Background(c(lipgloss.Color("#E4E4E4"), lipgloss.Color("#303030")))),
		Tab:              pen(muted),
		TabActive:        pen(accent.Bold(true).Reverse(true)),
		Overdue:          pen(red.Bold(true)),
		Pending:          pen(fg("#875F00", "#FFD75F")),
		Conflict:         pen(red.Bold(true)),
		Reject:           pen(red),
		Flag:             pen(fg("#AF5F00", "#FFAF5F").Bold(true)),
		Error:            pen(red),
		Notice:           pen(accent),
		Good:             pen(green),
		Bad:              pen(red),
		Online:           pen(green),
		Offline:          pen(red),
		Border:           pen(fg("#BCBCBC", "#4E4E4E")),
		BorderFocused:    pen(accent),
		PaneTitle:        pen(muted.Bold(true)),
		PaneTitleFocused: pen(accent.Bold(true)),
		DiffOld:          pen(red.Strikethrough(true)),
		DiffNew:          pen(green.Underline(true)),
		Key:              pen(accent.Bold(true)),
		Match:            pen(lipgloss.NewStyle().Background(c(lipgloss.Color("#FFF3B0"), lipgloss.Color("#5F5F00")))),
		MatchCurrent:     pen(lipgloss.NewStyle().Bold(true).Reverse(true)),
	}
	t.Borders, t.FocusedBorders = lipgloss.RoundedBorder(), lipgloss.ThickBorder()
	t.Help = helpStyles(accent.Bold(true), muted, muted)
	return t
}

// Plain returns the theme without colour or attributes, for NO_COLOR,
// terminals without colour, and tests.
func Plain() Theme {
	t := Theme{Plain: true}
	t.Borders, t.FocusedBorders = lipgloss.NormalBorder(), lipgloss.ThickBorder()
	s := lipgloss.NewStyle()
	t.Help = helpStyles(s, s, s)
	return t
}

func helpStyles(key, desc, sep lipgloss.Style) help.Styles {
	return help.Styles{
		Ellipsis: sep, ShortKey: key, ShortDesc: desc, ShortSeparator: sep,
		FullKey: key, FullDesc: desc, FullSeparator: sep,
	}
}
