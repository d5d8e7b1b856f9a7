package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// TestFirstStartWithABadTokenStopsWithWhatToDo starts the TUI for the
// first time (no cache yet) with a token the server refuses, in a real
// terminal: instead of an empty queue with an error in its footer, the
// program ends with exit status 1 and one message naming the server and
// how to sign in, and leaves no cache file behind.
func TestFirstStartWithABadTokenStopsWithWhatToDo(t *testing.T) {
	srv := runDemoServer(t)
	box := newSandbox(t)
	scr, status := startRecordingExit(t, box, "--server", srv.URL, "--token", "ins_pas-le-bon-jeton", "--lang", "fr")
	login := `"instruct login --server ` + srv.URL + `"`
	checkStoppedWith(t, scr, status, srv.URL+" refused the token", login)
	checkNoCacheFiles(t, box)
}

// TestFirstStartWithNoServerStopsWithWhatToDo starts the TUI for the
// first time against an address where no server listens: the program
// ends with exit status 1 and one message naming the address and what to
// do, and leaves no cache file behind.
func TestFirstStartWithNoServerStopsWithWhatToDo(t *testing.T) {
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + addr
	box := newSandbox(t)
	scr, status := startRecordingExit(t, box, "--server", url, "--token", "ins_un-jeton", "--lang", "fr")
	checkStoppedWith(t, scr, status, "cannot reach "+url, `"instruct login --server URL"`)
	checkNoCacheFiles(t, box)
}

// TestSyncedCacheStillOpensOffline: a cache that synced once opens with
// the server gone, its queue shown and the server said out of reach in
// the status bar; the first start's check does not apply to it.
func TestSyncedCacheStillOpensOffline(t *testing.T) {
	srv := runDemoServer(t)
	box := newSandbox(t)
	cache := box.path("cache.db")
	firstSync(t, box, srv, cache)
	args := tuiArgs(srv, t, cache)
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM, want 0", code)
	}
	scr := startScreen(t, box, 120, 30, args...)
	scr.waitText(selected+"D", i18n.French().Offline)
	if dead, _ := paneExit(scr); dead {
		t.Errorf("the TUI on a synced cache ended with the server stopped:\n%s", scr.capture())
	}
}

// TestFirstSyncWithABadTokenSaysWhatToDo: "instruct sync" on no cache yet,
// with a refused token or no server, exits non-zero with one line naming
// the server and how to sign in, and leaves no cache file behind, named
// by --cache or the default one.
func TestFirstSyncWithABadTokenSaysWhatToDo(t *testing.T) {
	srv := runDemoServer(t)
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, server, token string
		cache               bool
		want                []string
	}{
		{"refused token", srv.URL, "ins_pas-le-bon-jeton", false,
			[]string{srv.URL + " refused the token", `"instruct login --server ` + srv.URL + `"`}},
		{"refused token, --cache", srv.URL, "ins_pas-le-bon-jeton", true,
			[]string{srv.URL + " refused the token", `"instruct login --server ` + srv.URL + `"`}},
		{"no server", "http://" + addr, srv.token(t, demo.InstructorID), false,
			[]string{"cannot reach http://" + addr, `"instruct login --server URL"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			box := newSandbox(t)
			args := []string{"sync", "--server", c.server, "--token", c.token}
			if c.cache {
				args = append(args, "--cache", box.path("caches", "mine.db"))
			}
			res := box.run(args...)
			msg := strings.TrimSpace(res.stderr)
			if res.code != 1 || strings.Contains(msg, "\n") || !containsAll(msg, c.want...) {
				t.Errorf("instruct %s = %s\nwant exit 1 and one line saying %q", strings.Join(args, " "), res, c.want)
			}
			checkNoCacheFiles(t, box)
		})
	}
}

// startRecordingExit runs the binary with args in a 120×30 terminal
// keeping 50 lines of history, through a shell that writes its exit
// status to the file it returns: tmux 3.3 may leave a program that ended
// unreaped, its pane dead with no status, for seconds.
func startRecordingExit(t *testing.T, box *sandbox, args ...string) (*tmuxScreen, string) {
	t.Helper()
	status := filepath.Join(t.TempDir(), "status")
	script := `"$0" "$@"; echo $? > ` + shellQuote([]string{status})
	return startCommand(t, box, 120, 30, 50, append([]string{"sh", "-c", script, e2eBinary}, args...)), status
}

// checkStoppedWith waits for the program in scr to end, its exit status
// written to the file status, then checks that it exited 1 and left on
// the terminal one message holding every one of want, and nothing of the
// screen.
func checkStoppedWith(t *testing.T, scr *tmuxScreen, status string, want ...string) {
	t.Helper()
	var code string
	scr.waitFor("the program to end", func(string) bool {
		b, err := os.ReadFile(status)
		code = strings.TrimSpace(string(b))
		return err == nil && code != ""
	})
	// As it ends, tmux's "Pane is dead" line scrolls the window up: read
	// the lines above it too.
	screen, err := scr.tmux("capture-pane", "-p", "-S", "-", "-t", tmuxSession)
	if err != nil {
		t.Fatalf("tmux capture-pane: %v\n%s", err, screen)
	}
	if code != "1" {
		t.Errorf("the program exited with status %s, want 1", code)
	}
	var said []string
	for _, line := range strings.Split(screen, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "Pane is dead") {
			said = append(said, line)
		}
	}
	// The message is one line, which the terminal may have wrapped.
	msg := strings.Join(said, "")
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("the terminal says %q, want one message saying %q", msg, w)
		}
	}
	if strings.Count(msg, "instruct:") != 1 {
		t.Errorf("the terminal says %q, want exactly one message from instruct", msg)
	}
}

// paneExit reports whether the program in scr has ended, and its exit
// status.
func paneExit(scr *tmuxScreen) (bool, string) {
	scr.t.Helper()
	out, err := scr.tmux("display-message", "-p", "-t", tmuxSession, "#{pane_dead} #{pane_dead_status}")
	if err != nil {
		scr.t.Fatalf("tmux display-message: %v\n%s", err, out)
	}
	dead, status, _ := strings.Cut(strings.TrimSpace(out), " ")
	return dead == "1", status
}

// checkNoCacheFiles fails the test if any file is left where the box's
// commands keep caches: the user cache directory and the box's caches
// directory.
func checkNoCacheFiles(t *testing.T, box *sandbox) {
	t.Helper()
	for _, dir := range []string{box.path("cache"), box.path("caches")} {
		filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
			if err == nil && path != dir {
				t.Errorf("left behind: %s", path)
			}
			return nil
		})
	}
}
