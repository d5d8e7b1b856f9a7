package review

import (
	"context"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Events returns the history of request id as u may read it, oldest
// first: not_found when u may not see the request.
func (s *Service) Events(ctx context.Context, u instruct.User, id instruct.RequestID) ([]instruct.Event, error) {
	req, _, err := s.Visible(ctx, u, id)
	if err != nil {
		return nil, err
	}
	events, err := s.store.Events(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	return EventsFor(u, events), nil
}

// List returns the requests q selects among those u may see, ordered by
// request number, at most q.Limit.
func (s *Service) List(ctx context.Context, u instruct.User, q instruct.ListQuery) ([]instruct.Request, error) {
	q.Viewer = u.Viewer()
	reqs, err := s.store.Requests(ctx, q)
	if err != nil {
		return nil, err
	}
	ptrs := make([]*instruct.Request, len(reqs))
	for i := range reqs {
		ptrs[i] = &reqs[i]
	}
	if err := s.withChecks(ctx, ptrs); err != nil {
		return nil, err
	}
	for i := range reqs {
		reqs[i] = RequestFor(u, reqs[i])
	}
	return reqs, nil
}

// Changes returns what u may see of the requests changed after seq
// `after` for a pull that began at base (see Storage.ChangesFrom), and
// whether more follow.
func (s *Service) Changes(ctx context.Context, u instruct.User, base, after int64, limit int) ([]instruct.FeedItem, bool, error) {
	items, more, err := s.store.ChangesFrom(ctx, u.Viewer(), base, after, limit)
	if err != nil {
		return nil, false, err
	}
	ptrs := make([]*instruct.Request, len(items))
	for i := range items {
		ptrs[i] = &items[i].Request
	}
	if err := s.withChecks(ctx, ptrs); err != nil {
		return nil, false, err
	}
	return ItemsFor(u, items), more, nil
}
