package review

import (
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// SetLife gives the review the words of habilitations.
func (m *Model) SetLife(w i18n.LifeWords) {
	m.life = w
	m.rebuild()
}

// reopened returns the active habilitation a reopening is reviewed
// against, and whether the request is a reopening that has one.
func (m Model) reopened() (instruct.Habilitation, bool) {
	if m.detail == nil || !m.detail.Request.Reopening {
		return instruct.Habilitation{}, false
	}
	return instruct.ActiveHabilitation(m.detail.Habilitations)
}

// reopeningLine heads the review of a reopening: "Reopening of H2041
// (active since 12 March 2026)".
func (m Model) reopeningLine() []string {
	active, ok := m.reopened()
	if !ok || m.life.ReopeningOf == nil {
		return nil
	}
	text := "↻ " + m.life.ReopeningOf(active.ID.String(), active.CreatedAt)
	return []string{m.theme.Accent.Paint(frame.Fit(text, m.width))}
}

// prerequisiteLines flag the definitions the organisation lacks an
// active habilitation of.
func (m Model) prerequisiteLines() []string {
	if m.detail == nil || m.life.MissingPrerequisite == nil {
		return nil
	}
	var lines []string
	for _, name := range m.detail.Missing {
		lines = append(lines, m.theme.Flag.Paint(frame.Fit("⚑ "+m.life.MissingPrerequisite(name), m.width)))
	}
	return lines
}

// scopeChange is how a scope of a reopening compares with the active
// habilitation.
type scopeChange int

const (
	scopeKept scopeChange = iota
	scopeAdded
	scopeRemoved
)

// reopenedScopes draws the scopes of a reopening against active, under
// the catalogue's groups: each kept (=), added (+) or removed (−), with its
// label and the word, so that it reads without colour.
func (b *writer) reopenedScopes(requested []string, active instruct.Habilitation) {
	m := b.m
	b.lines = append(b.lines, m.theme.Muted.Paint(frame.Fit("  "+m.life.ComparedWith(active.ID.String()), b.w)))
	change := map[string]scopeChange{}
	for _, id := range active.Scopes {
		change[id] = scopeRemoved
	}
	for _, id := range requested {
		if _, held := change[id]; held {
			change[id] = scopeKept
		} else {
			change[id] = scopeAdded
		}
	}
	all := make([]string, 0, len(change))
	for id := range change {
		all = append(all, id)
	}
	d := m.detail.Definition
	for _, g := range groups(all, d) {
		b.lines = append(b.lines, frame.Indent("  ", g.name, b.w)...)
		for _, s := range g.scopes {
			b.changedScope(s.Label+" ("+s.ID+")", change[s.ID])
		}
	}
	for _, id := range active.Scopes {
		if _, known := scopeIn(d, id); !known {
			b.changedScope(id, change[id])
		}
	}
}

// changedScope draws one scope of a reopening with its mark and word.
func (b *writer) changedScope(text string, c scopeChange) {
	m := b.m
	switch c {
	case scopeAdded:
		b.painted(frame.Indent("   + ", text+" · "+m.life.Added, b.w), m.theme.Flag.Paint)
	case scopeRemoved:
		b.painted(frame.Indent("   − ", text+" · "+m.life.Removed, b.w), m.theme.Bad.Paint)
	default:
		b.painted(frame.Indent("   = ", text+" · "+m.life.Kept, b.w), m.theme.Good.Paint)
	}
}

// scopeIn returns the catalogue entry of scope id in d.
func scopeIn(d instruct.Definition, id string) (instruct.Scope, bool) {
	for _, s := range d.Scopes {
		if s.ID == id {
			return s, true
		}
	}
	return instruct.Scope{}, false
}
