package ledger

import (
	"context"
	"errors"
	"fmt"
)

// maxGroup is the largest number of writes one group commit holds.
const maxGroup = 128

// errClosed is returned by writes submitted after Close.
var errClosed = errors.New("the ledger is closed")

// job is a write waiting for the committer: fn runs inside the group's
// transaction; err is its result once done is closed.
type job struct {
	ctx  context.Context
	fn   func(ctx context.Context, tx *txn) error
	err  error
	done chan struct{}
}

// committer runs the ledger's frequent writes (Apply, Create) by group
// commit: one goroutine takes the writes waiting, in arrival order, runs
// each in a savepoint of one transaction and commits them together with
// one sync of the log. A write is acknowledged only once that commit is
// durable, and a write that fails is rolled back to its savepoint alone,
// so each keeps the all-or-nothing meaning of its own transaction while
// concurrent writers share the cost of synchronous=FULL.
type committer struct {
	l     *Ledger
	jobs  chan *job
	quit  chan struct{}
	ended chan struct{}
}

func (l *Ledger) startCommitter() {
	c := &committer{l: l, jobs: make(chan *job), quit: make(chan struct{}), ended: make(chan struct{})}
	l.commits = c
	go c.run()
}

// stop ends the committer after the group under way.
func (c *committer) stop() {
	close(c.quit)
	<-c.ended
}

// inGroup runs fn in a write transaction shared with other writers, as
// inWrite does for one: fn's writes are kept when it returns nil and the
// group commits. It waits for the outcome once fn is taken, even when ctx
// ends meanwhile, so a caller never misses a write that committed.
func (l *Ledger) inGroup(ctx context.Context, fn func(ctx context.Context, tx *txn) error) error {
	j := &job{ctx: ctx, fn: fn, done: make(chan struct{})}
	select {
	case l.commits.jobs <- j:
	case <-ctx.Done():
		return ctx.Err()
	case <-l.commits.quit:
		return errClosed
	}
	<-j.done
	return j.err
}

func (c *committer) run() {
	defer close(c.ended)
	for {
		select {
		case j := <-c.jobs:
			c.commit(c.gather(j))
		case <-c.quit:
			return
		}
	}
}

// gather returns first and the jobs already waiting behind it.
func (c *committer) gather(first *job) []*job {
	group := []*job{first}
	for len(group) < maxGroup {
		select {
		case j := <-c.jobs:
			group = append(group, j)
		default:
			return group
		}
	}
	return group
}

// commit runs group in one transaction and tells each job its outcome.
func (c *committer) commit(group []*job) {
	err := c.l.inWrite(context.Background(), func(tx *txn) error {
		for _, j := range group {
			if err := c.runJob(tx, j); err != nil {
				return err
			}
		}
		return nil
	})
	for _, j := range group {
		if err != nil && j.err == nil {
			j.err = err
		}
		close(j.done)
	}
}

// runJob runs j in a savepoint: on failure its writes are undone and its
// error kept; the error returned is one that dooms the whole group.
func (c *committer) runJob(tx *txn, j *job) error {
	ctx := context.Background()
	if j.err = j.ctx.Err(); j.err != nil {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SAVEPOINT job"); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if j.err = runSafely(ctx, tx, j.fn); j.err != nil {
		if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT job"); err != nil {
			return fmt.Errorf("roll back a write: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT job"); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// runSafely runs fn, turning a panic into an error so that one faulty
// write cannot take the committer, and every writer, down.
func runSafely(ctx context.Context, tx *txn, fn func(context.Context, *txn) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("a write panicked: %v", p)
		}
	}()
	return fn(ctx, tx)
}
