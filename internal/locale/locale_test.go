package locale

import "testing"

func TestParse(t *testing.T) {
	tests := []struct{ in, want string }{
		{"fr_FR.UTF-8", "fr"},
		{"fr_CA", "fr"},
		{"fr-BE", "fr"},
		{"fr", "fr"},
		{"FR_fr.utf8", "fr"},
		{"fr_FR@euro", "fr"},
		{"fr@euro", "fr"},
		{"en_GB.UTF-8", "en"},
		{"de_DE.UTF-8", "de"},
		{"C", ""},
		{"C.UTF-8", ""},
		{"POSIX", ""},
		{"", ""},
		{"french", ""},
		{"fresh_FR", ""},
		{"f", ""},
		{"fr\x00", ""},
	}
	for _, tt := range tests {
		if got := Parse(tt.in); got != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLanguage(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"nothing set", nil, "en"},
		{"French LANG", map[string]string{"LANG": "fr_FR.UTF-8"}, "fr"},
		{"LC_ALL wins over LANG", map[string]string{"LANG": "fr_FR.UTF-8", "LC_ALL": "en_GB.UTF-8"}, "en"},
		{"LC_ALL wins over LC_MESSAGES", map[string]string{"LC_MESSAGES": "en_US", "LC_ALL": "fr_FR"}, "fr"},
		{"LC_MESSAGES wins over LANG", map[string]string{"LANG": "en_US.UTF-8", "LC_MESSAGES": "fr_CA.UTF-8"}, "fr"},
		{"empty values are unset", map[string]string{"LC_ALL": "", "LC_MESSAGES": "", "LANG": "fr_FR"}, "fr"},
		{"C is the default, not a fall-through", map[string]string{"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en"},
		{"POSIX is the default", map[string]string{"LANG": "POSIX"}, "en"},
		{"C.UTF-8 is the default", map[string]string{"LANG": "C.UTF-8"}, "en"},
		{"a language the UI lacks is the default", map[string]string{"LANG": "de_DE.UTF-8"}, "en"},
		{"other LC_ variables don't count", map[string]string{"LC_TIME": "fr_FR", "LC_CTYPE": "fr_FR"}, "en"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Language(func(k string) string { return tt.env[k] }); got != tt.want {
				t.Errorf("Language(%v) = %q, want %q", tt.env, got, tt.want)
			}
		})
	}
}

func FuzzLanguage(f *testing.F) {
	f.Add("fr_FR.UTF-8", "")
	f.Add("C", "fr")
	f.Add("\xff@.", "-_")
	f.Fuzz(func(t *testing.T, all, lang string) {
		env := map[string]string{"LC_ALL": all, "LANG": lang}
		if got := Language(func(k string) string { return env[k] }); got != "fr" && got != "en" {
			t.Errorf("Language(LC_ALL=%q, LANG=%q) = %q, want fr or en", all, lang, got)
		}
	})
}
