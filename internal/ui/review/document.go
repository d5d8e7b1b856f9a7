package review

import (
	"maps"
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// TextState is how far a document's text is on its way to the screen.
type TextState int

// The states of a document's text.
const (
	// TextWanted: not asked for yet; the screen asks the cache at once.
	TextWanted TextState = iota
	// TextLoading: asked for, the answer is on its way.
	TextLoading
	// TextShown: the text is here (DocText.Content).
	TextShown
	// TextNotFetched: the cache lacks it; it is fetched from the server
	// once the reviewer opens the request.
	TextNotFetched
	// TextOffline: the cache lacks it and the server is out of reach.
	TextOffline
	// TextFailed: the server refused or failed; DocText.Reason says why
	// in the reviewer's words.
	TextFailed
)

// DocText is a document's text as the review shows it.
type DocText struct {
	State TextState
	// Content is the text, sanitised, when State is TextShown.
	Content instruct.DocumentContent
	Reason  string
}

// docState is what the review holds of the documents of the request it
// shows: their texts, where those lie in the legal pane, and the find in
// them.
type docState struct {
	texts map[string]DocText
	spans []textSpan
	find  find
	// wraps keeps texts wrapped to a width, shared by the model's
	// copies: wrapping a long text again at every refresh would stall
	// the screen.
	wraps *wrapCache
}

// textSpan is a document's text in the legal pane: its lines from pane
// line first on, without their indent.
type textSpan struct {
	first int
	text  *wrapped
}

func newDocState() docState { return docState{wraps: &wrapCache{}} }

// follow keeps the texts of request d when it is the one shown already,
// asking again for those that could not be had; another request starts
// afresh.
func (s *docState) follow(same bool) {
	if !same {
		s.texts, s.find = nil, find{}
		return
	}
	texts := maps.Clone(s.texts)
	for id, t := range texts {
		if t.State == TextOffline || t.State == TextFailed {
			delete(texts, id)
		}
	}
	s.texts = texts
}

// Documents returns the documents of the request shown, the one its legal
// basis cites first.
func (m Model) Documents() []instruct.Document {
	if m.detail == nil {
		return nil
	}
	docs := m.detail.Request.Documents
	cited := m.citedID()
	out := make([]instruct.Document, 0, len(docs))
	for _, d := range docs {
		if d.ID == cited {
			out = append([]instruct.Document{d}, out...)
		} else {
			out = append(out, d)
		}
	}
	return out
}

// citedID returns what the legal basis names as its document.
func (m Model) citedID() string {
	if lb := m.detail.Request.LegalBasis; lb.Document != nil {
		return *lb.Document
	}
	return ""
}

// TakeWanted returns the request shown and its documents whose text the
// screen should ask for now, and notes them as on their way: those not
// asked for yet, and with fetch (the reviewer opened the request) those
// the cache lacked.
func (m *Model) TakeWanted(fetch bool) (instruct.RequestID, []instruct.Document) {
	var want []instruct.Document
	for _, d := range m.Documents() {
		st := m.doc.texts[d.ID].State
		if d.Text == instruct.DocumentTextAvailable && (st == TextWanted || fetch && st == TextNotFetched) {
			want = append(want, d)
		}
	}
	if len(want) == 0 {
		return 0, nil
	}
	texts := maps.Clone(m.doc.texts)
	if texts == nil {
		texts = map[string]DocText{}
	}
	for _, d := range want {
		texts[d.ID] = DocText{State: TextLoading}
	}
	m.doc.texts = texts
	return m.detail.Request.ID, want
}

// SetDocumentText shows t as the text of document docID of request id,
// if the review still shows that request.
func (m *Model) SetDocumentText(id instruct.RequestID, docID string, t DocText) {
	if m.detail == nil || m.detail.Request.ID != id {
		return
	}
	texts := maps.Clone(m.doc.texts)
	if texts == nil {
		texts = map[string]DocText{}
	}
	texts[docID] = t
	m.doc.texts = texts
	m.rebuild()
}

// Text returns what the review holds of document docID's text.
func (m Model) Text(docID string) DocText { return m.doc.texts[docID] }

// documents draws the documents in the legal pane: each one's name, type,
// pages and size, then its text or why there is none. It returns where
// the texts lie.
func (b *writer) documents() []textSpan {
	m := b.m
	b.label(m.msgs.Field("document"))
	docs := m.Documents()
	if len(docs) == 0 {
		b.source(m.citedName())
		return nil
	}
	var spans []textSpan
	words := m.msgs.Documents()
	for i, d := range docs {
		if i > 0 {
			b.blank()
		}
		name := d.Name
		if d.ID == m.citedID() {
			name += " · " + words.Cited
		}
		b.text(name)
		b.painted(frame.Indent(indent, describe(d, words), b.w), m.theme.Muted.Paint)
		if span, ok := b.documentText(d, words); ok {
			spans = append(spans, span)
		}
	}
	return spans
}

// citedName is the legal basis's document when no attached document
// matches it: a name, as older requests give.
func (m Model) citedName() string { return m.citedID() }

// describe writes a document's type, pages and size, and says when an
// image has no text.
func describe(d instruct.Document, w i18n.DocumentWords) string {
	parts := []string{kindOf(d.ContentType, w)}
	if d.ContentType == instruct.ContentTypePDF && d.Pages > 0 {
		parts = append(parts, w.Pages(d.Pages))
	}
	parts = append(parts, w.Size(d.Size))
	if isImage(d.ContentType) {
		parts = append(parts, w.NoTextImage)
	}
	return strings.Join(parts, " · ")
}

// kindOf names a content type for a reader.
func kindOf(contentType string, w i18n.DocumentWords) string {
	switch contentType {
	case instruct.ContentTypePDF:
		return w.PDF
	case instruct.ContentTypePNG:
		return w.Image("PNG")
	case instruct.ContentTypeJPEG:
		return w.Image("JPEG")
	}
	return contentType
}

func isImage(contentType string) bool { return strings.HasPrefix(contentType, "image/") }

// documentText draws d's text, or why it is not shown; it returns where
// the text lies when it is drawn.
func (b *writer) documentText(d instruct.Document, w i18n.DocumentWords) (textSpan, bool) {
	m := b.m
	say := func(s string, pen func(string) string) {
		b.painted(frame.Indent(indent, s, b.w), pen)
	}
	switch {
	case d.Text == instruct.DocumentTextFailed:
		say(w.TextFailed, m.theme.Flag.Paint)
		return textSpan{}, false
	case d.Text != instruct.DocumentTextAvailable:
		if !isImage(d.ContentType) {
			say(w.NoText, m.theme.Muted.Paint)
		}
		return textSpan{}, false
	}
	t := m.doc.texts[d.ID]
	switch t.State {
	case TextShown:
	case TextNotFetched:
		say(w.NotFetched, m.theme.Muted.Paint)
		return textSpan{}, false
	case TextOffline:
		say(w.Offline, m.theme.Flag.Paint)
		return textSpan{}, false
	case TextFailed:
		say(w.FetchFailed(t.Reason), m.theme.Flag.Paint)
		return textSpan{}, false
	default:
		say(w.Loading, m.theme.Muted.Paint)
		return textSpan{}, false
	}
	b.blank()
	text := m.doc.wraps.get(d.ID, t.Content.Text, b.w-len(indent))
	span := textSpan{first: len(b.lines), text: text}
	b.lines = append(b.lines, text.shown...)
	if t.Content.Cut {
		say(w.Cut, m.theme.Flag.Paint)
	}
	return span, true
}

// documentKeys returns the keys of the request's documents, where they
// act: o when it has one, / and the moves between matches in a text.
func (m Model) documentKeys() []key.Binding {
	k := m.keys.Doc
	var keys []key.Binding
	if len(m.Documents()) > 0 {
		keys = append(keys, k.Open)
	}
	if m.CanFind() {
		keys = append(keys, k.Find)
	}
	if m.doc.find.active() {
		keys = append(keys, k.Next, k.Prev)
	}
	return keys
}
