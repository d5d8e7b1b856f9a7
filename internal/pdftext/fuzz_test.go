package pdftext

import (
	"testing"
	"unicode/utf8"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// FuzzExtract: whatever the bytes, Extract returns a state of the
// contract, text within its cap in valid UTF-8 without NUL, and never
// panics. The seeds are the corpus but its hostile files, which only a
// child process may read.
func FuzzExtract(f *testing.F) {
	for _, s := range corpus(f) {
		if !s.hostile {
			f.Add(s.data)
		}
	}
	lim := DefaultLimits()
	lim.ReadPages, lim.MaxTextBytes = 20, 64<<10
	f.Fuzz(func(t *testing.T, data []byte) {
		res := Extract(data, lim)
		if !validState(res.State) {
			t.Fatalf("Extract = state %q", res.State)
		}
		if len(res.Text) > lim.MaxTextBytes || !utf8.ValidString(res.Text) {
			t.Fatalf("Extract = text of %d bytes, valid UTF-8 %v", len(res.Text), utf8.ValidString(res.Text))
		}
		if res.State != instruct.DocumentTextAvailable && res.Text != "" {
			t.Fatalf("Extract = %s with text", res.State)
		}
	})
}
