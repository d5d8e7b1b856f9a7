package sshd

import (
	"context"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui"
)

// Over SSH a session reads the mails and webhook calls of a request from
// the review service, in-process and as its user, with the rules of GET
// /requests/{id}/deliveries: only the request's reviewers see them. The
// shared read model keeps none.

var _ ui.Deliveries = (*view)(nil)

// Kept holds nothing: the read model keeps no deliveries.
func (v *view) Kept(context.Context, instruct.RequestID) ([]instruct.Delivery, bool, error) {
	return nil, false, nil
}

// Fetch returns the deliveries of request id from the review service, as
// the session's user may see them.
func (v *view) Fetch(ctx context.Context, id instruct.RequestID) ([]instruct.Delivery, error) {
	return v.reviews.Deliveries(ctx, v.me(), id)
}
