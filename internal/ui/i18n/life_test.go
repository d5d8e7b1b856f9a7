package i18n

import (
	"reflect"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestLifeWordsFrenchHasNoEnglish calls every word of habilitations in
// French with sample arguments: no English word, no raw key, and each
// says it differently from the English; dates are written in words in
// the reviewer's zone.
func TestLifeWordsFrenchHasNoEnglish(t *testing.T) {
	at := time.Date(2026, 3, 12, 23, 30, 0, 0, time.UTC)
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip("no time zone database")
	}
	fr, en := reflect.ValueOf(French().Life(paris)), reflect.ValueOf(English().Life(paris))
	args := map[reflect.Type]reflect.Value{
		reflect.TypeFor[string]():                      reflect.ValueOf("H2041"),
		reflect.TypeFor[time.Time]():                   reflect.ValueOf(at),
		reflect.TypeFor[[]string]():                    reflect.ValueOf([]string{"Quotient familial"}),
		reflect.TypeFor[instruct.HabilitationStatus](): reflect.ValueOf(instruct.HabilitationObsolete),
	}
	// "Habilitation" is the domain's word in both languages.
	same := map[string]bool{"KeyHabilitations": true, "Title": true, "Habs": true}
	for i := range fr.NumField() {
		name := fr.Type().Field(i).Name
		switch f := fr.Field(i); {
		case same[name]:
		case f.Kind() == reflect.String:
			checkFrench(t, "Life."+name, f.String(), en.Field(i).String())
		case f.Kind() == reflect.Func:
			in := make([]reflect.Value, f.Type().NumIn())
			for j := range in {
				in[j] = args[f.Type().In(j)]
			}
			checkFrench(t, "Life."+name, f.Call(in)[0].String(), en.Field(i).Call(in)[0].String())
		}
	}
	if got, want := French().Life(paris).ReopeningOf("H2041", at), "Réouverture de H2041 (active depuis le 13 mars 2026)"; got != want {
		t.Errorf("French ReopeningOf = %q, want %q (the day in Paris)", got, want)
	}
	if got, want := English().Life(time.UTC).ReopeningOf("H2041", at), "Reopening of H2041 (active since 12 March 2026)"; got != want {
		t.Errorf("English ReopeningOf = %q, want %q", got, want)
	}
}
