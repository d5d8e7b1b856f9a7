package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/e2e"
)

// screenTimeout is how long a test waits for the screen to show what it
// expects before it fails and prints what the screen shows.
const screenTimeout = 20 * time.Second

// requireTmux skips a test that needs tmux when it is missing, unless
// INSTRUCT_REQUIRE_E2E=1 (as in CI), where a missing tmux fails it (see
// package e2e).
func requireTmux(t *testing.T) {
	t.Helper()
	e2e.Command(t, "tmux", "tmux")
}

// tmuxScreen is a program running in a terminal of its own: a detached
// session of a private tmux server, captured as text.
type tmuxScreen struct {
	t      *testing.T
	socket string
	env    []string
}

// tmuxSession is the name of the one session of each private server.
const tmuxSession = "instruct"

// startScreen runs the binary with args in a new width×height terminal,
// with the sandbox's environment, and kills it when the test ends.
func startScreen(t *testing.T, b *sandbox, width, height int, args ...string) *tmuxScreen {
	t.Helper()
	return startScreenKeeping(t, b, width, height, 0, args...)
}

// startScreenKeeping is startScreen with history lines kept above the
// window, for programs whose last words scroll up as they end.
func startScreenKeeping(t *testing.T, b *sandbox, width, height, history int, args ...string) *tmuxScreen {
	t.Helper()
	return startCommand(t, b, width, height, history, append([]string{e2eBinary}, args...))
}

// startCommand runs command (a program and its arguments) in a new
// width×height terminal keeping history lines, with the sandbox's
// environment, and kills it when the test ends.
func startCommand(t *testing.T, b *sandbox, width, height, history int, command []string) *tmuxScreen {
	t.Helper()
	requireTmux(t)
	conf := filepath.Join(t.TempDir(), "tmux.conf")
	// No status line, so the program gets the whole window; a program
	// that exits leaves its last screen to read.
	settings := "set -g status off\nset -g remain-on-exit on\nset -s escape-time 0\nset -g history-limit " + strconv.Itoa(history) + "\n"
	if err := os.WriteFile(conf, []byte(settings), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &tmuxScreen{t: t, socket: fmt.Sprintf("instruct-e2e-%d-%d", os.Getpid(), time.Now().UnixNano()), env: b.env}
	t.Cleanup(s.close)
	if out, err := s.tmux("-f", conf, "new-session", "-d", "-s", tmuxSession,
		"-x", strconv.Itoa(width), "-y", strconv.Itoa(height), "-c", b.dir, shellQuote(command)); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	return s
}

// tmux runs a tmux command on the private server.
func (s *tmuxScreen) tmux(args ...string) (string, error) {
	cmd := exec.Command("tmux", append([]string{"-u", "-L", s.socket}, args...)...)
	cmd.Env = s.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// close kills the private tmux server and the program in it; when the
// test failed, it logs the last screen first.
func (s *tmuxScreen) close() {
	if s.t.Failed() {
		if screen, err := s.tmux("capture-pane", "-p", "-t", tmuxSession); err == nil {
			s.t.Logf("last screen:\n%s", screen)
		}
	}
	s.tmux("kill-server")
}

// capture returns the text on screen now.
func (s *tmuxScreen) capture() string {
	s.t.Helper()
	out, err := s.tmux("capture-pane", "-p", "-t", tmuxSession)
	if err != nil {
		s.t.Fatalf("tmux capture-pane: %v\n%s", err, out)
	}
	return out
}

// waitFor captures the screen until ok holds for it and returns that
// screen; after screenTimeout it fails the test with the last screen.
func (s *tmuxScreen) waitFor(what string, ok func(screen string) bool) string {
	s.t.Helper()
	return s.waitCheck(what, func(screen string) error {
		if ok(screen) {
			return nil
		}
		return errors.New("not yet")
	})
}

// waitCheck captures the screen until check finds nothing wrong with it
// and returns that screen; after screenTimeout it fails the test with
// check's last complaint and the last screen.
func (s *tmuxScreen) waitCheck(what string, check func(screen string) error) string {
	s.t.Helper()
	deadline := time.Now().Add(screenTimeout)
	for {
		screen := s.capture()
		err := check(screen)
		if err == nil {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("waited %v for %s (%v); the screen shows:\n%s", screenTimeout, what, err, screen)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitText waits until every one of texts is on screen, and returns it.
func (s *tmuxScreen) waitText(texts ...string) string {
	s.t.Helper()
	return s.waitFor(fmt.Sprintf("%q", texts), func(screen string) bool { return containsAll(screen, texts...) })
}

// keys presses keys named as tmux names them (Enter, Escape, Tab, C-s, x).
func (s *tmuxScreen) keys(keys ...string) {
	s.t.Helper()
	if out, err := s.tmux(append([]string{"send-keys", "-t", tmuxSession}, keys...)...); err != nil {
		s.t.Fatalf("tmux send-keys %v: %v\n%s", keys, err, out)
	}
}

// typeText types text as it is, one character after the other.
func (s *tmuxScreen) typeText(text string) {
	s.t.Helper()
	if out, err := s.tmux("send-keys", "-t", tmuxSession, "-l", text); err != nil {
		s.t.Fatalf("tmux send-keys -l %q: %v\n%s", text, err, out)
	}
}

// resize changes the terminal's size, as a user resizing the window.
func (s *tmuxScreen) resize(width, height int) {
	s.t.Helper()
	if out, err := s.tmux("resize-window", "-t", tmuxSession, "-x", strconv.Itoa(width), "-y", strconv.Itoa(height)); err != nil {
		s.t.Fatalf("tmux resize-window: %v\n%s", err, out)
	}
}

// shellQuote joins args into one /bin/sh command line.
func shellQuote(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
	}
	return strings.Join(quoted, " ")
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// boxBorders are the vertical edges of the screen's boxes, light and
// heavy (focused).
const boxBorders = "│┃"

// boxColumns cuts each line of screen at box borders and keeps the lines
// cut into exactly n boxes; it returns the text of each box column from
// top to bottom, without white space, so that text the screen wrapped
// reads as one string.
func boxColumns(screen string, n int) []string {
	cols := make([]strings.Builder, n)
	for _, line := range strings.Split(screen, "\n") {
		boxes := strings.FieldsFunc(line, func(r rune) bool { return strings.ContainsRune(boxBorders, r) })
		if len(boxes) != n {
			continue
		}
		for i, b := range boxes {
			cols[i].WriteString(squeeze(b))
		}
	}
	out := make([]string, n)
	for i := range cols {
		out[i] = cols[i].String()
	}
	return out
}

// lineWith returns the first line of screen that contains sub, or "".
func lineWith(screen, sub string) string {
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, sub) {
			return line
		}
	}
	return ""
}
