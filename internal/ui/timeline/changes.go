package timeline

import (
	"strings"

	"github.com/instruct-dev/instruct/internal/compare"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/theme"
)

// diff draws what a resubmission changed.
func (m Model) diff(fields []compare.Field, w int) []string {
	return Changes(m.msgs.ChangedSince, fields, m.msgs, m.theme, w)
}

// Changes draws the fields a diff changed, in w cells, under heading if
// it is not "": each field by its label; a long text word by word, what went in
// [-…-] and what came in {+…+} without colour (struck out and underlined
// with it); scopes added (+) and removed (−) with their catalogue labels;
// contacts by role, "Role: old → new". instruct show prints it too.
func Changes(heading string, fields []compare.Field, msgs *i18n.Messages, th *theme.Theme, w int) []string {
	if len(fields) == 0 {
		return nil
	}
	c := changes{msgs: msgs, th: th, w: w}
	var out []string
	if heading != "" {
		out = append(out, th.Label.Paint(frame.Fit("  "+heading, w)))
	}
	for _, f := range fields {
		out = append(out, c.field(f)...)
		if f.Cut {
			out = append(out, th.Muted.Paint(frame.Fit("      "+msgs.DiffCut, w)))
		}
	}
	return out
}

// changes draws the fields of a diff.
type changes struct {
	msgs *i18n.Messages
	th   *theme.Theme
	w    int
}

func (c changes) field(f compare.Field) []string {
	label := c.msgs.Field(f.Name)
	if f.Part != "" {
		label += " › " + c.msgs.Field(f.Part)
	}
	switch f.Kind {
	case compare.Words:
		return frame.Indent("    ", c.msgs.Labelled(label, c.words(f.Spans)), c.w)
	case compare.Set:
		return append([]string{frame.Fit("    "+c.msgs.Labelled(label, ""), c.w)}, c.scopes(f)...)
	case compare.Roles:
		return append([]string{frame.Fit("    "+c.msgs.Labelled(label, ""), c.w)}, c.contacts(f)...)
	}
	return frame.Indent("    ", c.msgs.Labelled(label, c.change(c.value(f.Old), c.value(f.New))), c.w)
}

// change writes old → new, each painted as what it is.
func (c changes) change(old, cur string) string {
	return c.th.DiffOld.Paint(old) + " → " + c.th.DiffNew.Paint(cur)
}

// value writes a value of a change in the reader's words.
func (c changes) value(v any) string {
	switch x := v.(type) {
	case nil:
		return "—"
	case bool:
		return c.msgs.YesNo(x)
	}
	if s := compare.Text(v); s != "" {
		return s
	}
	return "—"
}

// words writes a word diff: in marks without colour, painted with it.
func (c changes) words(spans []compare.Span) string {
	if c.th.Plain {
		return compare.Marked(spans)
	}
	parts := make([]string, len(spans))
	for i, s := range spans {
		switch s.Op {
		case compare.Removed:
			parts[i] = c.th.DiffOld.Paint(s.Text)
		case compare.Added:
			parts[i] = c.th.DiffNew.Paint(s.Text)
		case compare.Skipped:
			parts[i] = c.th.Muted.Paint("…")
		default:
			parts[i] = s.Text
		}
	}
	return strings.Join(parts, " ")
}

// scopes draws the scopes added, then those removed, with their labels.
func (c changes) scopes(f compare.Field) []string {
	var out []string
	for _, it := range f.Added {
		out = append(out, c.paintAll(frame.Indent("      + ", c.item(it), c.w), c.th.DiffNew)...)
	}
	for _, it := range f.Removed {
		out = append(out, c.paintAll(frame.Indent("      − ", c.item(it), c.w), c.th.DiffOld)...)
	}
	return out
}

// item writes a scope as the review lists it: label (ID), or its ID and
// that it is outside the catalogue.
func (c changes) item(it compare.Item) string {
	if !it.Known {
		return it.ID + " · " + c.msgs.ScopeOutside
	}
	return it.Label + " (" + it.ID + ")"
}

// contacts draws each contact changed: "Role: old → new".
func (c changes) contacts(f compare.Field) []string {
	var out []string
	for _, ct := range f.Contacts {
		text := c.msgs.Labelled(c.msgs.ContactRole(ct.Role), c.change(orDash(ct.Old), orDash(ct.New)))
		out = append(out, frame.Indent("      ", text, c.w)...)
	}
	return out
}

func (c changes) paintAll(lines []string, pen frame.Pen) []string {
	for i := range lines {
		lines[i] = pen.Paint(lines[i])
	}
	return lines
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
