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

func (k KeyMap) nav() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown}
}

func (k KeyMap) decide() []key.Binding {
	return []key.Binding{k.Approve, k.Refuse, k.RequestChanges, k.Note, k.Message, k.Revoke, k.Archive, k.Discard, k.Claim}
}

func (k KeyMap) general() []key.Binding {
	return []key.Binding{k.Timeline, k.Copy, k.Search, k.Filter, k.Sort, k.Sync, k.Help, k.Quit}
}

// ForQueue is the help of the queue.
func (k KeyMap) ForQueue() Help {
	return Help{
		Short: []key.Binding{k.Open, k.Approve, k.Refuse, k.RequestChanges, k.Note, k.Timeline, k.Search, k.NextTab, k.Help, k.Quit},
		Full:  [][]key.Binding{append(k.nav(), k.Open, k.NextTab, k.PrevTab), k.decide(), k.general()},
	}
}

// ForReview is the help of the review panes.
func (k KeyMap) ForReview() Help {
	return Help{
		Short: []key.Binding{k.Approve, k.Refuse, k.RequestChanges, k.Note, k.Timeline, k.NextPane, k.Pane1, k.Back, k.Help, k.Quit},
		Full: [][]key.Binding{
			append(k.nav(), k.NextPane, k.PrevPane, k.Pane1, k.NextRequest, k.PrevRequest, k.Back),
			k.decide(), k.general(),
		},
	}
}

// ForTimeline is the help of the history.
func (k KeyMap) ForTimeline() Help {
	return Help{
		Short: []key.Binding{k.Up, k.Down, k.Close, k.Approve, k.Refuse, k.RequestChanges, k.Note, k.Help, k.Quit},
		Full:  [][]key.Binding{append(k.nav(), k.Close, k.Copy), k.decide(), {k.Help, k.Quit}},
	}
}

// ForForm is the help of the decision form.
func (k KeyMap) ForForm() Help {
	return Help{
		Short: []key.Binding{k.Send, k.Template, k.Cancel},
		Full:  [][]key.Binding{{k.Send, k.Template, k.Cancel}},
	}
}

// ForConfirm is the help of the confirmation.
func (k KeyMap) ForConfirm() Help {
	return Help{
		Short: []key.Binding{k.Confirm, k.GoBack},
		Full:  [][]key.Binding{{k.Confirm, k.GoBack}},
	}
}

// ForTemplates is the help of the list of templates.
func (k KeyMap) ForTemplates() Help {
	return Help{
		Short: []key.Binding{k.Up, k.Down, k.Pick, k.GoBack},
		Full:  [][]key.Binding{{k.Up, k.Down, k.Pick, k.GoBack}},
	}
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
func (k KeyMap) Decisions() []key.Binding { return k.decide() }

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
