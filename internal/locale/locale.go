// Package locale tells which language a user's environment asks for, the
// one way the TUI, the SSH sessions and the command line read it: as
// POSIX does for messages, the first of LC_ALL, LC_MESSAGES and LANG that
// is set and not empty decides, and a locale this program has no
// language for ("C", "POSIX", "de_DE.UTF-8") means English.
package locale

import "strings"

// Default is the language of an environment that asks for none this
// program speaks.
const Default = "en"

// supported are the languages of the user interface.
var supported = []string{"fr", "en"}

// variables are the environment variables that set the messages'
// locale, strongest first.
var variables = []string{"LC_ALL", "LC_MESSAGES", "LANG"}

// Language returns the language ("fr" or "en") that the locale
// variables getenv reads ask for.
func Language(getenv func(string) string) string {
	for _, name := range variables {
		if v := getenv(name); v != "" {
			return supportedOr(Parse(v))
		}
	}
	return Default
}

// Parse returns the language code of a locale name, lower case:
// "fr_FR.UTF-8", "fr-CA", "fr@euro" and "fr" all give "fr". The C and
// POSIX locales, and a name with no language in it, give "".
func Parse(name string) string {
	lang, _, _ := strings.Cut(name, ".")
	lang, _, _ = strings.Cut(lang, "@")
	lang, _, _ = strings.Cut(lang, "_")
	lang, _, _ = strings.Cut(lang, "-")
	lang = strings.ToLower(lang)
	if lang == "c" || lang == "posix" || !letters(lang) {
		return ""
	}
	return lang
}

// letters reports whether s is two or three ASCII letters, as a
// language code is.
func letters(s string) bool {
	if len(s) < 2 || len(s) > 3 {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// supportedOr returns lang when the user interface speaks it, else
// Default.
func supportedOr(lang string) string {
	for _, l := range supported {
		if l == lang {
			return lang
		}
	}
	return Default
}
