// Package keymap holds every key binding of the reviewer's screen with its
// help text. The same bindings drive Update and the help screen, so the
// help can never disagree with the code.
package keymap

import (
	"charm.land/bubbles/v2/key"

	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// KeyMap is every binding, grouped by where it applies.
type KeyMap struct {
	Up, Down, Top, Bottom, PageUp, PageDown key.Binding

	Open, NextTab, PrevTab key.Binding

	Back, NextPane, PrevPane, Pane1, Pane2, Pane3 key.Binding
	NextRequest, PrevRequest                      key.Binding

	Approve, Refuse, RequestChanges, Note, Timeline, Discard key.Binding
	Revoke, Archive, Message, Claim                          key.Binding
	Search, Filter, Sort, Sync, Help, Quit, ForceQuit        key.Binding
	Copy                                                     key.Binding
	// Stats opens the statistics.
	Stats key.Binding
	// Conversation shows the messages with the applicant alone.
	Conversation key.Binding

	Send, Template, Cancel key.Binding
	Confirm, GoBack        key.Binding
	Pick                   key.Binding

	SearchDone, SearchClear, Close key.Binding

	// Choose picks the highlighted item of a list, such as an API.
	Choose key.Binding

	// Doc are the keys of attached documents.
	Doc DocumentKeys

	// Habilitations opens the habilitations (H), Transfer gives the
	// request to another user (T), Organization shows the organisation's
	// history (O); SetLife names them.
	Habilitations, Transfer, Organization key.Binding
}

// SetLife binds H, T and O with their help in the screen's words.
func (k *KeyMap) SetLife(habilitations, transfer, organization string) {
	k.Habilitations = key.NewBinding(key.WithKeys("H"), key.WithHelp("H", habilitations))
	k.Transfer = key.NewBinding(key.WithKeys("T"), key.WithHelp("T", transfer))
	k.Organization = key.NewBinding(key.WithKeys("O"), key.WithHelp("O", organization))
}

// New returns the key map with help in the words of h.
func New(h i18n.KeyHelp) KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:       b("↑/k", h.Up, "up", "k"),
		Down:     b("↓/j", h.Down, "down", "j"),
		Top:      b("g", h.Top, "g", "home"),
		Bottom:   b("G", h.Bottom, "G", "end"),
		PageUp:   b("pgup", h.PageUp, "pgup", "ctrl+u", "ctrl+b"),
		PageDown: b("pgdn", h.PageDown, "pgdown", "ctrl+d", "ctrl+f"),

		Open:    b("enter", h.Open, "enter"),
		NextTab: b("tab/→", h.NextTab, "tab", "right", "l"),
		PrevTab: b("⇧tab/←", h.PrevTab, "shift+tab", "left", "h"),

		Back:        b("esc", h.Back, "esc"),
		NextPane:    b("tab", h.NextPane, "tab", "right", "l"),
		PrevPane:    b("⇧tab", h.PrevPane, "shift+tab", "left", "h"),
		Pane1:       b("1 2 3", h.Panes, "1"),
		Pane2:       b("2", h.Panes, "2"),
		Pane3:       b("3", h.Panes, "3"),
		NextRequest: b("J", h.NextRequest, "J"),
		PrevRequest: b("K", h.PrevRequest, "K"),

		Approve:        b("a", h.Approve, "a"),
		Refuse:         b("x", h.Refuse, "x"),
		RequestChanges: b("c", h.RequestChanges, "c"),
		Note:           b("n", h.Note, "n"),
		Revoke:         b("R", h.Revoke, "R"),
		Archive:        b("z", h.Archive, "z"),
		Message:        b("m", h.Message, "m"),
		Timeline:       b("t", h.Timeline, "t"),
		Discard:        b("D", h.Discard, "D"),
		Copy:           b("y", h.Copy, "y"),
		Claim:          b("C", h.Claim, "C"),
		Stats:          b("S", h.Stats, "S"),
		Conversation:   b("M", h.Conversation, "M"),
		Search:         b("/", h.Search, "/"),
		Filter:         b("f", h.Filter, "f"),
		Sort:           b("s", h.Sort, "s"),
		Sync:           b("r", h.Sync, "r"),
		Help:           b("?", h.Help, "?"),
		Quit:           b("q", h.Quit, "q"),
		ForceQuit:      b("ctrl+c", h.Quit, "ctrl+c"),

		Send:     b("ctrl+s", h.Send, "ctrl+s"),
		Template: b("ctrl+t", h.Template, "ctrl+t"),
		Cancel:   b("esc", h.Cancel, "esc"),
		Confirm:  b("y", h.Confirm, "y", "Y"),
		GoBack:   b("n/esc", h.GoBack, "n", "N", "esc"),
		Pick:     b("enter", h.Pick, "enter"),

		SearchDone:  b("enter", h.SearchDone, "enter"),
		SearchClear: b("esc", h.SearchClear, "esc"),
		Close:       b("esc", h.Close, "esc", "t"),

		Choose: b("enter", h.Choose, "enter"),
	}
}

// WithDocuments returns k with the document keys, their help in the words
// of w.
func (k KeyMap) WithDocuments(w i18n.DocumentWords) KeyMap {
	k.Doc = Documents(w)
	return k
}
