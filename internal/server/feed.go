package server

import (
	"context"
	"net/http"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// Page sizes of the change feed.
const (
	defaultFeedLimit = 100
	maxFeedLimit     = 1000
)

// changes answers GET /changes: the requests u may see that changed
// after the cursor, each once with its latest state.
func (s *Server) changes(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	q := r.URL.Query()
	c, err := parseCursor(q.Get("after"))
	if err != nil {
		return malformed(err)
	}
	limit, err := parseLimit(q.Get("limit"), defaultFeedLimit, maxFeedLimit)
	if err != nil {
		return malformed(err)
	}
	if err := s.checkCursor(r.Context(), u, c); err != nil {
		return err
	}
	page, err := s.feedPage(r.Context(), u, c, limit)
	if err != nil {
		return err
	}
	return page.items.write(w, member{"cursor", page.cursor}, member{"more", page.more})
}

// feedPage is a page of the change feed with its items already encoded.
type feedPage struct {
	items  *packedPage
	cursor string
	more   bool
}

// checkCursor refuses, with cursor_expired, a cursor issued for other
// roles or older than what the server keeps.
func (s *Server) checkCursor(ctx context.Context, u instruct.User, c cursor) error {
	if c.seq == 0 && c.base == 0 {
		return nil
	}
	if c.roles != rolesFingerprint(u) {
		return instruct.Errorf(instruct.CodeCursorExpired, "your roles changed since this cursor was issued; pull the feed again from the start")
	}
	horizon, err := s.store.FeedHorizon(ctx)
	if err != nil {
		return err
	}
	if c.base < horizon {
		return instruct.Errorf(instruct.CodeCursorExpired, "this cursor is older than the changes the server keeps; pull the feed again from the start")
	}
	return s.checkTransfers(ctx, u, c)
}

// checkTransfers refuses, with cursor_expired, the cursor of an
// applicant who lost a request by a transfer since the pull it belongs to
// began: their cache holds the request, which the feed no longer brings
// them. Reviewers see requests by definition, which a transfer leaves.
func (s *Server) checkTransfers(ctx context.Context, u instruct.User, c cursor) error {
	if !u.Viewer().ApplicantOnly {
		return nil
	}
	lost, err := s.store.LostByTransfer(ctx, u, c.base)
	if err != nil {
		return err
	}
	if lost > 0 {
		return instruct.Errorf(instruct.CodeCursorExpired, "a request you filed was transferred to another user since this cursor was issued; pull the feed again from the start")
	}
	return nil
}

// feedPage reads the page after c: at most limit items, packed within
// api.FeedPageBudget bytes (at least one item). Part-way through a pull,
// the next cursor keeps the seq the pull began at, whose later events
// every page carries. On the last page the cursor moves to the last seq
// assigned, read before the page, so that a caller who sees few
// definitions doesn't scan the others' changes again.
func (s *Server) feedPage(ctx context.Context, u instruct.User, c cursor, limit int) (feedPage, error) {
	last, err := s.store.LastSeq(ctx)
	if err != nil {
		return feedPage{}, err
	}
	items, more, err := s.review.Changes(ctx, u, c.base, c.seq, limit)
	if err != nil {
		return feedPage{}, err
	}
	shaped := withEmptyRequestSlices(items)
	encoded, err := pack("changes", shaped, api.FeedPageBudget)
	if err != nil {
		return feedPage{}, err
	}
	next := cursor{seq: c.seq, base: c.base, roles: rolesFingerprint(u)}
	switch {
	case encoded.n < len(shaped):
		next.seq, more = shaped[encoded.n-1].Seq, true
	case len(items) > 0:
		next.seq = max(next.seq, items[len(items)-1].Seq)
	}
	if !more {
		next.seq = max(next.seq, last)
		next.base = next.seq
	}
	return feedPage{items: encoded, cursor: next.String(), more: more}, nil
}

// withEmptyRequestSlices makes the nil lists of the items' requests
// encode as [] rather than null.
func withEmptyRequestSlices(items []instruct.FeedItem) []instruct.FeedItem {
	for i := range items {
		items[i].Request = withEmptySlices(items[i].Request)
	}
	return items
}
