package ui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// recorder is a terminal that keeps what a program writes to it.
type recorder struct {
	mu  sync.Mutex
	out strings.Builder
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.Write(p)
}

func (r *recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.out.String()
}

// TestHyperlinksReachTheTerminal: Bubble Tea's renderer sends the legal
// basis link to the terminal as a hyperlink (OSC 8) to itself, and the
// link's text whole on one line.
func TestHyperlinksReachTheTerminal(t *testing.T) {
	const u = "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000045213315?etatTexte=VIGUEUR"
	h := resubmittedHistory()
	h.Request.LegalBasis.URL = u
	st := cacheWith(t, h)
	term := &recorder{}
	m := New(Options{Cache: st, Now: func() time.Time { return testNow }, Lang: "fr"})
	p := tea.NewProgram(m, tea.WithOutput(term), tea.WithInput(nil), tea.WithWindowSize(160, 40),
		tea.WithoutSignalHandler(), tea.WithEnvironment([]string{"TERM=xterm-256color"}),
		tea.WithColorProfile(colorprofile.TrueColor))
	done := make(chan error, 1)
	go func() { _, err := p.Run(); done <- err }()
	want := ansi.SetHyperlink(u)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(term.String(), want) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	p.Quit()
	if err := <-done; err != nil {
		t.Fatalf("program: %v", err)
	}
	out := term.String()
	i := strings.Index(out, want)
	if i < 0 {
		t.Fatalf("the terminal never received the hyperlink %q", want)
	}
	if text := ansi.Strip(out[i:min(len(out), i+len(want)+len(u)+64)]); !strings.Contains(text, u) {
		t.Errorf("after the hyperlink the terminal received %q, want the link's text whole", text)
	}
}
