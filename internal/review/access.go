package review

import (
	"context"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Visible loads request id as u may see it, with the user ID of its
// creator: not_found when it doesn't exist or u may not see it, the same
// answer either way.
func (s *Service) Visible(ctx context.Context, u instruct.User, id instruct.RequestID) (instruct.Request, string, error) {
	req, createdBy, err := s.store.Request(ctx, id)
	if instruct.ErrorCode(err) == instruct.CodeNotFound || (err == nil && !u.Viewer().Sees(req, createdBy)) {
		return instruct.Request{}, "", notFound(id)
	}
	if err != nil {
		return instruct.Request{}, "", err
	}
	req, err = s.withCheck(ctx, req)
	return RequestFor(u, req), createdBy, err
}

func notFound(id instruct.RequestID) error {
	return instruct.Errorf(instruct.CodeNotFound, "no request %s", id)
}

// editable loads request id for an edit by u: not found if u may not see
// it, forbidden unless u created it.
func (s *Service) editable(ctx context.Context, u instruct.User, id instruct.RequestID) (instruct.Request, string, error) {
	req, createdBy, err := s.Visible(ctx, u, id)
	if err == nil && createdBy != u.ID {
		err = instruct.Errorf(instruct.CodeForbidden, "only the applicant who created %s may change it", req.ID)
	}
	return req, createdBy, err
}

// reviewable loads request id for a reviewer's event of kind k: not
// found if u may not see it, forbidden if u may see it but not decide or
// filed it (for a decision), and the comment checked.
func (s *Service) reviewable(ctx context.Context, u instruct.User, id instruct.RequestID, k instruct.Kind, comment string) (instruct.Request, string, error) {
	req, createdBy, err := s.Visible(ctx, u, id)
	if err != nil {
		return req, createdBy, err
	}
	if !u.CanDecide(req.Definition) {
		return req, createdBy, instruct.Errorf(instruct.CodeForbidden, "your role on %s does not allow you to %s", req.Definition, k)
	}
	if err := checkNotOwn(u, req, createdBy, k); err != nil {
		return req, createdBy, err
	}
	return req, createdBy, instruct.CheckComment(k, comment)
}

// EventsFor returns the events u may read: all for reviewers, all but
// internal notes, claims and releases for applicants; never nil.
func EventsFor(u instruct.User, events []instruct.Event) []instruct.Event {
	out := make([]instruct.Event, 0, len(events))
	for _, e := range events {
		if u.IsReviewer() || !reviewersOnly(e.Kind) {
			out = append(out, e)
		}
	}
	return out
}

// reviewersOnly reports whether events of kind k are the reviewers' own
// business: internal notes, claims and releases.
func reviewersOnly(k instruct.Kind) bool { return k.ReviewersOnly() }

// ItemsFor shapes feed items for u: applicants don't read internal
// notes nor claims, nor learn that a request changed only by them (an
// item always has an event after the cursor, so one without any had only
// those).
func ItemsFor(u instruct.User, items []instruct.FeedItem) []instruct.FeedItem {
	out := make([]instruct.FeedItem, 0, len(items))
	for _, it := range items {
		it.Request = RequestFor(u, it.Request)
		it.Events = EventsFor(u, it.Events)
		if len(it.Events) == 0 && !u.IsReviewer() {
			continue
		}
		out = append(out, it)
	}
	return out
}
