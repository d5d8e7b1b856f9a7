package replica

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

func TestFaultyNetworkLandsEveryDecisionOnce(t *testing.T) {
	w := newWorld(t)
	ids := w.seed(100)
	_, token := w.reviewer("camille@dinum.gouv.fr")
	proxy := newFaultProxy(t, w.addr, faults{}, 20261102)
	r := newReplica(t, proxy.URL(), token, fastClient(), Options{PageLimit: 7})
	r.sync(t)
	ops := recordMixed(t, r, ids)

	var restarts sync.WaitGroup
	var once [2]sync.Once
	proxy.onRequest = countDecisionPosts(func(n int) {
		for i, at := range []int{15, 60} {
			if n >= at {
				once[i].Do(func() {
					restarts.Add(1)
					go func() {
						defer restarts.Done()
						if err := w.restart(); err != nil {
							t.Errorf("restart the server: %v", err)
						}
					}()
				})
			}
		}
	})
	proxy.setFaults(faults{Latency: 2 * time.Millisecond, Refuse: 0.1, LoseAnswer: 0.2, Cut: 0.2})

	syncs := syncUntilDone(t, r, 300)
	restarts.Wait()
	proxy.setFaults(faults{})
	r.sync(t)

	for _, op := range ops {
		events := w.decisionEvents(op.RequestID)
		if len(events) != 1 || events[0].Kind != op.Kind || events[0].Comment != op.Comment {
			t.Errorf("server events of %s = %+v, want exactly one %s", op.RequestID, events, op.Kind)
		}
		if got := r.op(t, op.RequestID, op.ID); got.State != instruct.OpAccepted {
			t.Errorf("op on %s is %s, want accepted", op.RequestID, got.State)
		}
	}
	if proxy.injectedFaults() == 0 {
		t.Errorf("the proxy injected no fault; the test proves nothing")
	}
	t.Logf("%d decisions landed once through %d faults and 2 server restarts in %d syncs", len(ops), proxy.injectedFaults(), syncs)
}

// recordMixed records a decision or a note on each request.
func recordMixed(t *testing.T, r *replica, ids []instruct.RequestID) []instruct.Operation {
	t.Helper()
	kinds := []struct {
		kind    instruct.Kind
		comment string
	}{
		{instruct.KindApprove, "Cadre juridique conforme."},
		{instruct.KindRefuse, "Les données demandées excèdent la finalité déclarée."},
		{instruct.KindRequestChanges, "Merci de joindre la délibération du conseil municipal."},
		{instruct.KindNote, "Appeler le DPD avant de trancher."},
	}
	ops := make([]instruct.Operation, 0, len(ids))
	for i, id := range ids {
		k := kinds[i%len(kinds)]
		ops = append(ops, r.record(t, id, k.kind, k.comment))
	}
	return ops
}

// syncUntilDone syncs until a sync succeeds with nothing left to push, at
// most max times, and returns how many syncs it took.
func syncUntilDone(t *testing.T, r *replica, max int) int {
	t.Helper()
	for n := 1; n <= max; n++ {
		err := r.engine.Sync(context.Background())
		if err == nil && r.engine.Status().Pending == 0 {
			return n
		}
		if err != nil && !mayPass(err) {
			t.Fatalf("Sync() = %v, want only failures that pass", err)
		}
	}
	t.Fatalf("the outbox was not pushed after %d syncs", max)
	return max
}
