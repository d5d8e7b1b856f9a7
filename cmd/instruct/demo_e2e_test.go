package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
)

// TestDemoLeavesNothingBehind runs "instruct demo" in a real terminal: it
// opens on a full queue with no set-up, and whether the reviewer quits
// with q or closes the terminal (SIGHUP), its server stops and its
// temporary database is gone.
func TestDemoLeavesNothingBehind(t *testing.T) {
	for _, end := range []string{"quit with q", "terminal closed"} {
		t.Run(end, func(t *testing.T) {
			box := newSandbox(t)
			tmp := box.path("tmp")
			if err := os.Mkdir(tmp, 0o700); err != nil {
				t.Fatal(err)
			}
			for i, kv := range box.env {
				if strings.HasPrefix(kv, "TMPDIR=") {
					box.env[i] = "TMPDIR=" + tmp
				}
			}
			scr := startScreen(t, box, 120, 40, "demo", "--lang", "en")
			scr.waitFor("the demo queue", func(s string) bool { return strings.Contains(s, selected+"D") })
			if left, _ := filepath.Glob(filepath.Join(tmp, "instruct-demo-*")); len(left) != 1 {
				t.Fatalf("while the demo runs, %s holds %v, want its one temporary directory", tmp, left)
			}
			if end == "quit with q" {
				scr.keys("q")
			} else {
				scr.tmux("kill-server")
			}
			gone := waitUntil(screenTimeout, func() bool {
				left, _ := filepath.Glob(filepath.Join(tmp, "instruct-demo-*"))
				return len(left) == 0
			})
			if !gone {
				left, _ := filepath.Glob(filepath.Join(tmp, "*"))
				t.Errorf("after the demo ended (%s), %s still holds %v", end, tmp, left)
			}
		})
	}
}

// TestServeDemoRefusesRealData: "serve --demo" and "ssh-serve --demo"
// on a database with users of its own refuse to start, in one line,
// and add no demo user (whose printed tokens would open the database).
func TestServeDemoRefusesRealData(t *testing.T) {
	db := filepath.Join(t.TempDir(), "instruct.db")
	ctx := context.Background()
	l, err := ledger.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.AddUser(ctx, instruct.User{Name: "Marie Dupont", Email: "marie.dupont@interieur.gouv.fr",
		Roles: []instruct.Grant{{Definition: "*", Role: instruct.RoleAdmin}}})
	l.Close()
	if err != nil {
		t.Fatal(err)
	}
	box := newSandbox(t)
	for _, args := range [][]string{
		{"serve", "--demo", "--db", db, "--addr", "127.0.0.1:0"},
		{"ssh-serve", "--demo", "--db", db, "--addr", "127.0.0.1:0"},
	} {
		res := box.run(args...)
		if res.code != 2 || !strings.Contains(res.stderr, "--demo refused") || strings.Contains(res.stdout, "ins_") {
			t.Errorf("instruct %q = %s, want exit 2 saying --demo is refused, and no token", args, res)
		}
	}
	l, err = ledger.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if n, err := l.CountUsersExcept(ctx, nil); err != nil || n != 1 {
		t.Errorf("users after the refusals = %d, %v, want the one user of the database", n, err)
	}
}
