package compare

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Op is what a span of a word diff holds.
type Op int

const (
	// Same words are in both texts.
	Same Op = iota
	// Removed words are in the old text only.
	Removed
	// Added words are in the new text only.
	Added
	// Skipped stands for unchanged words left out, far from any change.
	Skipped
)

// Span is a run of words of one Op, one space between words; a Skipped
// span has no text.
type Span struct {
	Op   Op
	Text string
}

// MaxCells bounds the work of a word diff: the number of word pairs it
// compares once the texts' common start and end are set aside. Two texts
// that differ over more are shown as one removed and the other added, so
// no text can slow the diff down. Texts as a diff stores them
// (instruct.DiffTextLength characters) never come near it.
const MaxCells = 1 << 18

// MaxWords bounds the words read of each text: texts longer than that are
// shown as one removed and the other added, without reading them further.
const MaxWords = 4096

// Context is how many unchanged words are kept on each side of a change;
// longer unchanged runs are Skipped.
const Context = 6

// Diff returns the word diff of old and cur: the fewest words removed and
// added that turn old into cur, unchanged runs far from a change skipped.
// Spacing is not compared: texts are read as words.
func Diff(old, cur string) []Span {
	a, okA := split(old)
	b, okB := split(cur)
	if !okA || !okB {
		return replaced(old, cur)
	}
	head := 0
	for head < len(a) && head < len(b) && a[head] == b[head] {
		head++
	}
	tail := 0
	for tail < len(a)-head && tail < len(b)-head && a[len(a)-1-tail] == b[len(b)-1-tail] {
		tail++
	}
	var d diff
	d.add(Same, a[:head]...)
	d.middle(a[head:len(a)-tail], b[head:len(b)-tail])
	d.add(Same, a[len(a)-tail:]...)
	return d.spans()
}

// Changed reports whether spans hold a change.
func Changed(spans []Span) bool {
	for _, s := range spans {
		if s.Op == Removed || s.Op == Added {
			return true
		}
	}
	return false
}

// replaced is the diff of texts too long to compare: old removed, cur
// added, as they are.
func replaced(old, cur string) []Span {
	var out []Span
	if strings.TrimSpace(old) != "" {
		out = append(out, Span{Removed, old})
	}
	if strings.TrimSpace(cur) != "" {
		out = append(out, Span{Added, cur})
	}
	return out
}

// split returns the words of s, and false when s has more than MaxWords.
// A space followed by a combining mark belongs to the word after it, so
// that no word starts with a mark detached from its base.
func split(s string) ([]string, bool) {
	var out []string
	start := -1
	for i, r := range s {
		if len(out) > MaxWords {
			return nil, false
		}
		space := unicode.IsSpace(r)
		if space {
			next, _ := utf8.DecodeRuneInString(s[i+utf8.RuneLen(r):])
			space = !unicode.In(next, unicode.Mn, unicode.Me)
		}
		switch {
		case space && start >= 0:
			out = append(out, s[start:i])
			start = -1
		case !space && start < 0:
			start = i
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out, len(out) <= MaxWords
}

// word is one word of a diff with what it is.
type word struct {
	op   Op
	text string
}

// diff accumulates the words of a word diff.
type diff struct{ words []word }

func (d *diff) add(op Op, texts ...string) {
	for _, t := range texts {
		d.words = append(d.words, word{op, t})
	}
}

// middle adds the diff of a and b, which differ at both ends: the longest
// common subsequence kept, the rest removed and added. Past MaxCells, a is
// removed and b added whole.
func (d *diff) middle(a, b []string) {
	if len(a) == 0 || len(b) == 0 || len(a)*len(b) > MaxCells {
		d.add(Removed, a...)
		d.add(Added, b...)
		return
	}
	x, y := intern(a, b)
	n, m := len(x), len(y)
	// lcs[i*(m+1)+j] is the length of the longest common subsequence of
	// x[i:] and y[j:].
	lcs := make([]int32, (n+1)*(m+1))
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			switch {
			case x[i] == y[j]:
				lcs[i*(m+1)+j] = lcs[(i+1)*(m+1)+j+1] + 1
			default:
				lcs[i*(m+1)+j] = max(lcs[(i+1)*(m+1)+j], lcs[i*(m+1)+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case x[i] == y[j]:
			d.add(Same, a[i])
			i, j = i+1, j+1
		case lcs[(i+1)*(m+1)+j] >= lcs[i*(m+1)+j+1]:
			d.add(Removed, a[i])
			i++
		default:
			d.add(Added, b[j])
			j++
		}
	}
	d.add(Removed, a[i:]...)
	d.add(Added, b[j:]...)
}

// intern numbers the distinct words of a and b, so that comparing two is
// comparing two numbers.
func intern(a, b []string) ([]int32, []int32) {
	ids := map[string]int32{}
	number := func(words []string) []int32 {
		out := make([]int32, len(words))
		for i, w := range words {
			id, ok := ids[w]
			if !ok {
				id = int32(len(ids))
				ids[w] = id
			}
			out[i] = id
		}
		return out
	}
	return number(a), number(b)
}

// spans groups the words into spans, removed words before added ones
// within a change, and skips unchanged runs far from a change.
func (d *diff) spans() []Span {
	var out []Span
	runs := d.runs()
	for k, r := range runs {
		if r[0].op != Same {
			out = appendChange(out, r)
			continue
		}
		out = appendSame(out, r, k > 0, k < len(runs)-1)
	}
	return out
}

// runs cuts the words into runs of unchanged words and runs of changes.
func (d *diff) runs() [][]word {
	var out [][]word
	for i := 0; i < len(d.words); {
		j := i + 1
		for j < len(d.words) && (d.words[j].op == Same) == (d.words[i].op == Same) {
			j++
		}
		out = append(out, d.words[i:j])
		i = j
	}
	return out
}

// appendChange adds a run of changes: what it removes, then what it adds.
func appendChange(out []Span, run []word) []Span {
	for _, op := range []Op{Removed, Added} {
		var texts []string
		for _, w := range run {
			if w.op == op {
				texts = append(texts, w.text)
			}
		}
		if len(texts) > 0 {
			out = append(out, Span{op, strings.Join(texts, " ")})
		}
	}
	return out
}

// appendSame adds a run of unchanged words, keeping Context words next to
// the change before it (after) and the one after it (before), and
// skipping the rest when that leaves out more than one word.
func appendSame(out []Span, run []word, after, before bool) []Span {
	keepHead, keepTail := 0, 0
	if after {
		keepHead = Context
	}
	if before {
		keepTail = Context
	}
	if keepHead+keepTail+1 >= len(run) {
		return append(out, Span{Same, join(run)})
	}
	if keepHead > 0 {
		out = append(out, Span{Same, join(run[:keepHead])})
	}
	out = append(out, Span{Op: Skipped})
	if keepTail > 0 {
		out = append(out, Span{Same, join(run[len(run)-keepTail:])})
	}
	return out
}

func join(run []word) string {
	texts := make([]string, len(run))
	for i, w := range run {
		texts[i] = w.text
	}
	return strings.Join(texts, " ")
}

// Marked writes spans on one line as plain text, the change in marks
// that read without colour: [-removed-] {+added+}, … for skipped words.
func Marked(spans []Span) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		switch s.Op {
		case Removed:
			parts[i] = "[-" + s.Text + "-]"
		case Added:
			parts[i] = "{+" + s.Text + "+}"
		case Skipped:
			parts[i] = "…"
		default:
			parts[i] = s.Text
		}
	}
	return strings.Join(parts, " ")
}
