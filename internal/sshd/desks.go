package sshd

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui"
)

// Engine is the sync engine between a desk's cache and the server
// (internal/replica).
type Engine interface {
	// Sync pushes the outbox and pulls the feed once.
	Sync(ctx context.Context) error
	// Run syncs until ctx ends, at once and then on triggers, changes
	// and ticks.
	Run(ctx context.Context)
	Trigger()
	Updates() <-chan instruct.SyncStatus
	Status() instruct.SyncStatus
}

// Desk is what the sessions of one user share: the cache their screens
// read and record decisions into, and the engine that syncs it with the
// server using that user's rights.
type Desk struct {
	Cache  ui.Cache
	Engine Engine
	// Close releases the cache; it is called once the engine has stopped.
	Close func() error
}

// OpenDesk opens the desk of user u; ctx bounds the opening only.
type OpenDesk func(ctx context.Context, u instruct.User) (Desk, error)

// errClosing refuses desks to sessions that start while the server
// shuts down.
var errClosing = errors.New("the SSH server is shutting down")

// deskState is where a desk stands in its life.
type deskState int

const (
	deskOpening deskState = iota
	deskOpen
	deskClosing
)

// desk is one user's desk with the sessions holding it.
type desk struct {
	user  string
	state deskState
	refs  int
	// ready is closed once the desk is open or failed to open (err).
	ready chan struct{}
	err   error
	d     Desk
	hub   *broadcaster
	stop  context.CancelFunc
	// stopped is closed once the engine and its broadcaster returned;
	// gone once the desk is closed and out of the pool.
	stopped chan struct{}
	gone    chan struct{}
}

// desks keeps one desk per user, opened by the user's first session and
// closed when the last one ends.
type desks struct {
	open OpenDesk
	log  *slog.Logger
	// ctx bounds every desk: openings, first syncs and engines.
	ctx    context.Context
	cancel context.CancelFunc
	opens  sync.WaitGroup

	mu     sync.Mutex
	closed bool
	byUser map[string]*desk
}

func newDesks(open OpenDesk, log *slog.Logger) *desks {
	ctx, cancel := context.WithCancel(context.Background())
	return &desks{open: open, log: log, ctx: ctx, cancel: cancel, byUser: map[string]*desk{}}
}

// lease is one session's hold on a desk.
type lease struct {
	pool   *desks
	desk   *desk
	listen *listener
}

// Cache is the desk's cache.
func (l *lease) Cache() ui.Cache { return l.desk.d.Cache }

// Syncer is this session's view of the desk's engine.
func (l *lease) Syncer() ui.Syncer { return l.listen }

// Release ends the session's hold; the last one closes the desk.
func (l *lease) Release() {
	l.desk.hub.unsubscribe(l.listen)
	l.pool.release(l.desk)
}

// acquire returns a hold on u's desk, opening it for u's first session
// and waiting, when it is closing, for it to close first.
func (p *desks) acquire(ctx context.Context, u instruct.User) (*lease, error) {
	for {
		e, j, err := p.join(u.ID)
		if err != nil {
			return nil, err
		}
		switch j {
		case joinedClosing:
			if err := waitFor(ctx, e.gone); err != nil {
				return nil, err
			}
			continue
		case joinedNew:
			p.opens.Add(1)
			go p.start(e, u)
		}
		return p.await(ctx, e)
	}
}

// joined says what join found.
type joined int

const (
	joinedExisting joined = iota
	joinedNew
	joinedClosing
)

// join finds or creates u's desk and counts a hold on it, unless it is
// closing.
func (p *desks) join(userID string) (*desk, joined, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil, 0, errClosing
	}
	e, ok := p.byUser[userID]
	if ok && e.state == deskClosing {
		return e, joinedClosing, nil
	}
	j := joinedExisting
	if !ok {
		e = &desk{user: userID, ready: make(chan struct{}), stopped: make(chan struct{}), gone: make(chan struct{})}
		p.byUser[userID] = e
		j = joinedNew
	}
	e.refs++
	return e, j, nil
}

// await waits for e to be ready and returns a lease on it.
func (p *desks) await(ctx context.Context, e *desk) (*lease, error) {
	if err := waitFor(ctx, e.ready); err != nil {
		p.release(e)
		return nil, err
	}
	if e.err != nil {
		p.release(e)
		return nil, e.err
	}
	return &lease{pool: p, desk: e, listen: e.hub.subscribe(e.d.Engine.Trigger)}, nil
}

// start opens e, syncs it once so that the screens know the user and the
// catalogue, and runs its engine.
func (p *desks) start(e *desk, u instruct.User) {
	defer p.opens.Done()
	d, err := p.open(p.ctx, u)
	if err == nil {
		if syncErr := d.Engine.Sync(p.ctx); syncErr != nil {
			p.log.Warn("ssh first sync", "user", u.ID, "err", syncErr)
		}
		p.run(e, d)
	}
	p.mu.Lock()
	if err != nil {
		e.err = err
		delete(p.byUser, e.user)
		close(e.gone)
	} else {
		e.state = deskOpen
	}
	close(e.ready)
	unused := err == nil && e.refs == 0
	if unused {
		e.state = deskClosing
	}
	p.mu.Unlock()
	if unused {
		p.shut(e)
	}
}

// run starts d's engine and the broadcaster of its statuses.
func (p *desks) run(e *desk, d Desk) {
	ctx, stop := context.WithCancel(p.ctx)
	e.d, e.stop, e.hub = d, stop, newBroadcaster(d.Engine.Status())
	go func() {
		defer close(e.stopped)
		var engine sync.WaitGroup
		engine.Go(func() { d.Engine.Run(ctx) })
		e.hub.run(d.Engine.Updates(), ctx.Done())
		engine.Wait()
	}()
}

// release drops a hold on e; the last hold on an open desk closes it.
func (p *desks) release(e *desk) {
	p.mu.Lock()
	e.refs--
	last := e.refs == 0 && e.state == deskOpen
	if last {
		e.state = deskClosing
	}
	p.mu.Unlock()
	if last {
		p.shut(e)
	}
}

// shut stops e's engine, closes its cache and removes it from the pool.
func (p *desks) shut(e *desk) {
	e.stop()
	<-e.stopped
	if err := e.d.Close(); err != nil {
		p.log.Warn("ssh close desk", "user", e.user, "err", err)
	}
	p.mu.Lock()
	delete(p.byUser, e.user)
	p.mu.Unlock()
	close(e.gone)
}

// close refuses new desks, stops the engines and openings under way, and
// waits for the openings to end. Desks still held close with their last
// session.
func (p *desks) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.cancel()
	p.opens.Wait()
}

// waitFor waits for ch to close or ctx to end.
func waitFor(ctx context.Context, ch <-chan struct{}) error {
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
