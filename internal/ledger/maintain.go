package ledger

import (
	"context"
	"errors"
	"time"
)

// How long the ledger keeps what only serves for a while.
const (
	// IdempotencyRetention is how long an idempotency record is kept:
	// at least 30 days, as the API promises.
	IdempotencyRetention = 30 * 24 * time.Hour
	// DeliveryRetention is how long a delivered or failed delivery stays
	// visible to reviewers and administrators.
	DeliveryRetention = 90 * 24 * time.Hour
)

// MaintenanceResult is what one Maintain removed.
type MaintenanceResult struct {
	// IdempotencyRecords counts the idempotency records purged.
	IdempotencyRecords int64
	// Deliveries counts the finished deliveries purged.
	Deliveries int64
}

// Maintain runs the ledger's periodic purges as of now: idempotency
// records past IdempotencyRetention and finished deliveries past
// DeliveryRetention. A purge that fails does not keep the other from
// running; the error joins their failures.
func (l *Ledger) Maintain(ctx context.Context, now time.Time) (MaintenanceResult, error) {
	var res MaintenanceResult
	var errIdem, errDeliveries error
	res.IdempotencyRecords, errIdem = l.PurgeIdempotency(ctx, now.Add(-IdempotencyRetention))
	res.Deliveries, errDeliveries = l.PurgeDeliveries(ctx, now.Add(-DeliveryRetention))
	if res.IdempotencyRecords > 0 || res.Deliveries > 0 {
		l.log.Info("ledger maintenance", "idempotency_records", res.IdempotencyRecords, "deliveries", res.Deliveries)
	}
	return res, errors.Join(errIdem, errDeliveries)
}
