package ledger

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"
)

// Checkpoint settings of the SQLite ledger.
const (
	// checkpointEvery is how often the write-ahead log is copied back
	// into the database file.
	checkpointEvery = time.Second
	// restartFrames is the size of the log, in frames (pages), past
	// which the next write restarts it from its beginning.
	restartFrames = 1024
	// restartWaitMillis bounds how long a restart waits for the readers
	// of older snapshots; it is tried again later when they take longer.
	restartWaitMillis = 100
	// walSizeLimit is the size the log file is cut back to after a
	// restart (journal_size_limit) when it had grown larger, after an
	// import for instance.
	walSizeLimit = 64 << 20
)

// checkpointer keeps SQLite's write-ahead log bounded.
//
// Every second, from a connection of its own, it copies the log back
// into the database file with a PASSIVE checkpoint, which never blocks
// the writer: SQLite would otherwise do it inside the commit that crosses
// 1,000 pages of log, and every decision waiting behind that commit
// would wait for the copy and its syncs too.
//
// A copied log is only reused from its beginning when a write begins
// while the whole log is copied and no reader holds an older snapshot.
// Under a steady load that never happens by chance: a commit always
// lands while the checkpoint runs. So once the log passes restartFrames,
// the checkpointer asks for a restart, which the next write transaction
// makes after it commits, on the writer's connection (restartIfDue): a
// RESTART checkpoint copies what is left, waits a little for readers of
// older snapshots, and the write after it starts the log over. Close
// ends with a TRUNCATE checkpoint that leaves an empty log.
type checkpointer struct {
	db    *sql.DB
	log   *slog.Logger
	quit  chan struct{}
	ended chan struct{}
	// restartDue is set when the log has passed restartFrames.
	restartDue atomic.Bool
	// failing is set while checkpoints fail, so that a lasting failure
	// (a full disk) is logged once, not every second.
	failing atomic.Bool
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
			if frames, err := checkpoint(context.Background(), c.db, "PASSIVE"); c.report("PASSIVE", err) {
				c.restartDue.Store(frames >= restartFrames)
			}
		case <-c.quit:
			return
		}
	}
}

// checkpoint runs a checkpoint of the given mode on db and returns the
// number of frames in the log. A checkpoint that could not finish
// because of readers or writers is not an error: it copied what it
// could.
func checkpoint(ctx context.Context, db querier, mode string) (frames int, err error) {
	var busy, copied int
	err = db.QueryRowContext(ctx, "PRAGMA wal_checkpoint("+mode+")").Scan(&busy, &frames, &copied)
	if err != nil {
		return 0, fmt.Errorf("%s checkpoint: %w", mode, err)
	}
	return frames, nil
}

// report logs err when checkpoints begin to fail and the first success
// after, and reports whether err is nil.
func (c *checkpointer) report(mode string, err error) bool {
	if err != nil {
		if !c.failing.Swap(true) {
			c.log.Error("ledger checkpoints fail; the write-ahead log grows until they succeed", "mode", mode, "err", err)
		}
		return false
	}
	if c.failing.Swap(false) {
		c.log.Info("ledger checkpoints succeed again", "mode", mode)
	}
	return true
}

// restartIfDue restarts the log when the checkpointer asked for it. It
// runs on writer, the writer pool, once a write transaction has
// committed: no write is under way, and none begins until the restart
// is done. The wait for readers is bounded by restartWaitMillis, after
// which the connection's busy timeout is set back.
func (c *checkpointer) restartIfDue(writer *sql.DB) {
	if c == nil || !c.restartDue.CompareAndSwap(true, false) {
		return
	}
	ctx := context.Background()
	conn, err := writer.Conn(ctx)
	if err != nil {
		c.report("RESTART", err)
		return
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", restartWaitMillis)); err != nil {
		c.report("RESTART", err)
		return
	}
	_, err = checkpoint(ctx, conn, "RESTART")
	c.report("RESTART", err)
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("PRAGMA busy_timeout = %d", busyTimeoutMillis)); err != nil {
		// The connection would keep the short timeout: drop it.
		conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}

// stop ends the ticks, checkpoints the whole log and closes the
// connection; call it after the writer has stopped.
func (c *checkpointer) stop() error {
	close(c.quit)
	<-c.ended
	_, err := checkpoint(context.Background(), c.db, "TRUNCATE")
	c.report("TRUNCATE", err)
	return c.db.Close()
}
