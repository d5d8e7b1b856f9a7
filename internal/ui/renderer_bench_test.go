package ui

import (
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
)

// terminal stands for the terminal a program writes to: it counts the
// bytes and notes when the last ones came.
type terminal struct {
	mu   sync.Mutex
	n    int
	last time.Time
}

func (t *terminal) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.n += len(p)
	t.last = time.Now()
	return len(p), nil
}

func (t *terminal) written() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.n
}

// settle waits until the program wrote after since and then nothing for
// quiet, or gives up after a few seconds.
func (t *terminal) settle(since time.Time, quiet time.Duration) {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		t.mu.Lock()
		last := t.last
		t.mu.Unlock()
		if last.After(since) && time.Since(last) >= quiet {
			return
		}
		time.Sleep(quiet / 5)
	}
}

// BenchmarkRendererBytesPerMove runs the real program and renderer at
// 120×40, in colour, over 100,000 requests, and counts the bytes sent to
// the terminal for each j: what crosses an SSH connection per cursor move.
// The cursor starts at the top, so most moves scroll the list.
func BenchmarkRendererBytesPerMove(b *testing.B) {
	st := openBig(b)
	term := &terminal{}
	m := New(Options{Cache: st, Now: func() time.Time { return testNow }, Lang: "fr"})
	p := tea.NewProgram(m, tea.WithOutput(term), tea.WithInput(nil), tea.WithWindowSize(120, 40),
		tea.WithoutSignalHandler(), tea.WithEnvironment([]string{"TERM=xterm-256color"}),
		tea.WithColorProfile(colorprofile.TrueColor))
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	start := time.Now()
	p.Send(keyPress("shift+tab"))
	term.settle(start, time.Second)
	first := term.written()
	var moves int
	for b.Loop() {
		sent := time.Now()
		p.Send(keyPress("j"))
		term.settle(sent, 40*time.Millisecond)
		moves++
	}
	total := term.written() - first
	p.Quit()
	if err := <-done; err != nil {
		b.Fatalf("program: %v", err)
	}
	b.ReportMetric(float64(total)/float64(moves), "bytes/move")
	b.ReportMetric(float64(first), "first-frame-bytes")
}
