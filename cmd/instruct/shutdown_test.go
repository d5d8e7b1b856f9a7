package main

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// shutdownClients is how many clients post decisions while the server
// is told to stop; the server gets SIGTERM once as many decisions were
// acknowledged.
const shutdownClients = 20

// decisionChain is what the clients decide on each open request, one
// after the other, so that there is enough work to be cut short.
func decisionChain() []instruct.Kind {
	return []instruct.Kind{instruct.KindApprove, instruct.KindRevoke, instruct.KindArchive}
}

// acknowledged is a decision the server answered 201.
type acknowledged struct {
	id      instruct.RequestID
	kind    instruct.Kind
	comment string
	seq     int64
}

// ackLog collects the acknowledged decisions of concurrent clients and
// says when the first enough of them arrived.
type ackLog struct {
	mu     sync.Mutex
	acked  []acknowledged
	enough chan struct{}
}

func (l *ackLog) add(a acknowledged) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.acked = append(l.acked, a)
	if len(l.acked) == shutdownClients {
		close(l.enough)
	}
}

// TestServeSIGTERMKeepsEveryAcknowledgedDecision sends SIGTERM to
// "instruct serve" while 20 clients post decisions: the server exits 0,
// and after a restart on the same database every decision it answered
// 201 is there, exactly once, as the event it acknowledged.
func TestServeSIGTERMKeepsEveryAcknowledgedDecision(t *testing.T) {
	srv := runDemoServer(t)
	admin := srv.client(t, demo.AdminID)
	pool := append(listRequests(t, admin, instruct.StatusSubmitted, ""),
		listRequests(t, admin, instruct.StatusChangesRequested, "")...)
	work := make(chan instruct.Request, len(pool))
	for _, r := range pool {
		work <- r
	}
	close(work)

	log := &ackLog{enough: make(chan struct{})}
	poster := client.New(srv.URL, srv.token(t, demo.AdminID), client.Options{MaxRetries: -1})
	var wg sync.WaitGroup
	for range shutdownClients {
		wg.Go(func() {
			for r := range work {
				if !decideChain(t, poster, r, log) {
					return
				}
			}
		})
	}
	select {
	case <-log.enough:
	case <-time.After(time.Minute):
		t.Fatalf("fewer than %d decisions acknowledged in a minute", shutdownClients)
	}
	code := srv.stop(t)
	wg.Wait()
	if code != 0 {
		t.Errorf("serve exited %d after SIGTERM, want 0", code)
	}
	if want := len(pool) * len(decisionChain()); len(log.acked) == want {
		t.Fatalf("all %d decisions were acknowledged before the server stopped: SIGTERM came too late to test anything", want)
	}
	t.Logf("%d of %d decisions acknowledged before the server stopped", len(log.acked), len(pool)*len(decisionChain()))

	restarted, err := startServerAt(t, srv.addr, srv.db, false)
	if err != nil {
		t.Fatalf("restart the server on %s: %v", srv.db, err)
	}
	reader := restarted.clientWith(srv.token(t, demo.AdminID))
	for _, a := range log.acked {
		evs := eventsOf(t, reader, a.id)
		if n := countEvents(evs, a.kind, a.comment); n != 1 || !hasSeq(evs, a.seq) {
			t.Errorf("%s of %s acknowledged as event %d: on the server %d times (that seq there: %v), want exactly once",
				a.kind, a.id, a.seq, n, hasSeq(evs, a.seq))
		}
	}
}

// decideChain posts the decisions of decisionChain on r, each on the
// version the previous one returned; it reports false once the server no
// longer answers, and fails the test on any other error.
func decideChain(t *testing.T, c *client.Client, r instruct.Request, log *ackLog) bool {
	version := r.Version
	for _, kind := range decisionChain() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		comment := fmt.Sprintf("%s de %s pendant l'arrêt du serveur.", kind, r.ID)
		res, err := c.Decide(ctx, uuid.Must(uuid.NewV7()).String(), r.ID, version,
			api.DecisionInput{Kind: kind, Comment: comment})
		cancel()
		if err != nil {
			// A stopping server answers, or refuses the connection, or
			// says it is unavailable; it never fails a decision.
			if instruct.ErrorCode(err) != instruct.CodeUnavailable {
				t.Errorf("%s of %s while the server stops: %v", kind, r.ID, err)
			}
			return false
		}
		log.add(acknowledged{id: r.ID, kind: kind, comment: comment, seq: res.Event.Seq})
		version = res.Request.Version
	}
	return true
}

func hasSeq(evs []instruct.Event, seq int64) bool {
	for _, e := range evs {
		if e.Seq == seq {
			return true
		}
	}
	return false
}
