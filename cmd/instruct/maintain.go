package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/instruct-dev/instruct/internal/ledger"
)

// maintenanceEvery is how often serve runs the ledger's purges.
const maintenanceEvery = time.Hour

// startMaintenance runs l's periodic purges (ledger.Maintain: idempotency
// records past 30 days, deliveries finished more than 90 days ago) at once
// and then every interval, until the returned stop is called; stop waits
// for a purge under way to end.
func startMaintenance(l *ledger.Ledger, interval time.Duration, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			if _, err := l.Maintain(ctx, time.Now()); err != nil && ctx.Err() == nil {
				log.Warn("ledger maintenance failed; it runs again later", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}
