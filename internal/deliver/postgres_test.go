package deliver_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/deliver"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/pgtest"
)

// exclusiveReceiver answers every call after a pause, and counts each
// delivery's calls and the calls of one delivery that overlapped.
type exclusiveReceiver struct {
	mu       sync.Mutex
	inFlight map[string]bool
	calls    map[string]int
	overlaps int
}

func (rc *exclusiveReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := r.Header.Get(deliver.HeaderDelivery)
	rc.mu.Lock()
	if rc.inFlight[id] {
		rc.overlaps++
	}
	rc.inFlight[id] = true
	rc.calls[id]++
	rc.mu.Unlock()
	time.Sleep(20 * time.Millisecond)
	rc.mu.Lock()
	delete(rc.inFlight, id)
	rc.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// TestTwoInstancesOnPostgresNeverSendTheSameDeliveryTogether: two
// ledgers on one PostgreSQL schema, as two server instances, each with
// its worker, share the outbox: every delivery is sent once, none by
// both at the same time.
func TestTwoInstancesOnPostgresNeverSendTheSameDeliveryTogether(t *testing.T) {
	dsn := pgtest.Schema(t, "deliver_test")
	ctx := context.Background()
	var instances [2]*ledger.Ledger
	for i := range instances {
		l, err := ledger.OpenPostgres(ctx, dsn, ledger.WithQuotas(instruct.Quotas{OpenDrafts: 1000, Bytes: 1 << 30, CreationsPerHour: 1000}))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		instances[i] = l
	}
	rc := &exclusiveReceiver{inFlight: map[string]bool{}, calls: map[string]int{}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	if _, _, err := instances[0].AddWebhook(ctx, "api_particulier", srv.URL, nil); err != nil {
		t.Fatal(err)
	}
	if _, _, err := instances[1].AddWebhook(ctx, "api_particulier", srv.URL+"/copy", nil); err != nil {
		t.Fatal(err)
	}
	const requests = 30
	for i := range requests {
		submitOn(t, instances[i%2], fmt.Sprintf("Demande %d", i))
	}
	var wg sync.WaitGroup
	for _, l := range instances {
		w := deliver.New(deliver.Config{Store: l, Batch: 4, Timeout: 5 * time.Second})
		wg.Go(func() {
			for {
				n, err := w.RunOnce(ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					if due, _ := l.HasDueDeliveries(ctx, time.Now()); !due {
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if len(rc.calls) != 2*requests {
		t.Errorf("%d deliveries called, want %d (two webhooks, one submission each)", len(rc.calls), 2*requests)
	}
	for id, n := range rc.calls {
		if n != 1 {
			t.Errorf("delivery %s was sent %d times", id, n)
		}
	}
	if rc.overlaps != 0 {
		t.Errorf("%d calls overlapped another of the same delivery", rc.overlaps)
	}
}

// submitOn creates and submits a request on l.
func submitOn(t testing.TB, l *ledger.Ledger, title string) {
	t.Helper()
	ctx := context.Background()
	def := "api_particulier"
	r, err := l.Create(ctx, applicant, instruct.RequestPatch{Definition: &def, Title: &title}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, err = l.Apply(ctx, instruct.Mutation{RequestID: r.ID, Now: time.Now(), Change: instruct.ChangeFunc(func(q *instruct.Request) (instruct.Event, bool, error) {
		q.Status = instruct.StatusSubmitted
		return instruct.Event{Kind: instruct.KindSubmit, Actor: applicant}, true, nil
	})})
	if err != nil {
		t.Fatal(err)
	}
}
