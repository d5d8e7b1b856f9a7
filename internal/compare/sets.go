package compare

import (
	"slices"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// scopes explains a change of the data scopes: those added, then those
// removed, each with its catalogue label and group.
func scopes(old, cur any, def instruct.Definition) Field {
	before, after := texts(old), texts(cur)
	f := Field{Name: "scopes", Kind: Set}
	for _, id := range after {
		if !slices.Contains(before, id) {
			f.Added = append(f.Added, item(id, def))
		}
	}
	for _, id := range before {
		if !slices.Contains(after, id) {
			f.Removed = append(f.Removed, item(id, def))
		}
	}
	return f
}

// item is scope id as the catalogue describes it.
func item(id string, def instruct.Definition) Item {
	if s, ok := def.Scope(id); ok {
		return Item{ID: id, Label: s.Label, Group: s.Group, Known: true}
	}
	return Item{ID: id}
}

// texts returns the texts of a list, once each, in their order.
func texts(v any) []string {
	list, _ := v.([]any)
	var out []string
	for _, e := range list {
		if s := Text(e); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// roleOrder is the order contacts are shown in: the roles a request must
// name, then the others by name.
var roleOrder = []string{instruct.ContactDPO, instruct.ContactController, instruct.ContactTechnical}

// contacts explains a change of the contacts role by role: the n-th
// contact of a role before and after are the same person's place.
func contacts(old, cur any) Field {
	before, after := byRole(old), byRole(cur)
	f := Field{Name: "contacts", Kind: Roles}
	for _, role := range roles(before, after) {
		b, a := before[role], after[role]
		for i := range max(len(b), len(a)) {
			var o, n map[string]any
			if i < len(b) {
				o = b[i]
			}
			if i < len(a) {
				n = a[i]
			}
			if !same(o, n) {
				os, ns := describe(o, n)
				f.Contacts = append(f.Contacts, Contact{Role: role, Old: os, New: ns})
			}
		}
	}
	return f
}

// byRole groups a list of contacts by role, in their order.
func byRole(v any) map[string][]map[string]any {
	list, _ := v.([]any)
	out := map[string][]map[string]any{}
	for _, e := range list {
		c, ok := e.(map[string]any)
		if !ok {
			continue
		}
		role := Text(c["role"])
		out[role] = append(out[role], c)
	}
	return out
}

// roles returns the roles of before and after, in roleOrder then by name.
func roles(before, after map[string][]map[string]any) []string {
	var rest []string
	for _, m := range []map[string][]map[string]any{before, after} {
		for role := range m {
			if !slices.Contains(roleOrder, role) && !slices.Contains(rest, role) {
				rest = append(rest, role)
			}
		}
	}
	slices.Sort(rest)
	var out []string
	for _, role := range roleOrder {
		if len(before[role])+len(after[role]) > 0 {
			out = append(out, role)
		}
	}
	return append(out, rest...)
}

// describe writes two contacts as "Name <email>", with their job title
// and phone when that alone tells them apart. A missing contact is "".
func describe(old, cur map[string]any) (string, string) {
	o, n := short(old), short(cur)
	if o == n {
		o, n = long(old), long(cur)
	}
	return o, n
}

func short(c map[string]any) string {
	if c == nil {
		return ""
	}
	return person(c)
}

func long(c map[string]any) string {
	if c == nil {
		return ""
	}
	s := person(c)
	for _, k := range []string{"job_title", "phone"} {
		if v := Text(c[k]); v != "" {
			s += " · " + v
		}
	}
	return s
}
