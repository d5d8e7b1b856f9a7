package ledger

import (
	"context"
	"database/sql"
	"log/slog"
	"time"
)

// checkpointEvery is how often the SQLite ledger copies its write-ahead
// log back into the database file.
const checkpointEvery = time.Second

// checkpointer copies the write-ahead log into the database file from a
// connection of its own, beside the writer. SQLite would otherwise do it
// inside the commit that crosses 1,000 pages of log, and every decision
// waiting behind that commit would wait for the copy and its syncs too.
// A PASSIVE checkpoint never blocks the writer; Close ends with a
// TRUNCATE one that leaves an empty log.
type checkpointer struct {
	db    *sql.DB
	log   *slog.Logger
	quit  chan struct{}
	ended chan struct{}
}

func startCheckpointer(db *sql.DB, log *slog.Logger) *checkpointer {
	c := &checkpointer{db: db, log: log, quit: make(chan struct{}), ended: make(chan struct{})}
	go c.run()
	return c
}

func (c *checkpointer) run() {
	defer close(c.ended)
	tick := time.NewTicker(checkpointEvery)
	defer tick.Stop()
	for {
		select {
		case <-tick.C:
			c.checkpoint("PASSIVE")
		case <-c.quit:
			return
		}
	}
}

func (c *checkpointer) checkpoint(mode string) {
	if _, err := c.db.ExecContext(context.Background(), "PRAGMA wal_checkpoint("+mode+")"); err != nil {
		c.log.Warn("ledger checkpoint", "mode", mode, "err", err)
	}
}

// stop ends the ticks, checkpoints the whole log and closes the
// connection; call it after the writer has stopped.
func (c *checkpointer) stop() error {
	close(c.quit)
	<-c.ended
	c.checkpoint("TRUNCATE")
	return c.db.Close()
}
