package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// signInAs replaces the signed-in user of f's cache with one holding
// grants.
func signInAs(t *testing.T, f fixture, name string, grants ...instruct.Grant) {
	t.Helper()
	me := reviewer(t)
	me.Name, me.Roles = name, grants
	if err := f.st.PutMe(context.Background(), me); err != nil {
		t.Fatal(err)
	}
}

// TestReporterScreenSaysItIsReadOnly: support staff reading every API see
// it in the header, the footer and the help, and are offered no decision
// key.
func TestReporterScreenSaysItIsReadOnly(t *testing.T) {
	f := newFixture(t)
	signInAs(t, f, "Julien Moreau", instruct.Grant{Definition: instruct.AllDefinitions, Role: instruct.RoleReporter})
	for _, sz := range sizes {
		d := newDriver(t, Options{Cache: f.st, Lang: "en"}, sz[0], sz[1])
		d.selectRequest(f.flagged)
		screen := d.screen()
		lines := strings.Split(screen, "\n")
		header, footer := lines[0], lines[len(lines)-1]
		if !strings.Contains(header, "Julien Moreau · read-only access to all APIs") {
			t.Errorf("at %dx%d the header does not say read-only: %q", sz[0], sz[1], header)
		}
		if !strings.Contains(footer, "read-only") {
			t.Errorf("at %dx%d the footer does not say read-only: %q", sz[0], sz[1], footer)
		}
		for _, offered := range []string{"a approve", "x refuse", "c request", "n note"} {
			if strings.Contains(footer, offered) {
				t.Errorf("at %dx%d the read-only footer offers %q: %q", sz[0], sz[1], offered, footer)
			}
		}
		d.keys("?")
		help := d.screen()
		if !strings.Contains(help, "Read-only access to ") {
			t.Errorf("at %dx%d the help does not say read-only:\n%s", sz[0], sz[1], help)
		}
		for _, offered := range []string{"approve", "refuse", "revoke", "archive", "discard my decision"} {
			if strings.Contains(help, offered) {
				t.Errorf("at %dx%d the read-only help lists %q:\n%s", sz[0], sz[1], offered, help)
			}
		}
	}
}

// TestHeaderNamesAPIsNotIdentifiers: the header names the APIs the
// reviewer decides on and those they only read, by their names, in both
// languages.
func TestHeaderNamesAPIsNotIdentifiers(t *testing.T) {
	f := newFixture(t)
	signInAs(t, f, "Marie Dupont", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor},
		instruct.Grant{Definition: "api_impot_particulier", Role: instruct.RoleReporter})
	for lang, want := range map[string]string{
		"en": "Marie Dupont (API Particulier) · read-only access to API Impôt Particulier",
		"fr": "Marie Dupont (API Particulier) · accès en lecture seule : API Impôt Particulier",
	} {
		d := newDriver(t, Options{Cache: f.st, Lang: lang}, 200, 50)
		header := strings.Split(d.screen(), "\n")[0]
		if !strings.Contains(header, want) || strings.Contains(header, "api_") {
			t.Errorf("%s header = %q, want %q and no identifier", lang, header, want)
		}
	}
}
