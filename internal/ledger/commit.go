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
// them in one transaction and commits them together with one sync of the
// log, so concurrent writers share the cost of synchronous=FULL. A write
// is acknowledged only once that commit is durable. Each write does all
// that may refuse it before it writes anything, and returns a refusal:
// the group goes on without it. Any other failure fails the whole group,
// and every write in it gets the error: nothing of it was kept.
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

// inGroup runs fn in a write transaction shared with other writers: fn's
// writes are kept when it returns nil and the group commits. fn must
// return a refusal (refuse) for any error it meets before writing, and
// may return other errors only after, which fail the group. inGroup waits
// for the outcome once fn is taken, even when ctx ends meanwhile, so a
// caller never misses a write that committed.
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
	return unavailable(j.err)
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

// commit runs group in one transaction and tells each job its outcome,
// then restarts SQLite's log if it is due, once nobody waits for it.
func (c *committer) commit(group []*job) {
	err := c.l.writeTx(context.Background(), func(tx *txn) error {
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
	if err == nil {
		c.l.checkpoints.restartIfDue(c.l.writer.db)
	}
}

// runJob runs j in the group's transaction. A refusal is j's own error
// and the group goes on; any other error is returned, and fails the group.
func (c *committer) runJob(tx *txn, j *job) error {
	if j.err = j.ctx.Err(); j.err != nil {
		return nil
	}
	err := runSafely(context.Background(), tx, j.fn)
	var r *refusal
	if errors.As(err, &r) {
		j.err = r.err
		return nil
	}
	return err
}

// refusal is the error of a grouped write that refused before writing
// anything, so the group's transaction goes on without it.
type refusal struct{ err error }

// Error implements error.
func (r *refusal) Error() string { return r.err.Error() }

// refuse marks err, when not nil, as a refusal.
func refuse(err error) error {
	if err == nil {
		return nil
	}
	return &refusal{err: err}
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
