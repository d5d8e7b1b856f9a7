package i18n

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// codes are the error codes of the API contract.
var codes = []instruct.Code{instruct.CodeInvalid, instruct.CodeUnauthorized, instruct.CodeForbidden,
	instruct.CodeNotFound, instruct.CodeInFlight, instruct.CodeCursorExpired, instruct.CodeStaleVersion,
	instruct.CodeTooLarge, instruct.CodeCommentRequired, instruct.CodeInvalidTransition,
	instruct.CodeIdempotencyKeyReused, instruct.CodePreconditionRequired, instruct.CodeRateLimited,
	instruct.CodeInternal, instruct.CodeUnavailable, "some_future_code", ""}

// englishWord finds words of English that French never uses; a French
// message holding one has English inside it.
var englishWord = regexp.MustCompile(`(?i)\b(the|request|requests|cannot|could|not|your|you|with|of|to|and|is|are|was|waiting|error|sync|synced|recorded|decision|comment|required|server|changes|approve|approved|approval|refusal|revoke|revocation|refused|revoked|submitted|draft|applicant|only|from|this|that|for|failed|load|queue|loading|pending|conflict|rejected|unknown|invalid|forbidden|found|token|sign|again|internal|busy|under|way|expired|available|unavailable)\b`)

// rawKey finds a domain identifier shown untranslated (request_changes,
// invalid_transition…).
var rawKey = regexp.MustCompile(`\b[a-z]+_[a-z_]+\b`)

// TestFrenchHasNoEnglish calls every function of the French catalogue
// with every status, kind, error code, operation state, sort and flag,
// and checks that no English word and no raw domain key comes out, and
// that the English catalogue says each of them differently.
func TestFrenchHasNoEnglish(t *testing.T) {
	fr, en := reflect.ValueOf(French()), reflect.ValueOf(English())
	for i := range fr.NumField() {
		name := fr.Type().Field(i).Name
		switch f := fr.Field(i); f.Kind() {
		case reflect.String:
			checkFrench(t, name, f.String(), en.Field(i).String())
		case reflect.Func:
			for _, args := range argSets(f.Type()) {
				got := f.Call(args)[0].String()
				checkFrench(t, name, got, en.Field(i).Call(args)[0].String())
			}
		}
	}
	keys := reflect.ValueOf(French().Keys)
	for i := range keys.NumField() {
		checkFrench(t, "Keys."+keys.Type().Field(i).Name, keys.Field(i).String(), "")
	}
}

// checkFrench fails t when fr holds English or a raw key. Texts made of
// numbers, symbols and proper names alike in both languages are fine.
func checkFrench(t *testing.T, name, fr, en string) {
	t.Helper()
	if w := englishWord.FindString(fr); w != "" {
		t.Errorf("French %s = %q holds the English word %q", name, fr, w)
	}
	if k := rawKey.FindString(fr); k != "" && k != "some_future_code" {
		t.Errorf("French %s = %q holds the raw key %q", name, fr, k)
	}
	if en != "" && fr == en && regexp.MustCompile(`[a-zé]{4,}`).MatchString(strings.ToLower(fr)) &&
		!strings.Contains(fr, "instruct") && fr != "Message" && fr != "Organisation" {
		t.Errorf("French %s = %q, the same as the English", name, fr)
	}
}

// argSets returns every combination of test values for the parameters
// of a catalogue function.
func argSets(ft reflect.Type) [][]reflect.Value {
	sets := [][]reflect.Value{nil}
	for i := range ft.NumIn() {
		var next [][]reflect.Value
		for _, prefix := range sets {
			for _, v := range valuesOf(ft.In(i)) {
				next = append(next, append(append([]reflect.Value{}, prefix...), v))
			}
		}
		sets = next
	}
	return sets
}

// valuesOf returns the test values of a parameter type.
func valuesOf(t reflect.Type) []reflect.Value {
	var vs []any
	switch t {
	case reflect.TypeOf(instruct.Kind("")):
		for _, k := range instruct.Kinds() {
			vs = append(vs, k)
		}
	case reflect.TypeOf(instruct.Status("")):
		for _, s := range instruct.Statuses() {
			vs = append(vs, s)
		}
	case reflect.TypeOf(instruct.Code("")):
		for _, c := range codes {
			vs = append(vs, c)
		}
	case reflect.TypeOf(instruct.OpState("")):
		vs = []any{instruct.OpPending, instruct.OpSending, instruct.OpAccepted, instruct.OpConflict, instruct.OpRejected}
	case reflect.TypeOf(instruct.Sort("")):
		vs = []any{instruct.SortAge, instruct.SortUpdated, instruct.SortOrganization}
	case reflect.TypeOf(instruct.Flag("")):
		vs = []any{instruct.FlagRetentionUnjustified, instruct.FlagRetentionLong, instruct.FlagLegalBasisUnsourced, instruct.FlagScopeUnknown}
	case reflect.TypeOf(instruct.Fault("")):
		vs = []any{instruct.FaultUnreachable, instruct.FaultServerUnavailable, instruct.FaultDiskFull, instruct.FaultCacheDamaged}
	case reflect.TypeOf(instruct.CacheRecovery{}):
		for _, p := range []instruct.CacheProblem{instruct.CacheEmpty, instruct.CacheNotSQLite, instruct.CacheForeign,
			instruct.CacheIncomplete, instruct.CacheTruncated, instruct.CacheDamaged, instruct.CacheElsewhere} {
			vs = append(vs, instruct.CacheRecovery{Problem: p, MovedTo: "/home/marie/.cache/instruct/a.db.broken-1764650000", Saved: 2, Lost: 1})
		}
	case reflect.TypeOf(instruct.Request{}):
		vs = []any{instruct.Request{RetentionMonths: 60}}
	case reflect.TypeOf([]string{}):
		vs = []any{[]string{"x"}}
	case reflect.TypeOf(time.Duration(0)):
		vs = []any{4 * time.Second, 3 * time.Minute, 50 * time.Hour}
	case reflect.TypeOf(time.Time{}):
		vs = []any{time.Date(2026, 3, 16, 9, 30, 0, 0, time.UTC)}
	case reflect.TypeOf(0):
		vs = []any{0, 1, 2}
	case reflect.TypeOf(true):
		vs = []any{true, false}
	case reflect.TypeOf(""):
		vs = []any{"D1042"}
	default:
		panic("no test values for " + t.String())
	}
	out := make([]reflect.Value, len(vs))
	for i, v := range vs {
		out[i] = reflect.ValueOf(v)
	}
	return out
}

// walk calls every message of m, each function with every combination of
// test values, and gives each text with the message's name to check.
func walk(m Messages, check func(name, text string)) {
	v := reflect.ValueOf(m)
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		switch f := v.Field(i); f.Kind() {
		case reflect.String:
			check(name, f.String())
		case reflect.Func:
			for _, args := range argSets(f.Type()) {
				check(name, f.Call(args)[0].String())
			}
		}
	}
	keys := reflect.ValueOf(m.Keys)
	for i := range keys.NumField() {
		check("Keys."+keys.Type().Field(i).Name, keys.Field(i).String())
	}
}

// frenchSpacing finds the space French puts before a colon, question or
// exclamation mark, semicolon, and its quotation marks, in English text.
var frenchSpacing = regexp.MustCompile(`[\p{L}\d)]\s[:?!;]|«|»`)

// badArticle finds French words that must contract or elide: "de le",
// "à les", "de la Le …", "de une".
var badArticle = regexp.MustCompile(`\b(de|à) (le|les)\b|\bde (un|une|[aeiouéèê][a-zéèê]+)\b|\b(de|du|la) (La|Le|Les) `)

// TestEveryMessageIsWrittenInItsLanguage walks every message of both
// catalogues: English has no French spacing before its punctuation;
// French contracts and elides its articles.
func TestEveryMessageIsWrittenInItsLanguage(t *testing.T) {
	walk(English(), func(name, text string) {
		if bad := frenchSpacing.FindString(text); bad != "" {
			t.Errorf("English %s = %q has French typography %q", name, text, bad)
		}
	})
	walk(French(), func(name, text string) {
		if bad := badArticle.FindString(text); bad != "" {
			t.Errorf("French %s = %q has %q, not contracted or elided", name, text, bad)
		}
	})
}

// TestFrenchNamesTheOrganisationWithItsArticle: the confirmation speaks of
// "la demande D1291 du Département de …", not "de Département".
func TestFrenchNamesTheOrganisationWithItsArticle(t *testing.T) {
	tests := []struct{ org, want string }{
		{"Département de la Haute-Garonne", "la demande D1291 du Département de la Haute-Garonne ?"},
		{"Ville de Lyon", "la demande D1291 de la Ville de Lyon ?"},
		{"Commune de Metz", "la demande D1291 de la Commune de Metz ?"},
		{"CCAS de Brest", "la demande D1291 du CCAS de Brest ?"},
		{"Centre communal d'action sociale d'Arras", "la demande D1291 du Centre communal"},
		{"Ministère de la Justice", "la demande D1291 du Ministère de la Justice ?"},
		{"Agence nationale de l'habitat", "la demande D1291 de l'Agence nationale"},
		{"Le Mans Métropole", "la demande D1291 du Mans Métropole ?"},
		{"Évry-Courcouronnes Agglomération", "la demande D1291 d'Évry-Courcouronnes"},
		{"Santélia Connect", "la demande D1291 de Santélia Connect ?"},
		{"Région Île-de-France", "la demande D1291 de la Région Île-de-France ?"},
	}
	fr := French()
	for _, tc := range tests {
		if got := fr.Confirm(instruct.KindApprove, "D1291", tc.org); !strings.Contains(got, tc.want) {
			t.Errorf("French().Confirm(approve, D1291, %q) = %q, want it to hold %q", tc.org, got, tc.want)
		}
	}
}

// TestFrenchClaimWordsHaveNoEnglish walks the claim words as
// TestFrenchHasNoEnglish walks the catalogue.
func TestFrenchClaimWordsHaveNoEnglish(t *testing.T) {
	fr, en := reflect.ValueOf(French().Claims()), reflect.ValueOf(English().Claims())
	for i := range fr.NumField() {
		name := fr.Type().Field(i).Name
		switch f := fr.Field(i); f.Kind() {
		case reflect.String:
			checkFrench(t, name, f.String(), en.Field(i).String())
		case reflect.Func:
			if name == "Since" {
				continue // a time, the same in both languages
			}
			for _, args := range argSets(f.Type()) {
				checkFrench(t, name, f.Call(args)[0].String(), en.Field(i).Call(args)[0].String())
			}
		}
	}
}
