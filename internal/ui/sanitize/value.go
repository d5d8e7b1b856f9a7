package sanitize

import (
	"reflect"
	"slices"
	"sync"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// multiline names the fields shown as multi-line text (cleaned by Text);
// every other string, wherever it is, is cleaned by Line.
var multiline = map[reflect.Type][]string{
	reflect.TypeFor[instruct.Request]():    {"Description", "DataRecipients", "RetentionJustification"},
	reflect.TypeFor[instruct.LegalBasis](): {"Nature"},
	reflect.TypeFor[instruct.Event]():      {"Comment"},
	reflect.TypeFor[instruct.Operation]():  {"Comment", "Reason"},
	reflect.TypeFor[instruct.Draft]():      {"Comment"},
	reflect.TypeFor[instruct.Definition](): {"Description"},
	reflect.TypeFor[instruct.Template]():   {"Body"},
	// A document's text is drawn with Document, which keeps more of it.
	reflect.TypeFor[instruct.DocumentContent](): {"Text"},
}

// Value returns a copy of v in which every string is safe to display, at
// any depth: struct fields, elements of slices and arrays, map keys and
// values, what pointers and interfaces hold. The fields multiline names
// go through Text, every other string through Line. v itself, and
// anything it shares, is left as it was.
//
// It is the one function the fronts use on what they show: a request
// (with its contacts, scopes and whatever it will hold next), events
// with their diffs, operations, queue rows, definitions, users. It walks
// types by reflection, so a field added to any of them is cleaned without
// anyone remembering to.
func Value[T any](v T) T {
	cleanValue(reflect.ValueOf(&v).Elem(), false)
	return v
}

// cleanValue replaces v, which must be settable, by a cleaned deep copy.
func cleanValue(v reflect.Value, multi bool) {
	switch v.Kind() {
	case reflect.String:
		if multi {
			v.SetString(Text(v.String()))
		} else {
			v.SetString(Line(v.String()))
		}
		return
	case reflect.Struct:
		for _, f := range fieldsWithText(v.Type()) {
			cleanValue(v.Field(f.index), multi || f.multiline)
		}
		return
	}
	if !holdsText(v.Type()) {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			p := reflect.New(v.Type().Elem())
			p.Elem().Set(v.Elem())
			cleanValue(p.Elem(), multi)
			v.Set(p)
		}
	case reflect.Interface:
		if !v.IsNil() {
			e := reflect.New(v.Elem().Type()).Elem()
			e.Set(v.Elem())
			cleanValue(e, multi)
			v.Set(e)
		}
	case reflect.Slice:
		if !v.IsNil() {
			s := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
			reflect.Copy(s, v)
			cleanElems(s, multi)
			v.Set(s)
		}
	case reflect.Array:
		cleanElems(v, multi)
	case reflect.Map:
		if !v.IsNil() {
			v.Set(cleanMap(v, multi))
		}
	}
}

// textField is a field of a struct that may hold text.
type textField struct {
	index     int
	multiline bool // named by multiline
}

// structFields caches fieldsWithText by type.
var structFields sync.Map // reflect.Type → []textField

// fieldsWithText returns the fields of struct type t that may hold text;
// holdsText made sure that a struct with text has no unexported field.
func fieldsWithText(t reflect.Type) []textField {
	if known, ok := structFields.Load(t); ok {
		return known.([]textField)
	}
	var fields []textField
	if holdsText(t) {
		for i := range t.NumField() {
			if f := t.Field(i); holdsText(f.Type) {
				fields = append(fields, textField{index: i, multiline: slices.Contains(multiline[t], f.Name)})
			}
		}
	}
	structFields.Store(t, fields)
	return fields
}

func cleanElems(v reflect.Value, multi bool) {
	for i := range v.Len() {
		cleanValue(v.Index(i), multi)
	}
}

func cleanMap(v reflect.Value, multi bool) reflect.Value {
	t := v.Type()
	out := reflect.MakeMapWithSize(t, v.Len())
	for it := v.MapRange(); it.Next(); {
		k := reflect.New(t.Key()).Elem()
		k.Set(it.Key())
		cleanValue(k, false)
		e := reflect.New(t.Elem()).Elem()
		e.Set(it.Value())
		cleanValue(e, multi)
		out.SetMapIndex(k, e)
	}
	return out
}

// textTypes caches holdsText by type.
var textTypes sync.Map // reflect.Type → bool

// holdsText reports whether a value of type t may hold a string: a string,
// an interface (it may hold anything), or a type made of them. It panics
// on a struct that mixes text with unexported fields, which Value could
// not reach: such a type must not be shown.
func holdsText(t reflect.Type) bool {
	if known, ok := textTypes.Load(t); ok {
		return known.(bool)
	}
	has := computeHoldsText(t, map[reflect.Type]bool{})
	textTypes.Store(t, has)
	return has
}

// computeHoldsText is holdsText; visiting holds the types being looked
// at, so that a type that refers to itself adds nothing.
func computeHoldsText(t reflect.Type, visiting map[reflect.Type]bool) bool {
	if visiting[t] {
		return false
	}
	visiting[t] = true
	defer delete(visiting, t)
	switch t.Kind() {
	case reflect.String, reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return computeHoldsText(t.Elem(), visiting)
	case reflect.Map:
		return computeHoldsText(t.Key(), visiting) || computeHoldsText(t.Elem(), visiting)
	case reflect.Struct:
		return structHoldsText(t, visiting)
	}
	return false
}

func structHoldsText(t reflect.Type, visiting map[reflect.Type]bool) bool {
	has, hidden := false, false
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			hidden = true
			continue
		}
		has = computeHoldsText(f.Type, visiting) || has
	}
	if has && hidden {
		panic("sanitize: " + t.String() + " holds text beside unexported fields")
	}
	return has
}
