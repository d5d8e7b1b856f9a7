package sanitize

import (
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/cells"
)

func TestDocumentIsSafeAndKeepsLongTexts(t *testing.T) {
	page := strings.Repeat("Le conseil municipal délibère. ", 2000) // 62,000 cells: more than Text keeps
	in := page + "\f" + hostile
	out := Document(in)
	checkSafe(t, in, out, false)
	if !strings.HasPrefix(out, page+"\n\n") {
		t.Errorf("Document cut a 62,000-cell page or kept its form feed: starts %q…", cells.Truncate(out[len(page)-10:], 20))
	}
}

func TestDocumentIsCapped(t *testing.T) {
	out := Document(strings.Repeat("é", MaxDocument+10))
	if n := cells.Width(out); n > MaxDocument+len(Ellipsis) || !strings.HasSuffix(out, Ellipsis) {
		t.Errorf("Document of %d cells = %d cells, want at most %d, marked cut", MaxDocument+10, n, MaxDocument)
	}
}
