package sshdtest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestScreenFollowsTheRenderersSequences(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{"text and newline", "ab\r\ncd", []string{"ab", "cd", "", ""}},
		{"cursor position", "\x1b[2;3Hx\x1b[Hy", []string{"y", "  x", "", ""}},
		{"relative moves", "a\x1b[2Cb\x1b[Bc\x1b[3Dd\x1b[Ae", []string{"a  e", "  d c", "", ""}},
		{"column and row absolute", "\x1b[3Gx\x1b[2dy\x1b[1`z", []string{"  x", "z  y", "", ""}},
		{"erase line right and left", "abcdef\x1b[1;3H\x1b[K\r\nuvwxyz\x1b[2;3H\x1b[1K",
			[]string{"ab", "   xyz", "", ""}},
		{"erase display below", "aaaa\r\nbbbb\r\ncccc\x1b[2;2H\x1b[J", []string{"aaaa", "b", "", ""}},
		{"erase characters", "abcdef\x1b[1;2H\x1b[3X", []string{"a   ef", "", "", ""}},
		{"insert and delete characters", "abcdef\x1b[1;2H\x1b[2@\x1b[1;5H\x1b[1P", []string{"a  bdef", "", "", ""}},
		{"repeat", "x\x1b[3b", []string{"xxxx", "", "", ""}},
		{"wrap at the last column", "abcdefghij", []string{"abcdefgh", "ij", "", ""}},
		{"no wrap", "\x1b[?7labcdefghij", []string{"abcdefgj", "", "", ""}},
		{"scroll at the bottom", "1\r\n2\r\n3\r\n4\r\n5", []string{"2", "3", "4", "5"}},
		{"scroll region", "1\r\n2\r\n3\r\n4\x1b[2;3r\x1b[3;1H\nx", []string{"1", "3", "x", "4"}},
		{"reverse index at the top margin", "1\r\n2\r\n3\r\n4\x1b[2;4r\x1b[2;1H\x1bMx", []string{"1", "x", "2", "3"}},
		{"insert and delete lines", "1\r\n2\r\n3\r\n4\x1b[2;1H\x1b[L\x1b[4;1H\x1b[M", []string{"1", "", "2", ""}},
		{"scroll up and down", "1\r\n2\r\n3\r\n4\x1b[S\x1b[2T", []string{"", "", "2", "3"}},
		{"colours show nothing", "\x1b[38;5;12ma\x1b[0mb", []string{"ab", "", "", ""}},
		{"alternate screen starts blank", "abc\x1b[?1049h", []string{"", "", "", ""}},
		{"wide character", "日本", []string{"日本", "", "", ""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := NewScreen(8, 4, "none")
			s.Write([]byte(tc.input))
			if diff := cmp.Diff(tc.want, s.Lines()); diff != "" {
				t.Errorf("Lines() after %q (-want +got):\n%s", tc.input, diff)
			}
		})
	}
}

func TestScreenAnswersTheBackgroundQuery(t *testing.T) {
	s := NewScreen(8, 4, "rgb:ffff/ffff/ffff")
	s.Write([]byte("\x1b]11;?\x07"))
	got := s.Replies()
	want := []string{"\x1b]11;rgb:ffff/ffff/ffff\x1b\\"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Replies() (-want +got):\n%s", diff)
	}
	if again := s.Replies(); len(again) != 0 {
		t.Errorf("Replies() again = %q, want none", again)
	}
}

func TestScreenSplitSequences(t *testing.T) {
	s := NewScreen(8, 4, "none")
	for _, part := range []string{"\x1b[", "2;", "3H", "x\xc3", "\xa9"} {
		s.Write([]byte(part))
	}
	if got := s.Lines()[1]; got != "  xé" {
		t.Errorf("row 2 after a split sequence = %q, want %q", got, "  xé")
	}
}

func TestScreenResizeKeepsWhatFits(t *testing.T) {
	s := NewScreen(8, 4, "none")
	s.Write([]byte("abcdefgh\r\n12345678"))
	s.Resize(4, 2)
	if got := strings.Join(s.Lines(), "|"); got != "abcd|1234" {
		t.Errorf("after Resize(4, 2) = %q, want %q", got, "abcd|1234")
	}
}
