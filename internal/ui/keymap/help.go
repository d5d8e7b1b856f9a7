package keymap

import "charm.land/bubbles/v2/key"

// Help is the help of one screen: a short line of the most used keys and
// every key in groups. It implements the help.KeyMap of bubbles.
type Help struct {
	Short []key.Binding
	Full  [][]key.Binding
}

// ShortHelp returns the keys of the one-line help.
func (h Help) ShortHelp() []key.Binding { return h.Short }

// FullHelp returns every key of the screen, in groups.
func (h Help) FullHelp() [][]key.Binding { return h.Full }

// Nav returns the keys that move in a list or a pane, for the help of the
// parts that have them.
func (k KeyMap) Nav() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown}
}

// General returns the keys that work anywhere outside forms.
func (k KeyMap) General() []key.Binding {
	return []key.Binding{k.Timeline, k.Conversation, k.Organization, k.Habilitations, k.Copy, k.Search, k.Filter, k.Sort, k.Stats, k.Sync, k.Help, k.Quit}
}

// ForSearch is the help while typing a search.
func (k KeyMap) ForSearch() Help {
	return Help{
		Short: []key.Binding{k.SearchDone, k.SearchClear, k.Up, k.Down},
		Full:  [][]key.Binding{{k.SearchDone, k.SearchClear, k.Up, k.Down}},
	}
}

// Decisions returns the keys that decide, write or discard on a request:
// what a read-only screen must not offer.
func (k KeyMap) Decisions() []key.Binding {
	return []key.Binding{k.Approve, k.Refuse, k.RequestChanges, k.Note, k.Message, k.Revoke, k.Archive, k.Discard, k.Claim, k.Transfer}
}

// Without returns h without the bindings drop (matched by their keys), and
// without the groups that leaves empty.
func (h Help) Without(drop []key.Binding) Help {
	gone := map[string]bool{}
	for _, b := range drop {
		gone[b.Help().Key] = true
	}
	keep := func(bs []key.Binding) []key.Binding {
		var out []key.Binding
		for _, b := range bs {
			if !gone[b.Help().Key] {
				out = append(out, b)
			}
		}
		return out
	}
	out := Help{Short: keep(h.Short)}
	for _, g := range h.Full {
		if g = keep(g); len(g) > 0 {
			out.Full = append(out.Full, g)
		}
	}
	return out
}
