package replica

import (
	"context"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// DeliveryAPI is what Deliveries needs of the server: the mails and
// webhook calls of a request (internal/client).
type DeliveryAPI interface {
	Deliveries(ctx context.Context, id instruct.RequestID) ([]instruct.Delivery, error)
}

// DeliveryCache is where Deliveries keeps them (internal/store).
type DeliveryCache interface {
	PutDeliveries(ctx context.Context, id instruct.RequestID, list []instruct.Delivery) error
	Deliveries(ctx context.Context, id instruct.RequestID) ([]instruct.Delivery, bool, error)
}

// Deliveries reads the deliveries of requests for the screen: from the
// server when it answers, keeping them in the cache, and from the cache
// offline. It is safe for concurrent use.
type Deliveries struct {
	api   DeliveryAPI
	cache DeliveryCache
}

// Deliveries returns the reader of deliveries between the engine's
// cache and server, or nil when either cannot list them (an engine that
// only follows a feed).
func (e *Engine) Deliveries() *Deliveries {
	api, okAPI := e.api.(DeliveryAPI)
	cache, okCache := e.cache.(DeliveryCache)
	if e.api == nil || !okAPI || !okCache {
		return nil
	}
	return &Deliveries{api: api, cache: cache}
}

// Kept returns the deliveries of request id the cache keeps, and whether
// it keeps any.
func (d *Deliveries) Kept(ctx context.Context, id instruct.RequestID) ([]instruct.Delivery, bool, error) {
	return d.cache.Deliveries(ctx, id)
}

// Fetch asks the server for the deliveries of request id and keeps them
// in the cache, in place of the ones kept before.
func (d *Deliveries) Fetch(ctx context.Context, id instruct.RequestID) ([]instruct.Delivery, error) {
	list, err := d.api.Deliveries(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := d.cache.PutDeliveries(ctx, id, list); err != nil {
		return nil, err
	}
	return list, nil
}
