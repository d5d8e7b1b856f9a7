package sshd

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// testEngine is a sync engine that only counts what the pool asks of it.
type testEngine struct {
	mu       sync.Mutex
	syncs    int
	running  bool
	triggers int
	updates  chan instruct.SyncStatus
}

func newTestEngine() *testEngine {
	return &testEngine{updates: make(chan instruct.SyncStatus, 1)}
}

func (e *testEngine) Sync(context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.syncs++
	return nil
}

func (e *testEngine) Run(ctx context.Context) {
	e.set(func() { e.running = true })
	<-ctx.Done()
	e.set(func() { e.running = false })
}

func (e *testEngine) Trigger()                            { e.set(func() { e.triggers++ }) }
func (e *testEngine) Updates() <-chan instruct.SyncStatus { return e.updates }
func (e *testEngine) Status() instruct.SyncStatus         { return instruct.SyncStatus{} }

func (e *testEngine) set(change func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	change()
}

func (e *testEngine) get(read func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	read()
}

// opener opens desks for the pool under test and records it; gate, when
// set, holds every opening until closed, and failures fail the first
// openings.
type opener struct {
	mu       sync.Mutex
	opens    map[string]int
	closes   map[string]int
	engines  []*testEngine
	gate     chan struct{}
	failures int
	// runningAtClose records, per close, whether the engine still ran.
	runningAtClose []bool
}

func newOpener() *opener {
	return &opener{opens: map[string]int{}, closes: map[string]int{}}
}

func (o *opener) open(ctx context.Context, u instruct.User) (Desk, error) {
	if o.gate != nil {
		select {
		case <-o.gate:
		case <-ctx.Done():
			return Desk{}, ctx.Err()
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.failures > 0 {
		o.failures--
		return Desk{}, errors.New("cache unavailable")
	}
	o.opens[u.ID]++
	e := newTestEngine()
	o.engines = append(o.engines, e)
	closeDesk := func() error {
		var running bool
		e.get(func() { running = e.running })
		o.mu.Lock()
		defer o.mu.Unlock()
		o.closes[u.ID]++
		o.runningAtClose = append(o.runningAtClose, running)
		return nil
	}
	return Desk{Engine: e, Close: closeDesk}, nil
}

func (o *opener) counts(id string) (opens, closes int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.opens[id], o.closes[id]
}

func newTestDesks(o *opener) *desks {
	return newDesks(o.open, slog.New(slog.DiscardHandler))
}

func user(id string) instruct.User { return instruct.User{ID: id} }

func mustAcquire(t *testing.T, p *desks, id string) *lease {
	t.Helper()
	l, err := p.acquire(context.Background(), user(id))
	if err != nil {
		t.Fatalf("acquire(%s) = %v", id, err)
	}
	return l
}

func checkCounts(t *testing.T, o *opener, id string, wantOpens, wantCloses int) {
	t.Helper()
	if opens, closes := o.counts(id); opens != wantOpens || closes != wantCloses {
		t.Errorf("desk of %s opened %d and closed %d times, want %d and %d", id, opens, closes, wantOpens, wantCloses)
	}
}

func TestDesksOneDeskPerUserClosedWithTheLastSession(t *testing.T) {
	o := newOpener()
	p := newTestDesks(o)
	a1, a2, b := mustAcquire(t, p, "alice"), mustAcquire(t, p, "alice"), mustAcquire(t, p, "bob")
	checkCounts(t, o, "alice", 1, 0)
	checkCounts(t, o, "bob", 1, 0)
	a1.Release()
	checkCounts(t, o, "alice", 1, 0)
	a2.Release()
	checkCounts(t, o, "alice", 1, 1)
	checkCounts(t, o, "bob", 1, 0)
	b.Release()
	checkCounts(t, o, "bob", 1, 1)
	for i, running := range o.runningAtClose {
		if running {
			t.Errorf("close %d came while the engine still ran, want it stopped first", i)
		}
	}
}

func TestDesksSyncOnceBeforeTheFirstScreen(t *testing.T) {
	o := newOpener()
	p := newTestDesks(o)
	l := mustAcquire(t, p, "alice")
	defer l.Release()
	var syncs int
	o.engines[0].get(func() { syncs = o.engines[0].syncs })
	if syncs != 1 {
		t.Errorf("syncs before the first lease = %d, want 1", syncs)
	}
	o.engines[0].updates <- instruct.SyncStatus{Pending: 3}
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s := <-l.Syncer().Updates():
			if s.Pending == 3 {
				l.Syncer().Trigger()
				o.engines[0].get(func() { syncs = o.engines[0].triggers })
				if syncs != 1 {
					t.Errorf("triggers = %d, want 1", syncs)
				}
				return
			}
		case <-timeout:
			t.Fatal("the engine's status never reached the session")
		}
	}
}

func TestDesksOpenOnceForConcurrentSessions(t *testing.T) {
	o := newOpener()
	o.gate = make(chan struct{})
	p := newTestDesks(o)
	leases := make(chan *lease, 10)
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() {
			l, err := p.acquire(context.Background(), user("alice"))
			if err != nil {
				t.Errorf("acquire = %v", err)
				return
			}
			leases <- l
		})
	}
	close(o.gate)
	wg.Wait()
	close(leases)
	checkCounts(t, o, "alice", 1, 0)
	for l := range leases {
		l.Release()
	}
	checkCounts(t, o, "alice", 1, 1)
}

func TestDesksRetryAfterAFailedOpening(t *testing.T) {
	o := newOpener()
	o.failures = 1
	p := newTestDesks(o)
	if _, err := p.acquire(context.Background(), user("alice")); err == nil {
		t.Fatal("acquire with a failing opener = nil error, want the failure")
	}
	l := mustAcquire(t, p, "alice")
	l.Release()
	checkCounts(t, o, "alice", 1, 1)
}

func TestDesksReopenAfterTheLastSession(t *testing.T) {
	o := newOpener()
	p := newTestDesks(o)
	mustAcquire(t, p, "alice").Release()
	l := mustAcquire(t, p, "alice")
	checkCounts(t, o, "alice", 2, 1)
	l.Release()
	checkCounts(t, o, "alice", 2, 2)
}

func TestDesksAbandonedOpeningClosesItself(t *testing.T) {
	o := newOpener()
	o.gate = make(chan struct{})
	p := newTestDesks(o)
	ctx, cancel := context.WithCancel(context.Background())
	got := make(chan error)
	go func() {
		_, err := p.acquire(ctx, user("alice"))
		got <- err
	}()
	cancel()
	if err := <-got; !errors.Is(err, context.Canceled) {
		t.Fatalf("acquire by a session that left = %v, want context.Canceled", err)
	}
	close(o.gate)
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if _, closes := o.counts("alice"); closes > 0 {
			break
		}
	}
	checkCounts(t, o, "alice", 1, 1)
}

func TestDesksRefuseSessionsOnceClosed(t *testing.T) {
	p := newTestDesks(newOpener())
	p.close()
	if _, err := p.acquire(context.Background(), user("alice")); !errors.Is(err, errClosing) {
		t.Errorf("acquire after close = %v, want errClosing", err)
	}
}
