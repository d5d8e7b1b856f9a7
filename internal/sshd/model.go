package sshd

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/review"
	"github.com/instruct-dev/instruct/internal/stats"
)

// ReadModel is the one cache of every request that every session reads
// (internal/store), kept up to date by the Engine.
type ReadModel interface {
	// QueueFor returns the rows of the queue q selects among the
	// requests v may see.
	QueueFor(ctx context.Context, v instruct.Viewer, q instruct.QueueQuery) ([]instruct.QueueItem, error)
	// CountsFor returns the number of requests v may see per status,
	// applying q's definition and text but not its statuses.
	CountsFor(ctx context.Context, v instruct.Viewer, q instruct.QueueQuery) (map[instruct.Status]int, error)
	// PositionFor returns the index of request id in QueueFor's answer
	// (without Offset and Limit), or -1 when it lacks the request.
	PositionFor(ctx context.Context, v instruct.Viewer, q instruct.QueueQuery, id instruct.RequestID) (int, error)
	// Request returns a request; not_found when the cache lacks it.
	Request(ctx context.Context, id instruct.RequestID) (instruct.Request, error)
	// Events returns a request's events, oldest first.
	Events(ctx context.Context, id instruct.RequestID) ([]instruct.Event, error)
	// Definitions returns the API catalogue.
	Definitions(ctx context.Context) ([]instruct.Definition, error)
	// StatHistories returns what the statistics read of every request
	// (package stats); a session keeps to the definitions its user sees.
	StatHistories(ctx context.Context) ([]stats.History, error)
	// Cursor returns the feed cursor of the last page applied, in the
	// text form of Feed.
	Cursor(ctx context.Context) (string, error)
	// Warm loads the in-memory queue, so that the first screen is fast.
	Warm(ctx context.Context) error
	// Habilitations returns the habilitations q selects, newest first,
	// whoever may see them (the view filters them).
	Habilitations(ctx context.Context, q instruct.HabilitationSearch) ([]instruct.Habilitation, error)
	// Habilitation returns a habilitation; not_found when the cache
	// lacks it.
	Habilitation(ctx context.Context, id instruct.HabilitationID) (instruct.Habilitation, error)
	// OrganizationRequests returns the requests of the organisation with
	// a SIRET, whoever may see them.
	OrganizationRequests(ctx context.Context, siret string) ([]instruct.QueueItem, error)
}

// Engine keeps the read model up to date with the Feed
// (internal/replica.Follow).
type Engine interface {
	// Sync pulls the feed once.
	Sync(ctx context.Context) error
	// Run syncs until ctx ends, at once and then on triggers, changes
	// and ticks.
	Run(ctx context.Context)
	Trigger()
	Updates() <-chan instruct.SyncStatus
	Status() instruct.SyncStatus
}

// Reviews is the review service (internal/review) as sessions use it: a
// decision or a note goes through its rules in the name of the session's
// user, and so does the reading of a document's text.
type Reviews interface {
	Decide(ctx context.Context, u instruct.User, id instruct.RequestID, k instruct.Kind, comment string, pre review.Precondition) (instruct.Outcome, error)
	Note(ctx context.Context, u instruct.User, id instruct.RequestID, k instruct.Kind, comment, idempotencyKey string) (instruct.Outcome, error)
	Claim(ctx context.Context, u instruct.User, id instruct.RequestID, force bool, idempotencyKey string) (instruct.Outcome, error)
	Release(ctx context.Context, u instruct.User, id instruct.RequestID, force bool, idempotencyKey string) (instruct.Outcome, error)
	// DocumentText returns the text of document id when u may see it.
	DocumentText(ctx context.Context, u instruct.User, id string) (string, error)
	// Deliveries returns the mails and webhook calls of request id when u
	// is one of its reviewers.
	Deliveries(ctx context.Context, u instruct.User, id instruct.RequestID) ([]instruct.Delivery, error)
	RevokeHabilitation(ctx context.Context, u instruct.User, id instruct.HabilitationID, comment string, pre review.Precondition) (instruct.Outcome, error)
	Transfer(ctx context.Context, u instruct.User, id instruct.RequestID, to, comment string, pre review.Precondition) (instruct.Outcome, error)
}

// catchUpWait bounds how long a decision waits for the read model to
// show it, so that the screen's next reload does. The decision is
// recorded whatever happens; only the screen would lag.
const catchUpWait = 5 * time.Second

// model is the read model with the engine that keeps it, and the
// broadcaster of the engine's status to every screen.
type model struct {
	cache  ReadModel
	engine Engine
	hub    *broadcaster
	// ready is closed once the first sync ended, successfully or not.
	ready chan struct{}
	stop  context.CancelFunc
	done  chan struct{}
}

// startModel syncs the read model once, loads its queue in memory, then
// runs its engine until close.
func startModel(cache ReadModel, engine Engine, log *slog.Logger) *model {
	ctx, stop := context.WithCancel(context.Background())
	m := &model{cache: cache, engine: engine, hub: newBroadcaster(engine.Status()),
		ready: make(chan struct{}), stop: stop, done: make(chan struct{})}
	go func() {
		defer close(m.done)
		m.prepare(ctx, log)
		var run sync.WaitGroup
		run.Go(func() { engine.Run(ctx) })
		m.hub.run(engine.Updates(), ctx.Done())
		run.Wait()
	}()
	return m
}

// prepare runs the first sync and loads the queue in memory; a failure
// is logged, and sessions see what the read model holds.
func (m *model) prepare(ctx context.Context, log *slog.Logger) {
	defer close(m.ready)
	start := time.Now()
	if err := m.engine.Sync(ctx); err != nil && ctx.Err() == nil {
		log.Warn("ssh read model first sync", "err", err)
	}
	if err := m.cache.Warm(ctx); err != nil && ctx.Err() == nil {
		log.Warn("ssh read model load", "err", err)
	}
	m.hub.publish(m.engine.Status()) // the first screens start from it
	if ctx.Err() == nil {
		log.Info("ssh read model ready", "took", time.Since(start).Round(time.Millisecond).String())
	}
}

// close stops the engine and waits for it.
func (m *model) close() {
	m.stop()
	<-m.done
}

// caughtUp waits, at most catchUpWait, until the read model holds every
// change up to seq, asking the engine for a sync; it reports whether it
// does.
func (m *model) caughtUp(ctx context.Context, seq int64) bool {
	l := m.hub.subscribe(nil, nil)
	defer m.hub.unsubscribe(l)
	m.engine.Trigger()
	timeout := time.NewTimer(catchUpWait)
	defer timeout.Stop()
	for {
		if cursor, err := m.cache.Cursor(ctx); err == nil && appliedThrough(cursor) >= seq {
			return true
		}
		select {
		case <-l.Updates():
		case <-timeout.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}
