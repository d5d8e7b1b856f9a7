package replica

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store/storetest"
)

// TestSyncHealsADamagedCache damages the cached requests of a cache in
// use, as a failing disk would. Once a read meets the damage, the next
// sync replaces the cache, keeps the decision waiting in its outbox,
// pulls everything again and pushes the decision, and its status says
// what was kept.
func TestSyncHealsADamagedCache(t *testing.T) {
	ctx := context.Background()
	w := newWorld(t)
	ids := w.seed(600)
	_, token := w.reviewer("camille@dinum.gouv.fr")
	r := newReplica(t, w.URL(), token, fastClient(), Options{})
	r.sync(t)
	op := r.record(t, ids[0], instruct.KindApprove, "")
	storetest.DamageLeaves(t, r.path, "requests", 2, 4)

	if _, err := r.cache.Queue(ctx, instruct.QueueQuery{}); !errors.Is(err, instruct.ErrCacheDamaged) {
		t.Fatalf("Queue() over damaged pages = %v, want a damaged-cache error", err)
	}
	if err := r.engine.Sync(ctx); err != nil {
		t.Fatalf("Sync() after the damage = %v, want the cache healed and synced", err)
	}
	st := r.engine.Status()
	if rec := st.Recovery; rec == nil || rec.Saved != 1 || rec.Lost != 0 || rec.MovedTo == "" {
		t.Errorf("Status().Recovery = %+v, want the cache replaced with 1 decision saved", rec)
	}
	if st.LastError != "" || st.Pending != 0 {
		t.Errorf("Status() = %+v, want synced with nothing pending", st)
	}
	if got := r.cachedIDs(t); len(got) != len(ids) {
		t.Errorf("the healed cache holds %d requests, want all %d again", len(got), len(ids))
	}
	if events := w.decisionEvents(ids[0]); len(events) != 1 || r.op(t, ids[0], op.ID).State != instruct.OpAccepted {
		t.Errorf("server events of %s = %+v, want the approval once, accepted", ids[0], events)
	}
}

// TestStatusTellsUnreachableFromUnavailable: a server that does not
// answer and one that answers 503 unavailable (its disk full, its
// database down) both leave the decision in the outbox, and the status
// tells them apart so the screen can say which.
func TestStatusTellsUnreachableFromUnavailable(t *testing.T) {
	w := newWorld(t)
	id := w.seed(1)[0]
	_, token := w.reviewer("camille@dinum.gouv.fr")
	r := newReplica(t, w.URL(), token, fastClient(), Options{})
	r.sync(t)
	r.record(t, id, instruct.KindApprove, "")

	down := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "application/problem+json")
		rw.Header().Set("Retry-After", "1")
		rw.WriteHeader(http.StatusServiceUnavailable)
		rw.Write([]byte(`{"type":"about:blank","title":"Service Unavailable","status":503,"code":"unavailable","detail":"the server cannot write now"}`))
	}))
	defer down.Close()
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	for _, c := range []struct {
		name string
		url  string
		want instruct.Fault
	}{{"unavailable", down.URL, instruct.FaultServerUnavailable}, {"unreachable", gone.URL, instruct.FaultUnreachable}} {
		t.Run(c.name, func(t *testing.T) {
			e := New(r.cache, client.New(c.url, token, client.Options{MaxRetries: 1, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}),
				Options{LockPath: r.path + ".lock"})
			if err := e.Sync(context.Background()); err == nil {
				t.Fatalf("Sync() = nil, want a failure")
			}
			st := e.Status()
			if st.LastFault != c.want || st.Pending != 1 || st.Online {
				t.Errorf("Status() = %+v, want fault %s, offline, the decision kept", st, c.want)
			}
		})
	}
}
