package instruct

import (
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// leaf is a text somewhere in a patch: its path and how to set it.
type leaf struct {
	path string
	set  func(string)
}

// textLeaves fills v (a pointer to a patch) so that every text it may
// hold exists, lists with `items` elements, and returns those texts.
func textLeaves(v reflect.Value, path string, items int) []leaf {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return textLeaves(v.Elem(), path, items)
	case reflect.Struct:
		var out []leaf
		for i := range v.NumField() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			out = append(out, textLeaves(v.Field(i), strings.TrimPrefix(path+"."+name, "."), items)...)
		}
		return out
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), items, items))
		var out []leaf
		for i := range items {
			out = append(out, textLeaves(v.Index(i), path+"[]", items)...)
		}
		return out
	case reflect.String:
		return []leaf{{path, func(s string) { v.SetString(s) }}}
	}
	return nil
}

// A text of any length anywhere in a patch is refused: a new text field
// without a limit fails this test.
func TestCheckRefusesEveryTooLongText(t *testing.T) {
	var probe RequestPatch
	leaves := textLeaves(reflect.ValueOf(&probe), "", 1)
	if len(leaves) < 20 {
		t.Fatalf("found %d texts in a patch, want every one of them", len(leaves))
	}
	for _, l := range leaves {
		var p RequestPatch
		for _, other := range textLeaves(reflect.ValueOf(&p), "", 1) {
			if other.path == l.path {
				other.set(strings.Repeat("<", MaxLongTextLength+1))
			}
		}
		err := p.checkSizes()
		if ErrorCode(err) != CodeTooLarge {
			t.Errorf("checkSizes() with %s of %d characters = %v, want too_large", l.path, MaxLongTextLength+1, err)
			continue
		}
		field := strings.ReplaceAll(l.path, "[]", "[0]")
		if !strings.Contains(ErrorMessage(err), field) {
			t.Errorf("checkSizes() with %s too long says %q, want it to name %s", l.path, ErrorMessage(err), field)
		}
	}
}

func TestCheckRefusesTooManyContactsOrScopes(t *testing.T) {
	contacts := make([]Contact, MaxContacts+1)
	scopes := make([]string, MaxScopes+1)
	for _, p := range []RequestPatch{{Contacts: &contacts}, {Scopes: &scopes}} {
		if err := p.Check(); ErrorCode(err) != CodeInvalid || !strings.Contains(ErrorMessage(err), "at most") {
			t.Errorf("Check() of %d contacts, %d scopes = %v, want invalid saying at most how many", lenOf(p.Contacts), lenOf(p.Scopes), err)
		}
	}
	ok := RequestPatch{Contacts: ptrTo(make([]Contact, MaxContacts)), Scopes: ptrTo(make([]string, MaxScopes))}
	if err := ok.Check(); err != nil {
		t.Errorf("Check() of %d contacts and %d scopes = %v, want nil", MaxContacts, MaxScopes, err)
	}
}

func lenOf[T any](s *[]T) int {
	if s == nil {
		return 0
	}
	return len(*s)
}

func ptrTo[T any](v T) *T { return &v }

// longestAccepted returns the longest text of '<' that set accepts.
func longestAccepted(p *RequestPatch, set func(string)) string {
	lo, hi := 0, MaxLongTextLength*2
	for lo < hi {
		mid := (lo + hi + 1) / 2
		set(strings.Repeat("<", mid))
		if p.checkSizes() == nil {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	set(strings.Repeat("<", lo))
	return strings.Repeat("<", lo)
}

// worstPatch is the heaviest patch whose sizes Check accepts: every list as long as
// allowed and every text as long as allowed, written in the character
// JSON writes in 6 bytes.
func worstPatch(t *testing.T) RequestPatch {
	var p RequestPatch
	leaves := textLeaves(reflect.ValueOf(&p), "", 1)
	for _, l := range leaves {
		longestAccepted(&p, l.set)
	}
	contact, scope := (*p.Contacts)[0], (*p.Scopes)[0]
	contacts, scopes := make([]Contact, MaxContacts), make([]string, MaxScopes)
	for i := range contacts {
		contacts[i] = contact
	}
	for i := range scopes {
		scopes[i] = scope
	}
	p.Contacts, p.Scopes = &contacts, &scopes
	p.RetentionMonths = ptrTo(1200)
	if err := p.checkSizes(); err != nil {
		t.Fatalf("checkSizes() of the heaviest patch = %v", err)
	}
	return p
}

func jsonLen(t *testing.T, v any) int {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return len(b)
}

// The limits of texts and lists keep every request, and every event,
// under the weights the feed's page sizes are derived from.
func TestHeaviestRequestAndEventFitTheirBounds(t *testing.T) {
	p := worstPatch(t)
	var r Request
	diff := p.Apply(&r)
	r.ID, r.Status, r.Version = math.MaxInt64, StatusChangesRequested, 1<<62
	if n := jsonLen(t, r); n > MaxRequestBytes {
		t.Errorf("the heaviest request weighs %d bytes of JSON, over MaxRequestBytes %d", n, MaxRequestBytes)
	}
	bounded, err := BoundDiff(diff)
	if err != nil {
		t.Fatal(err)
	}
	if n := jsonLen(t, bounded); n > MaxDiffBytes {
		t.Errorf("the heaviest diff, bounded, weighs %d bytes, over MaxDiffBytes %d", n, MaxDiffBytes)
	}
	e := Event{Seq: 1 << 62, RequestID: r.ID, Kind: KindRequestChanges,
		Actor:   Actor{ID: strings.Repeat("<", 36), Name: strings.Repeat("<", MaxNameLength)},
		Comment: strings.Repeat("<", MaxCommentLength), Diff: bounded}
	t.Logf("heaviest request %d bytes, diff %d bytes (%d unbounded), event %d bytes", jsonLen(t, r), jsonLen(t, bounded), jsonLen(t, diff), jsonLen(t, e))
	if n := jsonLen(t, e); n > MaxEventBytes {
		t.Errorf("the heaviest event weighs %d bytes of JSON, over MaxEventBytes %d", n, MaxEventBytes)
	}
}

func TestBoundDiffCutsLongTextsWithAMarker(t *testing.T) {
	long := strings.Repeat("é", 3*DiffTextLength)
	d := Diff{"description": {"court", long}, "title": {"Avant", "Après"}}
	got, err := BoundDiff(d)
	if err != nil {
		t.Fatal(err)
	}
	cut, _ := got["description"][1].(string)
	if utf8.RuneCountInString(cut) > DiffTextLength || !strings.HasSuffix(cut, CutMarker) || !strings.HasPrefix(cut, "ééé") {
		t.Errorf("BoundDiff() keeps %d characters of a %d-character description (%.20q…), want at most %d ending in %q",
			utf8.RuneCountInString(cut), 3*DiffTextLength, cut, DiffTextLength, CutMarker)
	}
	if got["description"][0] != "court" || got["title"] != [2]any{"Avant", "Après"} {
		t.Errorf("BoundDiff() = %v, want short values kept as they are", got)
	}
	again, err := BoundDiff(got)
	if err != nil || !reflect.DeepEqual(again, got) {
		t.Errorf("BoundDiff(BoundDiff(d)) = %v, %v; want BoundDiff(d)", again, err)
	}
}

func TestBoundDiffReplacesLargestValuesPastMaxDiffBytes(t *testing.T) {
	contacts := make([]any, MaxContacts)
	for i := range contacts {
		contacts[i] = map[string]any{"name": strings.Repeat("<", MaxNameLength), "email": strings.Repeat("<", MaxEmailLength)}
	}
	d := Diff{"contacts": {[]any{}, contacts}, "title": {"Avant", "Après"}}
	got, err := BoundDiff(d)
	if err != nil {
		t.Fatal(err)
	}
	if got["contacts"][1] != CutMarker || got["title"] != [2]any{"Avant", "Après"} {
		t.Errorf("BoundDiff() of %d bytes of contacts = %v, want the contacts replaced by %q and the title kept", jsonLen(t, d), got["contacts"][1], CutMarker)
	}
	if n := jsonLen(t, got); n > MaxDiffBytes {
		t.Errorf("BoundDiff() weighs %d bytes, over %d", n, MaxDiffBytes)
	}
}
