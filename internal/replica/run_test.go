package replica

import (
	"context"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
)

// runEngine runs r's engine until the test ends.
func runEngine(t *testing.T, r *replica) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.engine.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// waitStatus waits for a status update that satisfies ok.
func waitStatus(t *testing.T, e *Engine, what string, ok func(instruct.SyncStatus) bool) instruct.SyncStatus {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case st := <-e.Updates():
			if ok(st) {
				return st
			}
		case <-deadline:
			t.Fatalf("no status update %s; last status %+v", what, e.Status())
		}
	}
}

func synced(st instruct.SyncStatus) bool { return !st.Syncing && !st.LastSync.IsZero() }

func TestRunPullsWhatTheStreamAnnounces(t *testing.T) {
	w := newWorld(t)
	id := w.seed(1)[0]
	_, aliceToken := w.reviewer("alice@dinum.gouv.fr")
	_, bobToken := w.reviewer("bob@dinum.gouv.fr")
	alice := newReplica(t, w.URL(), aliceToken, fastClient(), Options{PollInterval: time.Hour})
	bob := newReplica(t, w.URL(), bobToken, fastClient(), Options{})
	runEngine(t, alice)
	waitStatus(t, alice.engine, "after the first sync", synced)
	bob.sync(t)

	bob.record(t, id, instruct.KindRequestChanges, "Merci de préciser la durée de conservation.")
	bob.sync(t)

	waitStatus(t, alice.engine, "showing bob's decision", func(st instruct.SyncStatus) bool {
		r, err := alice.cache.Request(context.Background(), id)
		return synced(st) && err == nil && r.Status == instruct.StatusChangesRequested
	})
}

func TestRunPushesOnTrigger(t *testing.T) {
	w := newWorld(t)
	id := w.seed(1)[0]
	_, token := w.reviewer("camille@dinum.gouv.fr")
	r := newReplica(t, w.URL(), token, fastClient(), Options{PollInterval: time.Hour})
	runEngine(t, r)
	waitStatus(t, r.engine, "after the first sync", synced)

	op := r.record(t, id, instruct.KindApprove, "")
	r.engine.Trigger()

	waitStatus(t, r.engine, "with the decision pushed", func(st instruct.SyncStatus) bool {
		return synced(st) && st.Pending == 0
	})
	if got := r.op(t, id, op.ID); got.State != instruct.OpAccepted {
		t.Errorf("op after Trigger is %s, want accepted", got.State)
	}
}

func TestRunRetriesUntilTheServerReturns(t *testing.T) {
	w := newWorld(t)
	id := w.seed(1)[0]
	_, token := w.reviewer("camille@dinum.gouv.fr")
	r := newReplica(t, w.URL(), token, fastClient(),
		Options{PollInterval: time.Hour, MinBackoff: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond})
	r.sync(t)
	op := r.record(t, id, instruct.KindApprove, "")
	w.stop()
	runEngine(t, r)

	st := waitStatus(t, r.engine, "offline", func(st instruct.SyncStatus) bool { return !st.Syncing && !st.Online })
	if st.Pending != 1 || st.LastError == "" {
		t.Errorf("Status() offline = %+v, want 1 pending and the error in words", st)
	}
	w.start()

	waitStatus(t, r.engine, "back online", func(st instruct.SyncStatus) bool {
		return !st.Syncing && st.Online && st.Pending == 0 && st.LastError == ""
	})
	if got := r.op(t, id, op.ID); got.State != instruct.OpAccepted {
		t.Errorf("op after the server came back is %s, want accepted", got.State)
	}
}

func TestUpdatesKeepOnlyTheLatestStatus(t *testing.T) {
	e := New(nil, nil, Options{})
	for i := range 100 {
		e.setStatus(func(s *instruct.SyncStatus) { s.Pending = i })
	}
	select {
	case st := <-e.Updates():
		if st.Pending != 99 {
			t.Errorf("Updates() = Pending %d, want the latest, 99", st.Pending)
		}
	default:
		t.Fatalf("Updates() has nothing after 100 changes")
	}
	select {
	case st := <-e.Updates():
		t.Errorf("Updates() holds a second status %+v, want only the latest", st)
	default:
	}
}

// TestLastSyncSurvivesARestart: the time of the last successful sync is
// kept in the cache file; an engine started again on that file, with the
// server out of reach, reports it (and the decision still waiting) rather
// than "never synced".
func TestLastSyncSurvivesARestart(t *testing.T) {
	w := newWorld(t)
	id := w.seed(1)[0]
	_, token := w.reviewer("camille@dinum.gouv.fr")
	syncedAt := time.Date(2026, 3, 2, 9, 15, 0, 0, time.UTC)
	r := newReplica(t, w.URL(), token, fastClient(), Options{Now: func() time.Time { return syncedAt }})
	r.sync(t)
	r.record(t, id, instruct.KindApprove, "")
	if err := r.cache.Close(); err != nil {
		t.Fatal(err)
	}
	w.stop()

	cache, err := store.Open(context.Background(), r.path)
	if err != nil {
		t.Fatalf("store.Open(%s) again = %v", r.path, err)
	}
	t.Cleanup(func() { cache.Close() })
	again := &replica{cache: cache, client: r.client, path: r.path,
		engine: New(cache, r.client, Options{PollInterval: time.Hour, MinBackoff: time.Hour, LockPath: r.path + ".lock"})}
	runEngine(t, again)
	st := waitStatus(t, again.engine, "offline after the restart", func(st instruct.SyncStatus) bool { return !st.Syncing && !st.Online })
	if !st.LastSync.Equal(syncedAt) || st.Pending != 1 {
		t.Errorf("status after the restart = %+v, want the last sync %v and 1 pending", st, syncedAt)
	}
}

// TestStreamReconnectsAfterEveryRestart restarts the server again and
// again, each time staying down long enough for the stream's attempts to
// fail a few times. Every time, a change made once the server is back
// reaches the reviewer within seconds: the stream's backoff starts over
// once it connects, instead of growing from one restart to the next (the
// poll, an hour here, can't be what brings the change).
func TestStreamReconnectsAfterEveryRestart(t *testing.T) {
	const restarts = 4
	w := newWorld(t)
	ids := w.seed(restarts)
	_, aliceToken := w.reviewer("alice@dinum.gouv.fr")
	_, bobToken := w.reviewer("bob@dinum.gouv.fr")
	alice := newReplica(t, w.URL(), aliceToken, fastClient(), Options{PollInterval: time.Hour})
	bob := newReplica(t, w.URL(), bobToken, fastClient(), Options{})
	runEngine(t, alice)
	waitStatus(t, alice.engine, "after the first sync", synced)
	bob.sync(t)

	for i, id := range ids {
		w.stop()
		time.Sleep(3 * time.Second) // the stream tries and fails meanwhile
		w.start()
		bob.record(t, id, instruct.KindRequestChanges, "Merci de préciser la durée de conservation.")
		bob.sync(t)
		if !waitUntil(10*time.Second, func() bool {
			r, err := alice.cache.Request(context.Background(), id)
			return err == nil && r.Status == instruct.StatusChangesRequested
		}) {
			t.Fatalf("restart %d: bob's decision on %s did not reach alice within 10 s; status %+v", i+1, id, alice.engine.Status())
		}
	}
}

// waitUntil polls ok until it holds or timeout passes.
func waitUntil(timeout time.Duration, ok func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
	return true
}
