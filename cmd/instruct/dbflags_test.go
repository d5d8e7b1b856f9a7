package main

import (
	"os"
	"strings"
	"testing"
)

// TestMistypedDatabaseIsRefused: admin and audit commands given a --db
// that does not exist say so and create nothing — an audit of an empty
// file must not pass — while "admin user add" may create the database
// of a server not started yet.
func TestMistypedDatabaseIsRefused(t *testing.T) {
	box := newSandbox(t)
	missing := box.path("instruct-typo.db")
	for _, args := range [][]string{
		{"audit", "verify", "--db", missing},
		{"admin", "token", "create", "--db", missing, "--email", "marie.dupont@interieur.gouv.fr"},
		{"admin", "ssh-key", "add", "--db", missing, "--email", "marie.dupont@interieur.gouv.fr", "--key", "ssh-ed25519 AAAA"},
	} {
		res := box.run(args...)
		if res.code == 0 || !strings.Contains(res.stderr, "no server database at "+missing) {
			t.Errorf("instruct %q = %s, want a non-zero exit saying there is no database", args, res)
		}
		if _, err := os.Stat(missing); err == nil {
			t.Fatalf("instruct %q created %s", args, missing)
		}
	}
	fresh := box.path("first.db")
	box.must("admin", "user", "add", "--db", fresh, "--email", "admin@interieur.gouv.fr", "--name", "Léa Girard", "--role", "*:admin")
	if res := box.must("admin", "token", "create", "--db", fresh, "--email", "admin@interieur.gouv.fr"); strings.TrimSpace(res.stdout) == "" {
		t.Errorf("admin token create on the database user add created printed no token")
	}
}
