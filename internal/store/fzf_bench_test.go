package store

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// BenchmarkSearchVsFzf compares, in one run, a search of the cache over
// 100,000 requests with `fzf --filter` over the same 100,000 requests as
// lines (ID, title, organisation, SIRET, applicant e-mail): what a
// reviewer would otherwise pipe into a fuzzy finder. fzf's time includes
// starting the process and reading the file, which is what a keystroke
// would cost it; the cache answers the first screenful (100 rows), as
// the queue asks it.
func BenchmarkSearchVsFzf(b *testing.B) {
	fzf, err := exec.LookPath("fzf")
	if err != nil {
		b.Skip("fzf is not installed (apt-get install fzf); .ci/run installs it")
	}
	s, _ := fullCache(b)
	lines := writeLines(b, s)
	for _, text := range []string{"cantine brest", "quotient familial", "D4242", "2169", "ville"} {
		b.Run("instruct/"+text, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				q := instruct.QueueQuery{Text: retyped(text, i), Limit: 100}
				if _, err := s.Queue(context.Background(), q); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("fzf/"+text, func(b *testing.B) {
			for b.Loop() {
				runFzf(b, fzf, lines, text)
			}
		})
	}
}

// writeLines writes one line per cached request and returns the file.
func writeLines(b *testing.B, s *Store) string {
	b.Helper()
	ctx := context.Background()
	items, err := s.Queue(ctx, instruct.QueueQuery{})
	if err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "requests.txt")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	for _, it := range items {
		r, err := s.Request(ctx, it.ID)
		if err != nil {
			b.Fatal(err)
		}
		fmt.Fprintf(w, "%s %s %s %s %s\n", r.ID, r.Title, r.Organization.Name, r.Organization.SIRET, r.Applicant.Email)
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return path
}

// runFzf filters the lines with fzf, as a reviewer's script would.
func runFzf(b *testing.B, fzf, lines, text string) {
	in, err := os.Open(lines)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	cmd := exec.Command(fzf, "--filter", text)
	cmd.Stdin = in
	var out strings.Builder
	cmd.Stdout = &out
	// fzf exits 1 when nothing matches.
	if err := cmd.Run(); err != nil && cmd.ProcessState.ExitCode() != 1 {
		b.Fatal(err)
	}
}
