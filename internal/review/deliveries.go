package review

import (
	"context"
	"maps"

	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// DeliveryStorage is what the service needs of the database for the
// deliveries outbox and the reviewers' choice of mails.
type DeliveryStorage interface {
	// Deliveries returns the mails and webhook calls the events of
	// request id caused, oldest first.
	Deliveries(ctx context.Context, id instruct.RequestID) ([]instruct.Delivery, error)
	// Notifications returns a user's recorded choices of mails by
	// definition; SetNotifications records some.
	Notifications(ctx context.Context, userID string) (map[string]bool, error)
	SetNotifications(ctx context.Context, userID string, choices map[string]bool) error
}

// Deliveries returns the deliveries of request id to u, a reviewer who
// may see it: not_found when u may not see it, forbidden for its
// applicant, who never sees them.
func (s *Service) Deliveries(ctx context.Context, u instruct.User, id instruct.RequestID) ([]instruct.Delivery, error) {
	req, _, err := s.Visible(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !u.CanSee(req.Definition) {
		return nil, instruct.Errorf(instruct.CodeForbidden, "only reviewers see the deliveries of %s", req.ID)
	}
	ds, err := s.store.Deliveries(ctx, id)
	if ds == nil {
		ds = []instruct.Delivery{}
	}
	return ds, err
}

// Notifications returns, for each definition of the catalogue u decides
// on, whether u receives its mails.
func (s *Service) Notifications(ctx context.Context, u instruct.User) (map[string]bool, error) {
	stored, err := s.store.Notifications(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, d := range s.catalogue {
		if u.CanDecide(d.ID) {
			on, set := stored[d.ID]
			out[d.ID] = on || !set
		}
	}
	return out, nil
}

// SetNotifications records u's choice of the mails of each definition
// named, which must be one u decides on, and returns all u's choices.
func (s *Service) SetNotifications(ctx context.Context, u instruct.User, choices map[string]bool) (map[string]bool, error) {
	for def := range choices {
		if _, known := s.Definition(def); !known || !u.CanDecide(def) {
			return nil, instruct.Errorf(instruct.CodeInvalid, "you receive no mails of %q: name a definition you decide on",
				cells.Truncate(def, 40))
		}
	}
	if err := s.store.SetNotifications(ctx, u.ID, maps.Clone(choices)); err != nil {
		return nil, err
	}
	return s.Notifications(ctx, u)
}
