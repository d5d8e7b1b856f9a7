package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
