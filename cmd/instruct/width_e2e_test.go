package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/clipperhouse/uax29/v2/graphemes"

	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// TestTUIBordersHoldAroundEmojiInTmux: an applicant names their request
// and organisation with emoji ZWJ sequences, flags, skin tones, emoji
// presentation selectors and wide CJK characters. In a real terminal
// (tmux), the queue and review panes that show them keep every box border
// in its column on every row.
func TestTUIBordersHoldAroundEmojiInTmux(t *testing.T) {
	requireTmux(t)
	srv := runDemoServer(t)
	title := "Cantine 👨\u200d👩\u200d👧 école 🇫🇷 東京 👍🏽 ❤\ufe0f fin-du-titre"
	org := "Mairie 🧑\u200d💻🇩🇪 大阪 ⚠\ufe0f"
	req := createSubmitted(t, srv, title, org)
	box := newSandbox(t)
	cache := box.path("cache.db")
	firstSync(t, box, srv, cache)
	const width = 200
	scr := startScreen(t, box, width, 50, tuiArgs(srv, t, cache)...)
	fr := i18n.French()

	openBySearch(scr, fr, req.ID.String())
	screen := scr.waitFor("the review of "+req.ID.String()+" beside the queue", func(s string) bool {
		return strings.Contains(s, "fin-du-") && strings.Count(s, "Mairie") >= 3 // queue row, header, details
	})

	cols := newTmuxWidths(t, box)
	var rows, hostile int
	var want []int
	for line := range strings.SplitSeq(strings.TrimRight(screen, "\n"), "\n") {
		borders, w := cols.borders(line)
		if len(borders) == 0 {
			continue
		}
		if w != width {
			t.Errorf("line %q is %d cells wide in tmux, want %d", line, w, width)
		}
		if strings.Contains(line, "fin-du-") || strings.Contains(line, "Mairie") {
			hostile++
		}
		if len(borders) != 8 { // four boxes side by side, two borders each
			continue
		}
		rows++
		if want == nil {
			want = borders
		} else if !slices.Equal(borders, want) {
			t.Errorf("line %q has its box borders at cells %v, want %v", line, borders, want)
		}
	}
	if rows < 10 || hostile < 3 {
		t.Errorf("found %d rows of four boxes, %d of them with the applicant's text; want at least 10 and 3", rows, hostile)
	}
	if t.Failed() {
		t.Logf("screen:\n%s", screen)
	}
}

// tmuxWidths measures how many cells tmux gives a grapheme cluster, by
// printing it in a terminal of its own and reading where the cursor went.
type tmuxWidths struct {
	scr   *tmuxScreen
	known map[string]int
}

func newTmuxWidths(t *testing.T, b *sandbox) *tmuxWidths {
	t.Helper()
	conf := filepath.Join(t.TempDir(), "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g status off\nset -g remain-on-exit on\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &tmuxScreen{t: t, socket: fmt.Sprintf("instruct-width-%d-%d", os.Getpid(), time.Now().UnixNano()), env: b.env}
	t.Cleanup(s.close)
	if out, err := s.tmux("-f", conf, "new-session", "-d", "-s", tmuxSession, "-x", "80", "-y", "5", "sleep 600"); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	return &tmuxWidths{scr: s, known: map[string]int{}}
}

// width returns the cells tmux gives cluster.
func (m *tmuxWidths) width(cluster string) int {
	if len(cluster) == 1 {
		return 1
	}
	if w, ok := m.known[cluster]; ok {
		return w
	}
	s := m.scr
	s.t.Helper()
	if out, err := s.tmux("respawn-pane", "-k", "-t", tmuxSession, shellQuote([]string{"printf", "[%s]", cluster})+"; sleep 600"); err != nil {
		s.t.Fatalf("tmux respawn-pane: %v\n%s", err, out)
	}
	s.waitFor("tmux to print "+strconv.Quote(cluster), func(screen string) bool { return strings.Contains(screen, "]") })
	out, err := s.tmux("display-message", "-p", "-t", tmuxSession, "#{cursor_x}")
	x, perr := strconv.Atoi(strings.TrimSpace(out))
	if err != nil || perr != nil {
		s.t.Fatalf("tmux cursor_x: %v %v\n%s", err, perr, out)
	}
	m.known[cluster] = x - 2
	return x - 2
}

// borders returns the cells, counted as tmux counts them, where line has
// a vertical box border, and the line's width.
func (m *tmuxWidths) borders(line string) ([]int, int) {
	var at []int
	x := 0
	g := graphemes.FromString(line)
	for g.Next() {
		c := g.Value()
		if strings.ContainsAny(c, boxBorders) {
			at = append(at, x)
		}
		x += m.width(c)
	}
	return at, x
}
