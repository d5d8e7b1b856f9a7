package sanitize

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// neverShown are the domain's struct types no screen draws, with why: the
// completeness test accepts them unlisted in domainTypes.
var neverShown = map[string]string{
	"DocumentFile": "a stored file's bytes for the server to serve; screens fetch the text apart, as a string",
	"Webhook":      "a definition's subscriber, listed to administrators by the CLI only",
	"Dispatch":     "a delivery the server's worker holds while sending it",
	"Attempt":      "the outcome of one sending attempt, recorded by the worker",
}

// domainTypes are the struct types of package instruct. The test below
// fails when the domain declares one that is missing here, so that every
// new type (habilitations, documents…) goes through the completeness test.
var domainTypes = []reflect.Type{
	reflect.TypeFor[instruct.Request](),
	reflect.TypeFor[instruct.Habilitation](),
	reflect.TypeFor[instruct.Check](),
	reflect.TypeFor[instruct.Document](),
	reflect.TypeFor[instruct.Holding](),
	reflect.TypeFor[instruct.TokenDelivery](),
	reflect.TypeFor[instruct.Reopen](),
	reflect.TypeFor[instruct.CancelReopening](),
	reflect.TypeFor[instruct.RevokeHabilitation](),
	reflect.TypeFor[instruct.Transfer](),
	reflect.TypeFor[instruct.HabilitationQuery](),
	reflect.TypeFor[instruct.DocumentContent](),
	reflect.TypeFor[instruct.Delivery](),
	reflect.TypeFor[instruct.Organization](),
	reflect.TypeFor[instruct.Person](),
	reflect.TypeFor[instruct.Contact](),
	reflect.TypeFor[instruct.LegalBasis](),
	reflect.TypeFor[instruct.Event](),
	reflect.TypeFor[instruct.Actor](),
	reflect.TypeFor[instruct.AuditEntry](),
	reflect.TypeFor[instruct.Operation](),
	reflect.TypeFor[instruct.Draft](),
	reflect.TypeFor[instruct.StaleError](),
	reflect.TypeFor[instruct.Claim](),
	reflect.TypeFor[instruct.ClaimedError](),
	reflect.TypeFor[instruct.Take](),
	reflect.TypeFor[instruct.Release](),
	reflect.TypeFor[instruct.Error](),
	reflect.TypeFor[instruct.QueueItem](),
	reflect.TypeFor[instruct.QueueQuery](),
	reflect.TypeFor[instruct.HabilitationSearch](),
	reflect.TypeFor[instruct.Definition](),
	reflect.TypeFor[instruct.Scope](),
	reflect.TypeFor[instruct.Template](),
	reflect.TypeFor[instruct.User](),
	reflect.TypeFor[instruct.Grant](),
	reflect.TypeFor[instruct.Viewer](),
	reflect.TypeFor[instruct.SyncStatus](),
	reflect.TypeFor[instruct.CacheRecovery](),
	reflect.TypeFor[instruct.RequestPatch](),
	reflect.TypeFor[instruct.ListQuery](),
	reflect.TypeFor[instruct.FeedItem](),
	reflect.TypeFor[instruct.History](),
	reflect.TypeFor[instruct.Mutation](),
	reflect.TypeFor[instruct.Outcome](),
	reflect.TypeFor[instruct.Decision](),
	reflect.TypeFor[instruct.Note](),
	reflect.TypeFor[instruct.Edit](),
	reflect.TypeFor[instruct.Quotas](),
	reflect.TypeFor[instruct.Submission](),
}

// hostile is what an applicant types into every field: terminal escapes,
// bidi overrides, invisible characters, hidden tag text, private use, a
// noncharacter, an emoji sequence terminals draw at different widths, and
// line breaks.
const hostile = "\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J\u009b1m" +
	"facture\u202egpj.exe\u200b\ufeff\u00ad\U000e0041\ue000\ufdd0" +
	"👨\u200d👩\u200d👧👍🏽🇫\u0378\r\nsuite\u2028fin\tok"

func TestEveryDomainStructIsChecked(t *testing.T) {
	var known []string
	for _, typ := range domainTypes {
		known = append(known, typ.Name())
	}
	for name := range neverShown {
		known = append(known, name)
	}
	for _, name := range exportedStructs(t, "../../instruct") {
		if !slices.Contains(known, name) {
			t.Errorf("instruct.%s is not in domainTypes: add it, so that the test proves Value cleans its text", name)
		}
	}
}

// exportedStructs returns the names of the exported struct types declared
// by the Go files (tests aside) of dir.
func exportedStructs(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if ts, ok := n.(*ast.TypeSpec); ok {
				if _, isStruct := ts.Type.(*ast.StructType); isStruct && ts.Name.IsExported() {
					names = append(names, ts.Name.Name)
				}
			}
			return true
		})
	}
	return names
}

func TestValueCleansEveryString(t *testing.T) {
	for _, typ := range domainTypes {
		t.Run(typ.Name(), func(t *testing.T) {
			in := reflect.New(typ).Elem()
			fill(t, in, typ.Name())
			before := reflect.New(typ).Elem()
			fill(t, before, typ.Name())

			out := Value[any](in.Interface())

			check(t, reflect.ValueOf(out), typ.Name())
			if !reflect.DeepEqual(in.Interface(), before.Interface()) {
				t.Errorf("Value changed what it was given")
			}
		})
	}
}

// fill sets every string reachable from v to hostile, allocating pointers,
// two elements per slice, one entry per map and a string, a list and an
// object in interfaces. It fails t on text Value could not reach.
func fill(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		v.SetString(hostile)
	case reflect.Struct:
		fillStruct(t, v, path)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), path)
	case reflect.Slice:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			t.Errorf("%s is bytes: keep text in strings, which Value cleans", path)
			return
		}
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), path+"[]")
		}
	case reflect.Array:
		for i := range v.Len() {
			fill(t, v.Index(i), path+"[]")
		}
	case reflect.Map:
		v.Set(reflect.MakeMap(v.Type()))
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(t, k, path+"{key}")
		fill(t, e, path+"{}")
		v.SetMapIndex(k, e)
	case reflect.Interface:
		if v.Type().NumMethod() == 0 {
			v.Set(reflect.ValueOf([]any{hostile, map[string]any{hostile: hostile}, nil, 1.5}))
		}
	}
}

func fillStruct(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	typ := v.Type()
	if typ.PkgPath() != reflect.TypeFor[instruct.Request]().PkgPath() {
		return // time.Time and the like: no text of ours inside
	}
	for i := range typ.NumField() {
		f := typ.Field(i)
		if !f.IsExported() {
			t.Errorf("%s.%s is unexported: Value cannot clean it", path, f.Name)
			continue
		}
		fill(t, v.Field(i), path+"."+f.Name)
	}
}

// check fails t on any string reachable from v that could act on a
// terminal, hide a character or take an ambiguous width.
func check(t *testing.T, v reflect.Value, path string) {
	t.Helper()
	switch v.Kind() {
	case reflect.String:
		if strings.Contains(path, ".") && v.String() == "" {
			t.Errorf("%s is empty after Value", path)
		}
		checkSafe(t, path, v.String(), !multilinePath(path))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				check(t, v.Field(i), path+"."+v.Type().Field(i).Name)
			}
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			check(t, v.Elem(), path)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			check(t, v.Index(i), path+"[]")
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			check(t, it.Key(), path+"{key}")
			check(t, it.Value(), path+"{}")
		}
	}
}

// multilinePath reports whether the string at path may keep its line
// breaks: one of the fields multiline names, or inside one.
func multilinePath(path string) bool {
	for typ, names := range multiline {
		for _, name := range names {
			if strings.Contains(path, typ.Name()+"."+name) || strings.HasSuffix(path, "."+name) {
				return true
			}
		}
	}
	return false
}

func TestMultilineNamesTextFields(t *testing.T) {
	for typ, names := range multiline {
		for _, name := range names {
			f, ok := typ.FieldByName(name)
			if !ok || !holdsText(f.Type) {
				t.Errorf("multiline names %s.%s, which is not a text field", typ.Name(), name)
			}
		}
	}
}

func TestValueKeepsLineBreaksOfMultilineFieldsOnly(t *testing.T) {
	r := Value(instruct.Request{Title: "a\nb", Description: "a\nb", Scopes: []string{"a\nb"}})
	if r.Title != "a b" || r.Scopes[0] != "a b" || r.Description != "a\nb" {
		t.Errorf("Value(request) = title %q, scopes %q, description %q; want one-line title and scopes, two-line description",
			r.Title, r.Scopes, r.Description)
	}
}

func BenchmarkValueQueue(b *testing.B) {
	items := make([]instruct.QueueItem, 10_000)
	for i := range items {
		items[i] = instruct.QueueItem{ID: 1042, Definition: "api_particulier",
			Title: "Inscription à la cantine scolaire", Organization: "Commune de Saint-Étienne-du-Rouvray"}
	}
	for b.Loop() {
		Value(items)
	}
}
