package ui

import (
	"context"
	"errors"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/review"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// Documents gives the screen the texts of the documents applicants
// attached: those the cache holds, and from the server those it lacks,
// which it then keeps, so that they read offline afterwards.
type Documents interface {
	// CachedText returns the text of doc, a document of request id, and
	// whether the cache holds it.
	CachedText(ctx context.Context, id instruct.RequestID, doc instruct.Document) (instruct.DocumentContent, bool, error)
	// FetchText fetches the text of doc from the server and keeps it in
	// the cache.
	FetchText(ctx context.Context, id instruct.RequestID, doc instruct.Document) (instruct.DocumentContent, error)
}

// OpenDocument saves the file of doc, a document of request id, where
// only the reviewer can read it and opens it with the system's viewer.
type OpenDocument func(ctx context.Context, id instruct.RequestID, doc instruct.Document) error

// ErrNoViewer is the failure of an OpenDocument that found no program to
// open the file with.
var ErrNoViewer = errors.New("no program opens files here")

// docTextMsg carries the text of a document, sanitised, or why it is not
// there (err).
type docTextMsg struct {
	id    instruct.RequestID
	docID string
	text  review.DocText
	err   error
}

// openedMsg reports a document opened in the system's viewer, or why not.
type openedMsg struct {
	name string
	err  error
}

// loadTexts asks for the texts of the documents of the request shown that
// are not on their way yet: from the cache at once, and from the server
// once the reviewer opened the request (the review has the keys).
func (m Model) loadTexts() (Model, tea.Cmd) {
	if !m.shown() {
		return m, nil
	}
	id, docs := m.review.TakeWanted(m.focus == focusReview)
	if m.opts.Documents == nil {
		for _, d := range docs {
			m.review.SetDocumentText(id, d.ID, review.DocText{State: review.TextFailed, Reason: m.msgs.Documents().NotHereText})
		}
		return m, nil
	}
	cmds := make([]tea.Cmd, len(docs))
	for i, d := range docs {
		cmds[i] = m.textCmd(id, d, m.focus == focusReview)
	}
	return m, tea.Batch(cmds...)
}

// textCmd reads the text of doc from the cache, else with fetch from the
// server, and sanitises it.
func (m Model) textCmd(id instruct.RequestID, doc instruct.Document, fetch bool) tea.Cmd {
	ctx, docs := m.ctx, m.opts.Documents
	return func() tea.Msg {
		msg := docTextMsg{id: id, docID: doc.ID}
		content, held, err := docs.CachedText(ctx, id, doc)
		switch {
		case err == nil && !held && !fetch:
			msg.text.State = review.TextNotFetched
			return msg
		case err == nil && !held:
			content, err = docs.FetchText(ctx, id, doc)
		}
		if err != nil {
			msg.text.State, msg.err = review.TextFailed, err
			if instruct.FaultOf(err) == instruct.FaultUnreachable {
				msg.text.State = review.TextOffline
			}
			return msg
		}
		content.Text = sanitize.Document(content.Text)
		msg.text = review.DocText{State: review.TextShown, Content: content}
		return msg
	}
}

// onDocText shows a document's text, or says in the reviewer's words why
// it is not there (the details go to the log).
func (m Model) onDocText(msg docTextMsg) Model {
	if msg.err != nil {
		m.log.Error("ui: document text", "request", msg.id.String(), "document", msg.docID, "err", msg.err)
		msg.text.Reason = m.reason(msg.err)
	}
	m.review.SetDocumentText(msg.id, msg.docID, msg.text)
	return m
}

// reason says, in the reviewer's words, why a document could not be had
// or opened: its fault, no viewer, or the code of the error.
func (m Model) reason(err error) string {
	switch f := instruct.FaultOf(err); {
	case f != "":
		return m.msgs.Fault(f)
	case errors.Is(err, ErrNoViewer):
		return m.msgs.Documents().NoViewer
	}
	return m.msgs.ErrCode(instruct.ErrorCode(err))
}

// openDocument opens the request's cited document (else its first) in the
// system's viewer; in an SSH session it says at once why it can't.
func (m Model) openDocument() (Model, tea.Cmd) {
	words := m.msgs.Documents()
	id := m.selectedID()
	switch {
	case id == 0:
		m.notice = m.msgs.NoSelection
		return m, nil
	case m.opts.OpenDocument == nil:
		m.notice, m.noticeBad = words.NotHere(id.String()), true
		return m, nil
	case !m.shown():
		m.notice = id.String() + " · " + m.msgs.Loading
		return m, nil
	}
	docs := m.review.Documents()
	if len(docs) == 0 {
		m.notice = words.NoDocument(id.String())
		return m, nil
	}
	doc, open, ctx := docs[0], m.opts.OpenDocument, m.ctx
	m.notice = words.Opening(doc.Name)
	return m, func() tea.Msg {
		return openedMsg{name: doc.Name, err: open(ctx, id, doc)}
	}
}

// onOpened says whether the viewer has the file.
func (m Model) onOpened(msg openedMsg) Model {
	words := m.msgs.Documents()
	if msg.err != nil {
		m.log.Error("ui: open document", "err", msg.err)
		m.notice, m.noticeBad = words.OpenFailed(m.reason(msg.err)), true
		return m
	}
	m.notice = words.Opened(msg.name)
	return m
}

// documentKey handles o, and / where it finds in a document: it reports
// whether it used the key.
func (m Model) documentKey(k tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	switch {
	case key.Matches(k, m.keys.Doc.Open):
		mm, cmd := m.openDocument()
		return mm, cmd, true
	case m.focus == focusReview && m.review.CanFind() && key.Matches(k, m.keys.Doc.Find):
		m.review.StartFind()
		return m, nil, true
	case m.focus == focusReview && m.review.FindActive() && key.Matches(k, m.keys.Back):
		m.review.StopFind()
		return m, nil, true
	}
	return m, nil, false
}

// findLine draws the find in a document on the footer, while one is open.
func (m Model) findLine() string {
	line := m.review.FindLine()
	if line == "" || m.focus != focusReview {
		return ""
	}
	return m.theme.Notice.Paint(frame.Fit(" "+line, m.width))
}
