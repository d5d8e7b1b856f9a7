package main

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	gossh "golang.org/x/crypto/ssh"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/sshd"
	"github.com/instruct-dev/instruct/internal/sshd/sshdtest"
)

// absurd is the window size a hostile client claims: 10^10 cells.
const absurd = 100000

// TestSSHServeClampsAbsurdWindows: a client claiming a 100000×100000
// window, at the start of its session and again on a resize, gets a
// screen of sshd.MaxWidth×MaxHeight; the process stays healthy (other
// sessions work, the heap stays small) and the memory of the large
// session returns once it ends.
func TestSSHServeClampsAbsurdWindows(t *testing.T) {
	w := startSSHWorld(t)
	// A first session opens the desk, which outlives its sessions.
	first := w.dial(t, demo.InstructorID, sshdtest.Options{})
	sshWaitText(t, first, "[To review")
	sshSettle(t, first)
	normal := liveHeap()
	first.Close()
	waitLogouts(t, w, demo.InstructorID, 1)
	base := liveHeap()

	// Dialled without w.dial, whose clean-up would keep the test's own
	// large screen alive after the session.
	term, err := sshdtest.Dial(w.svc.addr, []gossh.Signer{w.keys[demo.InstructorID]}, sshdtest.Options{
		Width: sshd.MaxWidth, Height: sshd.MaxHeight, ClaimWidth: absurd, ClaimHeight: absurd, HostKey: w.svc.hostKey})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if term != nil {
			term.Close()
		}
	}()
	clamped := func(s string) bool { return bottomEdge(s) == sshd.MaxWidth }
	if screen, err := term.WaitFor(sshWait, clamped); err != nil {
		t.Fatalf("claiming %d×%d at the start: %v; want a %d-wide screen, it shows:\n%s", absurd, absurd, err, sshd.MaxWidth, head(screen))
	}
	login := w.logs.waitEntry(t, "ssh login", map[string]string{"user": demo.InstructorID, "width": fmt.Sprint(sshd.MaxWidth)})
	if fmt.Sprint(login["height"]) != fmt.Sprint(sshd.MaxHeight) {
		t.Errorf("login logged a %v×%v window, want %d×%d", login["width"], login["height"], sshd.MaxWidth, sshd.MaxHeight)
	}
	if err := term.Resize(120, 40); err != nil {
		t.Fatal(err)
	}
	if screen, err := term.WaitFor(sshWait, func(s string) bool { return sshBoxWidth(s) == 120 }); err != nil {
		t.Fatalf("back to 120×40: %v; the screen shows:\n%s", err, screen)
	}
	// Bubble Tea itself ignores a resize past 4096 columns or rows or a
	// million cells; one within those is clamped.
	for _, claim := range [][2]int{{4096, 256}, {absurd, absurd}} {
		if err := term.ResizeClaiming(sshd.MaxWidth, sshd.MaxHeight, claim[0], claim[1]); err != nil {
			t.Fatal(err)
		}
		if screen, err := term.WaitFor(sshWait, clamped); err != nil {
			t.Fatalf("claiming %d×%d on a resize: %v; want a %d-wide screen, it shows:\n%s", claim[0], claim[1], err, sshd.MaxWidth, head(screen))
		}
	}
	term.Press("j")
	sshWaitText(t, term, " 2/")
	if _, err := term.Quiet(300*time.Millisecond, sshWait); err != nil {
		t.Fatal(err)
	}
	during := liveHeap()

	// Meanwhile another user's session works.
	other := w.dial(t, demo.ReporterID, sshdtest.Options{})
	sshWaitText(t, other, "[To review")
	other.Close()
	waitLogouts(t, w, demo.ReporterID, 1)
	term.Close()
	term = nil
	waitLogouts(t, w, demo.InstructorID, 2)
	t.Logf("live heap: %d MB with no session, %d MB with a 120×40 session, %d MB with a %d×%d one",
		base>>20, normal>>20, during>>20, sshd.MaxWidth, sshd.MaxHeight)
	if during > base+largeSessionHeap {
		t.Errorf("the %d×%d session holds %d MB of heap, want under %d MB", sshd.MaxWidth, sshd.MaxHeight,
			(during-base)>>20, largeSessionHeap>>20)
	}
	// The screen's last timer (one second) lets the program go.
	var after uint64
	returned := waitUntil(sshWait, func() bool {
		after = liveHeap()
		return after < base+(during-base)/4
	})
	if !returned {
		t.Errorf("after the large session ended the heap holds %d MB, want it back near %d MB", after>>20, base>>20)
	}
}

// largeSessionHeap bounds the heap one session of the largest window
// may hold: its screen buffers and its program.
const largeSessionHeap = 64 << 20

// liveHeap returns the bytes of the heap still reachable.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// bottomEdge returns the width of the boxes' bottom edge, from the
// queue's left corner to the last pane's right corner: the width the
// screen was drawn for, when it fits the terminal; 0 when no such line
// is on screen (a screen drawn wider is cut or wrapped by the terminal).
func bottomEdge(screen string) int {
	for _, line := range strings.Split(screen, "\n") {
		line = strings.TrimRight(line, " ")
		if strings.HasPrefix(line, "┗") && (strings.HasSuffix(line, "╯") || strings.HasSuffix(line, "┛")) {
			return utf8.RuneCountInString(line)
		}
	}
	return 0
}

// head returns the first lines of a large screen, for a failure message.
func head(screen string) string {
	lines := strings.Split(screen, "\n")
	return strings.Join(lines[:min(len(lines), 10)], "\n")
}

// waitLogouts waits until user id has logged out n times.
func waitLogouts(t *testing.T, w *sshWorld, id string, n int) {
	t.Helper()
	if !waitUntil(sshWait, func() bool { return len(w.logs.entries("ssh logout", map[string]string{"user": id})) >= n }) {
		t.Fatalf("user %s did not log out %d times:\n%s", id, n, tail(w.logs.String(), 4096))
	}
}
