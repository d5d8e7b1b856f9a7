package sshd

import (
	"context"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui"
)

// Over SSH a session reads a document's text from the review service,
// in-process and as its user: the service answers only for documents of
// requests the user may see. The read model keeps no text (it is shared
// by every session, and the service is at hand); the file itself is
// never opened on the server (the screen's o says why).

var _ ui.Documents = (*view)(nil)

// CachedText holds nothing: the read model keeps no document's text.
func (v *view) CachedText(context.Context, instruct.RequestID, instruct.Document) (instruct.DocumentContent, bool, error) {
	return instruct.DocumentContent{}, false, nil
}

// FetchText returns the text of doc from the review service, as the
// session's user sees it.
func (v *view) FetchText(ctx context.Context, _ instruct.RequestID, doc instruct.Document) (instruct.DocumentContent, error) {
	text, err := v.reviews.DocumentText(ctx, v.me(), doc.ID)
	if err != nil {
		return instruct.DocumentContent{}, err
	}
	return instruct.DocumentContent{Text: text}, nil
}
