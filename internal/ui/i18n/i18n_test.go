package i18n

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

func TestCataloguesAreComplete(t *testing.T) {
	for _, m := range []Messages{French(), English()} {
		checkComplete(t, m.Lang, reflect.ValueOf(m))
		checkComplete(t, m.Lang, reflect.ValueOf(m.Keys))
	}
}

// checkComplete fails t for an empty string or a nil function in v.
func checkComplete(t *testing.T, lang string, v reflect.Value) {
	t.Helper()
	for i := range v.NumField() {
		f, name := v.Field(i), v.Type().Field(i).Name
		if (f.Kind() == reflect.String && f.String() == "") || (f.Kind() == reflect.Func && f.IsNil()) {
			t.Errorf("%s catalogue: %s is missing", lang, name)
		}
	}
}

func TestEveryDomainWordIsTranslated(t *testing.T) {
	for _, m := range []Messages{French(), English()} {
		for _, s := range instruct.Statuses() {
			if got := m.Status(s); got == string(s) && m.Lang == "fr" {
				t.Errorf("%s: Status(%s) = %q, untranslated", m.Lang, s, got)
			}
		}
		for _, k := range instruct.Kinds() {
			if got := m.Did(k); got == string(k) {
				t.Errorf("%s: Did(%s) = %q, untranslated", m.Lang, k, got)
			}
		}
		for _, f := range []instruct.Flag{instruct.FlagRetentionUnjustified, instruct.FlagRetentionLong, instruct.FlagLegalBasisUnsourced, instruct.FlagScopeUnknown} {
			if got := m.Flag(f, instruct.Request{RetentionMonths: 60}, []string{"x"}); got == string(f) {
				t.Errorf("%s: Flag(%s) = %q, untranslated", m.Lang, f, got)
			}
		}
	}
}

func TestFor(t *testing.T) {
	tests := []struct{ in, want string }{
		{"fr", "fr"}, {"fr_FR.UTF-8", "fr"}, {"FR-be", "fr"}, {"en_GB.UTF-8", "en"}, {"", "en"}, {"de", "en"},
	}
	for _, tc := range tests {
		if got := For(tc.in).Lang; got != tc.want {
			t.Errorf("For(%q).Lang = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDurations(t *testing.T) {
	tests := []struct {
		d          time.Duration
		fr, enWant string
	}{
		{4 * time.Second, "synchronisé il y a 4 s", "synced 4 s ago"},
		{3 * time.Minute, "synchronisé il y a 3 min", "synced 3 min ago"},
		{50 * time.Hour, "synchronisé il y a 2 j", "synced 2 d ago"},
	}
	for _, tc := range tests {
		if got := French().SyncedAgo(tc.d); got != tc.fr {
			t.Errorf("French().SyncedAgo(%v) = %q, want %q", tc.d, got, tc.fr)
		}
		if got := English().SyncedAgo(tc.d); got != tc.enWant {
			t.Errorf("English().SyncedAgo(%v) = %q, want %q", tc.d, got, tc.enWant)
		}
	}
	if got := French().ConflictsN(2); !strings.HasSuffix(got, "conflits") {
		t.Errorf("French().ConflictsN(2) = %q, want a plural", got)
	}
}
