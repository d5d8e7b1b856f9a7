package sshd

import (
	"testing"

	"github.com/instruct-dev/instruct/internal/locale"
)

// TestLanguageFromTheSessionEnvironment reads a session's language from
// the environment an SSH client sends, the way package locale reads a
// process's.
func TestLanguageFromTheSessionEnvironment(t *testing.T) {
	tests := []struct {
		name string
		env  []string
		want string
	}{
		{"nothing sent", nil, "en"},
		{"French LANG", []string{"LANG=fr_FR.UTF-8"}, "fr"},
		{"LC_ALL wins over LANG", []string{"LANG=fr_FR.UTF-8", "LC_ALL=en_GB.UTF-8"}, "en"},
		{"LC_MESSAGES wins over LANG", []string{"LANG=en_US.UTF-8", "LC_MESSAGES=fr_CA.UTF-8"}, "fr"},
		{"the last value of a key", []string{"LANG=en_US.UTF-8", "LANG=fr_BE.UTF-8"}, "fr"},
		{"empty values are unset", []string{"LC_ALL=", "LANG=fr_FR"}, "fr"},
		{"C wins and means English", []string{"LANG=fr_FR.UTF-8", "LC_ALL=C"}, "en"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := locale.Language(environ(tc.env)); got != tc.want {
				t.Errorf("locale.Language(environ(%q)) = %q, want %q", tc.env, got, tc.want)
			}
		})
	}
}

func FuzzSessionEnvironment(f *testing.F) {
	f.Add("LANG=fr_FR.UTF-8", "LC_ALL=")
	f.Add("=", "LANG")
	f.Add("LC_MESSAGES=fr\x00\xff", "LANG=en=US")
	f.Fuzz(func(t *testing.T, a, b string) {
		lang := locale.Language(environ([]string{a, b}))
		if lang != "fr" && lang != "en" {
			t.Errorf("locale.Language(environ(%q, %q)) = %q, want fr or en", a, b, lang)
		}
		_ = messagesFor(lang).idle(DefaultIdleTimeout)
	})
}
