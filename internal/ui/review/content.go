package review

import (
	"strconv"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/link"
)

// paneContent returns the lines of pane p, wrapped to w cells.
func (m Model) paneContent(p Pane, w int) []string {
	if m.detail == nil || w <= 0 {
		return nil
	}
	switch p {
	case Details:
		return m.details(w)
	case Legal:
		lines, _ := m.legal(w)
		return lines
	}
	return m.scopes(w)
}

// writer accumulates a pane's lines.
type writer struct {
	m     Model
	w     int
	lines []string
}

func (b *writer) label(name string) {
	b.lines = append(b.lines, b.m.theme.Label.Paint(frame.Fit(name, b.w)))
}

func (b *writer) text(s string) {
	if strings.TrimSpace(s) == "" {
		s = "—"
	}
	b.lines = append(b.lines, frame.Indent("  ", s, b.w)...)
}

func (b *writer) field(name, value string) {
	b.label(b.m.msgs.Field(name))
	b.text(value)
}

func (b *writer) painted(lines []string, pen func(string) string) {
	for _, l := range lines {
		b.lines = append(b.lines, pen(l))
	}
}

func (b *writer) blank() { b.lines = append(b.lines, "") }

// details is the first pane: the service, the organisation, the people and
// the declarations.
func (m Model) details(w int) []string {
	r := m.detail.Request
	b := &writer{m: m, w: w}
	b.field("title", r.Title)
	b.field("description", r.Description)
	b.field("production_date", r.ProductionDate)
	b.field("volumetry", r.Volumetry)
	b.blank()
	b.label(m.msgs.Field("organization"))
	b.text(r.Organization.Name)
	b.text("SIRET " + FormatSIRET(r.Organization.SIRET))
	b.text(r.Organization.City)
	b.field("applicant", person(r.Applicant.Name, r.Applicant.Email))
	b.blank()
	b.label(m.msgs.Field("contacts"))
	for _, c := range r.Contacts {
		b.text(m.msgs.ContactRole(c.Role))
		b.lines = append(b.lines, frame.Indent("    ", joinNonEmpty(" · ", c.Name, c.JobTitle), w)...)
		b.lines = append(b.lines, frame.Indent("    ", joinNonEmpty(" · ", c.Email, c.Phone), w)...)
	}
	b.blank()
	b.label(m.msgs.Field("declarations"))
	b.lines = append(b.lines, m.check(r.TermsAccepted, m.msgs.Field("terms_accepted"), w), m.check(r.DPOInformed, m.msgs.Field("dpo_informed"), w))
	b.blank()
	b.lines = append(b.lines, m.dates(r, w)...)
	return b.lines
}

// check draws a declaration as ✓ or ✗ with its name and yes or no, so it
// reads without colour.
func (m Model) check(ok bool, name string, w int) string {
	mark, pen := "✓", m.theme.Good
	if !ok {
		mark, pen = "✗", m.theme.Bad
	}
	return pen.Paint(frame.Fit("  "+mark+" "+m.msgs.Labelled(name, m.msgs.YesNo(ok)), w))
}

// dates draws the status, version and the request's dates.
func (m Model) dates(r instruct.Request, w int) []string {
	lines := []string{
		frame.Fit(m.msgs.Labelled(m.msgs.Field("status"), m.msgs.Status(r.Status))+" · "+m.msgs.Field("version")+" "+strconv.FormatInt(r.Version, 10), w),
		frame.Fit(m.msgs.Field("created_at")+" "+m.msgs.DateTime(r.CreatedAt), w),
	}
	if r.SubmittedAt != nil {
		lines = append(lines, frame.Fit(m.msgs.Field("submitted_at")+" "+m.msgs.DateTime(*r.SubmittedAt), w))
	}
	lines = append(lines, frame.Fit(m.msgs.Field("updated_at")+" "+m.msgs.DateTime(r.UpdatedAt), w))
	return m.paintAll(lines, m.theme.Muted.Paint)
}

func (m Model) paintAll(lines []string, pen func(string) string) []string {
	for i := range lines {
		lines[i] = pen(lines[i])
	}
	return lines
}

// legal is the second pane: the text of law, its link and its documents
// with their text; it returns where the documents' texts lie.
func (m Model) legal(w int) ([]string, []textSpan) {
	if m.detail == nil || w <= 0 {
		return nil, nil
	}
	lb := m.detail.Request.LegalBasis
	b := &writer{m: m, w: w}
	b.field("nature", lb.Nature)
	b.blank()
	b.label(m.msgs.Field("url"))
	if link.Valid(lb.URL) {
		b.lines = append(b.lines, indent+m.hyperlink(lb.URL, w-len(indent)))
	} else {
		b.source(lb.URL)
	}
	spans := b.documents()
	if m.has(instruct.FlagLegalBasisUnsourced) {
		b.blank()
		b.flag(m.msgs.Flag(instruct.FlagLegalBasisUnsourced, m.detail.Request, nil))
	}
	return b.lines, spans
}

// source draws a link or document name, or "none" painted as a flag.
func (b *writer) source(s string) {
	if strings.TrimSpace(s) == "" {
		b.lines = append(b.lines, b.m.theme.Flag.Paint(frame.Fit("  "+b.m.msgs.None, b.w)))
		return
	}
	b.text(s)
}

func (b *writer) flag(s string) {
	b.painted(frame.Indent("⚑ ", s, b.w), b.m.theme.Flag.Paint)
}

func (m Model) has(f instruct.Flag) bool {
	for _, g := range m.detail.Flags {
		if g == f {
			return true
		}
	}
	return false
}

// scopes is the third pane: the data asked for under their catalogue
// groups, what lies outside the catalogue, retention and recipients.
func (m Model) scopes(w int) []string {
	r, d := m.detail.Request, m.detail.Definition
	b := &writer{m: m, w: w}
	b.label(d.Name)
	if active, ok := m.reopened(); ok {
		b.reopenedScopes(r.Scopes, active)
	} else {
		b.requestedScopes(r.Scopes, d)
	}
	if len(m.detail.Unknown) > 0 {
		b.painted(frame.Indent("  ", m.msgs.OutsideCatalog, w), m.theme.Flag.Paint)
		for _, id := range m.detail.Unknown {
			b.painted(frame.Indent("   ✗ ", id, w), m.theme.Flag.Paint)
		}
	}
	b.blank()
	b.retention(r)
	b.blank()
	b.field("data_recipients", r.DataRecipients)
	return b.lines
}

// requestedScopes draws the requested scopes under their catalogue
// groups.
func (b *writer) requestedScopes(requested []string, d instruct.Definition) {
	for _, g := range groups(requested, d) {
		b.lines = append(b.lines, frame.Indent("  ", g.name, b.w)...)
		for _, s := range g.scopes {
			b.scope(s)
		}
	}
}

// scope draws one requested scope with its label and ID.
func (b *writer) scope(s instruct.Scope) {
	text := s.Label + " (" + s.ID + ")"
	if s.Included {
		text += " · " + b.m.msgs.Included
	}
	b.painted(frame.Indent("   ✓ ", text, b.w), b.m.theme.Good.Paint)
}

// retention draws the retention period and its justification, flagged past
// the limit.
func (b *writer) retention(r instruct.Request) {
	b.label(b.m.msgs.Field("retention"))
	months := b.m.msgs.Months(r.RetentionMonths)
	if r.RetentionMonths > instruct.MaxRetentionMonths {
		b.painted(frame.Indent("  ⚑ ", months, b.w), b.m.theme.Flag.Paint)
	} else {
		b.text(months)
	}
	if r.RetentionJustification != nil {
		b.field("retention_justification", *r.RetentionJustification)
	}
	for _, f := range []instruct.Flag{instruct.FlagRetentionUnjustified, instruct.FlagRetentionLong} {
		if b.m.has(f) {
			b.flag(b.m.msgs.Flag(f, r, nil))
		}
	}
}

// group is a catalogue group and the requested scopes in it.
type group struct {
	name   string
	scopes []instruct.Scope
}

// groups sorts the requested scopes known to d into d's groups, in the
// catalogue's order.
func groups(requested []string, d instruct.Definition) []group {
	want := make(map[string]bool, len(requested))
	for _, id := range requested {
		want[id] = true
	}
	var out []group
	index := map[string]int{}
	for _, s := range d.Scopes {
		if !want[s.ID] {
			continue
		}
		i, ok := index[s.Group]
		if !ok {
			i = len(out)
			index[s.Group] = i
			out = append(out, group{name: s.Group})
		}
		out[i].scopes = append(out[i].scopes, s)
	}
	return out
}

// FormatSIRET writes a 14-digit SIRET in groups, 216 901 231 00011.
func FormatSIRET(s string) string {
	if len(s) != 14 {
		return s
	}
	return s[:3] + " " + s[3:6] + " " + s[6:9] + " " + s[9:]
}

func person(name, email string) string {
	if email == "" {
		return name
	}
	return name + " <" + email + ">"
}

func joinNonEmpty(sep string, parts ...string) string {
	var kept []string
	for _, p := range parts {
		if strings.TrimSpace(p) != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, sep)
}
