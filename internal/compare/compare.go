// Package compare explains what an applicant changed in a request, field
// by field, the way a reviewer reads it: data scopes added and removed
// with their catalogue labels, contacts by role ("DPO: A → B"), long texts
// word by word, any other value as old → new. The TUI's history and
// instruct show both draw from it, each in its own words.
//
// It reads an event's diff as stored: values as JSON reads them back
// (strings, numbers, booleans, nil, lists, objects), texts longer than
// instruct.DiffTextLength cut with instruct.CutMarker. Whatever it is given,
// its work is bounded (see MaxCells), so no diff an applicant writes can
// slow a reviewer down. It does not sanitise: callers give it text already
// safe to show.
package compare

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Kind is how a field's change is shown.
type Kind int

const (
	// Value is an old value and a new one, each on one line.
	Value Kind = iota
	// Words is a long text's change, word by word (Spans).
	Words
	// Set is what was added to a list and taken from it (Added, Removed).
	Set
	// Roles is the change of the contacts, role by role (Contacts).
	Roles
)

// Field is the change of one field of a request, or of one part of it
// ("legal_basis" "url").
type Field struct {
	// Name is the request's field, such as "title" or "legal_basis";
	// Part the part of it that changed ("url"), "" for the whole field.
	Name, Part string
	Kind       Kind
	// Old and New are the values of a Value change: nil, a bool, a
	// number or a one-line string.
	Old, New any
	// Spans is the word diff of a Words change.
	Spans []Span
	// Added and Removed are the items of a Set change.
	Added, Removed []Item
	// Contacts are the changes of a Roles change.
	Contacts []Contact
	// Cut is true when a value was stored cut (instruct.CutMarker): the
	// request itself holds the whole text.
	Cut bool
}

// Item is a data scope added or removed, with its catalogue entry when
// the definition has it.
type Item struct {
	ID, Label, Group string
	// Known is false for a scope outside the definition's catalogue.
	Known bool
}

// Contact is the change of one contact, by role: Old is "" for a contact
// added, New "" for one removed.
type Contact struct {
	Role     string
	Old, New string
}

// Explain returns the changes of d, in the order of the request's form,
// fields it doesn't know last by name. def gives the scopes their labels.
func Explain(d instruct.Diff, def instruct.Definition) []Field {
	var out []Field
	for _, name := range fieldOrder(d) {
		pair := d[name]
		out = append(out, explainField(name, plain(pair[0]), plain(pair[1]), def)...)
	}
	return out
}

// formOrder is the order of the request's form.
var formOrder = []string{
	"definition", "title", "description", "organization", "applicant", "contacts", "legal_basis",
	"scopes", "data_recipients", "retention_months", "retention_justification", "volumetry",
	"production_date", "terms_accepted", "dpo_informed",
}

// partOrder is the order of the parts of the fields that are objects.
var partOrder = map[string][]string{
	"organization": {"name", "siret", "city"},
	"applicant":    {"name", "email"},
	"legal_basis":  {"nature", "url", "document"},
}

// fieldOrder returns the fields of d in formOrder, then the others sorted.
func fieldOrder(d instruct.Diff) []string {
	var out []string
	for _, f := range formOrder {
		if _, ok := d[f]; ok {
			out = append(out, f)
		}
	}
	for _, f := range slices.Sorted(maps.Keys(d)) {
		if !slices.Contains(formOrder, f) {
			out = append(out, f)
		}
	}
	return out
}

// explainField explains the change of field name from old to cur.
func explainField(name string, old, cur any, def instruct.Definition) []Field {
	switch {
	case name == "scopes" && isList(old) && isList(cur):
		return []Field{scopes(old, cur, def)}
	case name == "contacts" && isList(old) && isList(cur):
		return []Field{contacts(old, cur)}
	case isObject(old) || isObject(cur):
		return parts(name, old, cur)
	}
	return []Field{scalar(name, "", old, cur)}
}

// parts explains an object field part by part: only the parts that
// changed, in the form's order.
func parts(name string, old, cur any) []Field {
	o, _ := old.(map[string]any)
	n, _ := cur.(map[string]any)
	keys := slices.Collect(maps.Keys(o))
	for k := range n {
		if _, ok := o[k]; !ok {
			keys = append(keys, k)
		}
	}
	order := partOrder[name]
	slices.SortFunc(keys, func(a, b string) int {
		ia, ib := rank(order, a), rank(order, b)
		if ia != ib {
			return ia - ib
		}
		return strings.Compare(a, b)
	})
	var out []Field
	for _, k := range keys {
		if !same(o[k], n[k]) {
			out = append(out, scalar(name, k, o[k], n[k]))
		}
	}
	return out
}

// rank returns where k stands in order, after every known part if it is
// not there.
func rank(order []string, k string) int {
	if i := slices.Index(order, k); i >= 0 {
		return i
	}
	return len(order)
}

// longText is the width from which a text is compared word by word
// rather than shown whole twice.
const longText = 60

// scalar explains a change of one value: two long texts word by word,
// anything else as old → new on one line each.
func scalar(name, part string, old, cur any) Field {
	f := Field{Name: name, Part: part, Kind: Value, Old: oneLine(old), New: oneLine(cur)}
	os, okOld := old.(string)
	ns, okNew := cur.(string)
	f.Cut = okOld && isCut(os) || okNew && isCut(ns)
	if !okOld || !okNew || os == instruct.CutMarker || ns == instruct.CutMarker {
		return f
	}
	if len([]rune(os)) < longText && len([]rune(ns)) < longText && !strings.Contains(os+ns, "\n") {
		return f
	}
	if spans := Diff(uncut(os), uncut(ns)); Changed(spans) {
		f.Kind, f.Old, f.New, f.Spans = Words, nil, nil, spans
	}
	return f
}

// isCut reports whether s was cut when stored.
func isCut(s string) bool { return strings.HasSuffix(s, instruct.CutMarker) }

// uncut returns s without the marker of a stored cut, and without the
// word the cut may have split.
func uncut(s string) string {
	head, ok := strings.CutSuffix(s, instruct.CutMarker)
	if !ok {
		return s
	}
	head = strings.TrimRight(head, " ")
	if i := strings.LastIndexAny(head, " \n\t"); i >= 0 {
		return head[:i]
	}
	return ""
}

// oneLine returns v as Value shows it: nil, bools and numbers as they
// are, anything else as one line of text.
func oneLine(v any) any {
	switch x := v.(type) {
	case nil, bool, float64:
		return x
	case string:
		return strings.Join(strings.Fields(x), " ")
	}
	return Text(v)
}

// Text writes any value on one line: strings as they are, numbers without
// a needless decimal point, lists joined with commas, objects by their
// name when they have one (a person) or else their parts, nil as "".
func Text(v any) string {
	switch x := plain(v).(type) {
	case nil:
		return ""
	case string:
		return strings.Join(strings.Fields(x), " ")
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = Text(e)
		}
		return strings.Join(parts, ", ")
	case map[string]any:
		if name, ok := x["name"].(string); ok && name != "" {
			return person(x)
		}
		parts := make([]string, 0, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			if s := Text(x[k]); s != "" {
				parts = append(parts, k+": "+s)
			}
		}
		return strings.Join(parts, ", ")
	}
	return fmt.Sprint(v)
}

// person writes someone as "Name <email>".
func person(m map[string]any) string {
	name, _ := m["name"].(string)
	email, _ := m["email"].(string)
	if email == "" {
		return name
	}
	return name + " <" + email + ">"
}

// plain returns v as JSON reads it back: typed values (a LegalBasis, a
// []string) through their JSON.
func plain(v any) any {
	switch v.(type) {
	case nil, bool, float64, string, []any, map[string]any:
		return v
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	var out any
	if json.Unmarshal(b, &out) != nil {
		return string(b)
	}
	return out
}

func isList(v any) bool {
	switch v.(type) {
	case nil, []any:
		return true
	}
	return false
}

func isObject(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

// same reports whether a and b are equal values.
func same(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
