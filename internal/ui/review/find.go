package review

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/ui/frame"
)

// wrapped is a document's text wrapped to a width, with what a find
// needs, built the first time one runs: the lines joined by spaces and
// folded (lower case, no accents), and where each folded byte comes from.
type wrapped struct {
	lines []string
	// shown are the lines as the pane draws them: indented, fitted to
	// its width.
	shown []string
	// starts[i] is where line i begins in the lines joined by spaces.
	starts []int
	folded string
	// origin[i] is the byte of the joined lines that folded byte i comes
	// from; origin[len(folded)] is their length.
	origin []int32
}

// wrapKey names a text wrapped to a width.
type wrapKey struct {
	doc   string
	width int
	size  int
}

// wrapCache keeps the last texts wrapped; a few suffice, for the
// documents of one request.
type wrapCache struct {
	m map[wrapKey]*wrapped
}

// maxWraps is how many wrapped texts the cache keeps.
const maxWraps = 8

// get returns text, the text of document doc, wrapped to w cells.
func (c *wrapCache) get(doc, text string, w int) *wrapped {
	k := wrapKey{doc: doc, width: w, size: len(text)}
	if t, ok := c.m[k]; ok {
		return t
	}
	if c.m == nil || len(c.m) >= maxWraps {
		c.m = map[wrapKey]*wrapped{}
	}
	t := &wrapped{lines: frame.Wrap(reflow(text), max(1, w))}
	t.shown = make([]string, len(t.lines))
	for i, l := range t.lines {
		t.shown[i] = frame.Fit(indent+l, w+len(indent))
	}
	c.m[k] = t
	return t
}

// reflow joins the lines of a paragraph that a PDF's layout broke, so
// that they wrap to the pane's width: a line that does not end a sentence
// goes on with the next when that one starts with a lower-case letter.
// Headings, lists and blank lines between paragraphs stay as they are.
func reflow(text string) string {
	lines := strings.Split(text, "\n")
	var b strings.Builder
	b.Grow(len(text))
	for i, l := range lines {
		b.WriteString(l)
		switch {
		case i == len(lines)-1:
		case goesOn(l, lines[i+1]):
			b.WriteByte(' ')
		default:
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// goesOn reports whether line's sentence goes on in next.
func goesOn(line, next string) bool {
	line = strings.TrimRight(line, " ")
	if line == "" || next == "" {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(line)
	first, _ := utf8.DecodeRuneInString(next)
	return !strings.ContainsRune(".:;!?", last) && unicode.IsLower(first)
}

// index builds what a find needs of t, once.
func (t *wrapped) index() {
	if t.origin != nil {
		return
	}
	var b strings.Builder
	t.starts = make([]int, len(t.lines))
	origin := make([]int32, 0, len(t.lines)*40)
	at := 0
	for i, l := range t.lines {
		t.starts[i] = at
		for j, r := range l {
			f := foldRune(r)
			for range utf8.RuneLen(f) {
				origin = append(origin, int32(at+j))
			}
			b.WriteRune(f)
		}
		at += len(l)
		b.WriteByte(' ')
		origin = append(origin, int32(at))
		at++
	}
	t.folded, t.origin = b.String(), append(origin, int32(at))
}

// foldRune returns r as a find compares it: in lower case, without the
// accents of French, with typographic apostrophes and spaces made plain.
func foldRune(r rune) rune {
	r = unicode.ToLower(r)
	switch r {
	case 'à', 'â', 'ä', 'á', 'ã', 'å':
		return 'a'
	case 'é', 'è', 'ê', 'ë':
		return 'e'
	case 'î', 'ï', 'í', 'ì':
		return 'i'
	case 'ô', 'ö', 'ó', 'ò', 'õ':
		return 'o'
	case 'ù', 'û', 'ü', 'ú':
		return 'u'
	case 'ç':
		return 'c'
	case 'ÿ', 'ý':
		return 'y'
	case 'ñ':
		return 'n'
	case '’', '‘', 'ʼ':
		return '\''
	case '\u00a0', '\u202f', '\u2009':
		return ' '
	}
	return r
}

func fold(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(foldRune(r))
	}
	return b.String()
}

// seg is the part of a match on one line of the legal pane: bytes from
// to to of the line's text (its indent aside).
type seg struct {
	line, from, to int
}

// match is one occurrence of the text sought, on one line or across
// the end of one.
type match struct{ segs []seg }

// find is a search within the documents' texts.
type find struct {
	typing  bool
	query   string
	matches []match
	cur     int
	// many is true when the matches stop at maxMatches.
	many bool
}

// maxMatches is the most matches a find counts and marks: a letter
// sought in a long text must not slow the screen.
const maxMatches = 10000

// active reports whether a find is typed or shows matches.
func (f find) active() bool { return f.typing || f.query != "" }

// CanFind reports whether / finds in a document: the legal pane has the
// keys and shows a document's text.
func (m Model) CanFind() bool { return m.focus == Legal && len(m.doc.spans) > 0 }

// Finding reports whether the text to find is being typed: every key
// goes to FindKey.
func (m Model) Finding() bool { return m.doc.find.typing }

// FindActive reports whether a find is typed or marks matches.
func (m Model) FindActive() bool { return m.doc.find.active() }

// StartFind opens the find field, with the text sought last.
func (m *Model) StartFind() { m.doc.find.typing = true }

// StopFind closes the find and takes its marks away.
func (m *Model) StopFind() { m.doc.find = find{} }

// FindKey edits the text sought, or moves between matches, while it is
// typed.
func (m Model) FindKey(k tea.KeyPressMsg) Model {
	f := &m.doc.find
	keys := m.keys.Doc
	text := []rune(f.query)
	switch {
	case k.String() == "esc":
		m.StopFind()
		return m
	case k.String() == "enter":
		f.typing = false
		return m
	case key.Matches(k, keys.NextTyping) && k.Text == "":
		m.step(1)
		return m
	case key.Matches(k, keys.PrevTyping) && k.Text == "":
		m.step(-1)
		return m
	case k.String() == "backspace" && len(text) > 0:
		f.query = string(text[:len(text)-1])
	case k.String() == "ctrl+u" || k.String() == "ctrl+w":
		f.query = ""
	case k.Text != "" && k.Mod&(tea.ModCtrl|tea.ModAlt) == 0 && len(text) < 100:
		f.query += k.Text
	default:
		return m
	}
	m.search(true)
	return m
}

// search finds the text sought in every document's text. With jump, the
// find moves to the first match from the top of the pane down, else it
// stays on the same one.
func (m *Model) search(jump bool) {
	f := &m.doc.find
	f.matches, f.many = nil, false
	q := fold(f.query)
	if strings.TrimSpace(q) == "" {
		f.cur = 0
		return
	}
	for _, span := range m.doc.spans {
		if f.many = findIn(span, q, &f.matches); f.many {
			break
		}
	}
	if jump {
		top := m.panes[Legal].Offset
		f.cur = sort.Search(len(f.matches), func(i int) bool { return f.matches[i].segs[0].line >= top })
		if f.cur == len(f.matches) {
			f.cur = 0
		}
	}
	f.cur = min(f.cur, max(0, len(f.matches)-1))
	m.showMatch()
}

// findIn appends to out the matches of q, folded, in span; it reports
// whether it stopped at maxMatches.
func findIn(span textSpan, q string, out *[]match) bool {
	t := span.text
	t.index()
	for at := 0; ; {
		i := strings.Index(t.folded[at:], q)
		if i < 0 {
			return false
		}
		if len(*out) == maxMatches {
			return true
		}
		from, to := at+i, at+i+len(q)
		*out = append(*out, match{segs: segsOf(span, int(t.origin[from]), int(t.origin[to]))})
		at = to
	}
}

// segsOf cuts bytes from to to of span's joined lines into the parts on
// each line.
func segsOf(span textSpan, from, to int) []seg {
	t := span.text
	i := sort.Search(len(t.starts), func(i int) bool { return t.starts[i] > from }) - 1
	var segs []seg
	for ; i < len(t.lines) && t.starts[i] < to; i++ {
		a, b := max(from, t.starts[i]), min(to, t.starts[i]+len(t.lines[i]))
		if a < b {
			segs = append(segs, seg{line: span.first + i, from: a - t.starts[i], to: b - t.starts[i]})
		}
	}
	if len(segs) == 0 { // a match of the space between two lines alone
		segs = append(segs, seg{line: span.first + max(i-1, 0), from: 0, to: 0})
	}
	return segs
}

// step moves to the next match (delta 1) or the previous one (-1),
// going round.
func (m *Model) step(delta int) {
	f := &m.doc.find
	if n := len(f.matches); n > 0 {
		f.cur = ((f.cur+delta)%n + n) % n
		m.showMatch()
	}
}

// showMatch scrolls the legal pane to the current match, a third down
// from its top.
func (m *Model) showMatch() {
	f := m.doc.find
	if len(f.matches) == 0 {
		return
	}
	p := &m.panes[Legal]
	line := f.matches[f.cur].segs[0].line
	if line < p.Offset || line >= p.Offset+p.Height {
		p.Offset = 0
		p.By(line - p.Height/3)
	}
}

// FindLine is the line that shows the find: what is sought, which match
// of how many, and its keys; "" when no find is open.
func (m Model) FindLine() string {
	f := m.doc.find
	if !f.active() {
		return ""
	}
	w := m.msgs.Documents()
	status := w.NoMatch
	switch {
	case f.many:
		status = w.Matches(f.cur+1, len(f.matches)) + " · " + w.ManyMatches(maxMatches)
	case len(f.matches) > 0:
		status = w.Matches(f.cur+1, len(f.matches))
	}
	if f.typing {
		return w.Find + f.query + "▏  " + status + " · " + w.FindHint
	}
	k := m.keys.Doc
	return "/" + f.query + "  " + status + " · " + k.Next.Help().Key + " " + k.Next.Help().Desc +
		" · " + k.Prev.Help().Key + " " + k.Prev.Help().Desc + " · " + m.keys.Back.Help().Key + " " + w.Close
}

// marked draws the visible lines of the legal pane, from pane line top
// on, with the find's matches marked: painted in colour, and without
// colour a mark in the margin, ▶ on the line of the current match and ›
// on others.
func (m Model) marked(lines []string, top, w int) []string {
	f := m.doc.find
	if len(f.matches) == 0 || len(lines) == 0 {
		return lines
	}
	bottom := top + len(lines)
	perLine := map[int][]painted{}
	first := sort.Search(len(f.matches), func(i int) bool { return f.matches[i].segs[len(f.matches[i].segs)-1].line >= top })
	for i := first; i < len(f.matches) && f.matches[i].segs[0].line < bottom; i++ {
		for _, s := range f.matches[i].segs {
			perLine[s.line] = append(perLine[s.line], painted{seg: s, current: i == f.cur})
		}
	}
	out := append([]string(nil), lines...)
	for line, segs := range perLine {
		if text, ok := m.textLine(line); ok && line >= top && line < bottom {
			out[line-top] = m.markLine(text, segs, w)
		}
	}
	return out
}

// painted is a part of a match to paint, and whether it is of the
// current match.
type painted struct {
	seg
	current bool
}

// textLine returns the text of pane line line when it is a document's.
func (m Model) textLine(line int) (string, bool) {
	for _, s := range m.doc.spans {
		if i := line - s.first; i >= 0 && i < len(s.text.lines) {
			return s.text.lines[i], true
		}
	}
	return "", false
}

// markLine draws text with segs painted, in w cells.
func (m Model) markLine(text string, segs []painted, w int) string {
	sort.Slice(segs, func(i, j int) bool { return segs[i].from < segs[j].from })
	gutter := "› "
	var b strings.Builder
	at := 0
	for _, s := range segs {
		if s.from < at {
			continue
		}
		pen := m.theme.Match
		if s.current {
			pen, gutter = m.theme.MatchCurrent, "▶ "
		}
		b.WriteString(text[at:s.from])
		b.WriteString(pen.Paint(text[s.from:s.to]))
		at = s.to
	}
	b.WriteString(text[at:])
	if !m.theme.Plain {
		gutter = indent
	}
	return frame.Fit(gutter+b.String(), w)
}
