package review

import (
	"context"
	"errors"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// claimAsked is the canonical body of a claim or a release, fingerprinted
// for idempotency; its JSON is the API's ClaimInput.
type claimAsked struct {
	Force bool `json:"force"`
}

// Claim makes u the holder of request id, once per idempotency key,
// leaving its version as is: claimed (*instruct.ClaimedError, with the
// current claim) when another reviewer holds it, unless force, which only
// a manager of the request's definition may ask. Taking what u already
// holds changes nothing and answers the request as it is.
func (s *Service) Claim(ctx context.Context, u instruct.User, id instruct.RequestID, force bool, idempotencyKey string) (instruct.Outcome, error) {
	now := s.clock()
	return s.claimChange(ctx, u, id, "POST", force, idempotencyKey, instruct.Take{Actor: u.Actor(), Force: force, At: now})
}

// Release ends u's claim on request id, once per idempotency key; with
// force, a manager ends another reviewer's. A request nobody holds
// answers as it is.
func (s *Service) Release(ctx context.Context, u instruct.User, id instruct.RequestID, force bool, idempotencyKey string) (instruct.Outcome, error) {
	now := s.clock()
	return s.claimChange(ctx, u, id, "DELETE", force, idempotencyKey, instruct.Release{Actor: u.Actor(), Force: force, At: now})
}

// claimChange checks that u may take or release request id and applies
// c, answering the request as it is when c changes nothing.
func (s *Service) claimChange(ctx context.Context, u instruct.User, id instruct.RequestID, method string, force bool, key string, c instruct.Change) (instruct.Outcome, error) {
	req, createdBy, err := s.claimable(ctx, u, id, force)
	if err != nil {
		return instruct.Outcome{}, err
	}
	m := s.mutation(u, method, req, "claim", claimAsked{Force: force})
	m.IdempotencyKey, m.Now, m.Change = key, s.clock(), c
	out, err := s.apply(ctx, u, m, createdBy)
	if errors.Is(err, instruct.ErrNoChange) {
		out.Request, _, err = s.Visible(ctx, u, req.ID)
	}
	return out, err
}

// claimable loads request id for a claim by u: not found if u may not
// see it; forbidden unless u may decide on it, did not file it, and, to
// force, manages its definition.
func (s *Service) claimable(ctx context.Context, u instruct.User, id instruct.RequestID, force bool) (instruct.Request, string, error) {
	req, createdBy, err := s.Visible(ctx, u, id)
	switch {
	case err != nil:
		return req, createdBy, err
	case !u.CanDecide(req.Definition):
		return req, createdBy, instruct.Errorf(instruct.CodeForbidden, "your role on %s does not allow you to take requests", req.Definition)
	case createdBy == u.ID:
		return req, createdBy, instruct.Errorf(instruct.CodeForbidden, "you filed %s, so you cannot take it: another reviewer of %s must decide it", req.ID, req.Definition)
	case force && !u.CanManage(req.Definition):
		return req, createdBy, instruct.Errorf(instruct.CodeForbidden, "only a manager of %s may take a request from the reviewer who holds it", req.Definition)
	}
	return req, createdBy, nil
}

// RequestFor returns r as u may read it: applicants don't learn which
// reviewer holds their request.
func RequestFor(u instruct.User, r instruct.Request) instruct.Request {
	if !u.IsReviewer() {
		r.Claim = nil
	}
	return r
}
