package keymap

import (
	"charm.land/bubbles/v2/key"

	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// DocumentKeys are the keys of a request's attached documents: open the
// file, find in its text, go from match to match.
type DocumentKeys struct {
	Open, Find, Next, Prev key.Binding
	// NextTyping and PrevTyping go from match to match while the find is
	// typed, when letters are the text sought.
	NextTyping, PrevTyping key.Binding
}

// Documents returns the document keys with help in the words of w.
func Documents(w i18n.DocumentWords) DocumentKeys {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return DocumentKeys{
		Open:       b("o", w.KeyOpen, "o"),
		Find:       b("/", w.KeyFind, "/"),
		Next:       b("ctrl+n", w.KeyNext, "ctrl+n"),
		Prev:       b("ctrl+p", w.KeyPrev, "ctrl+p"),
		NextTyping: b("enter/↓", w.KeyNext, "enter", "down", "ctrl+n"),
		PrevTyping: b("↑", w.KeyPrev, "up", "ctrl+p"),
	}
}
