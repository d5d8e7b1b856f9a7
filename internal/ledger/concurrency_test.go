package ledger

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

func testConcurrentSameVersion(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	submitted := f.do(r, instruct.KindSubmit, "").Request
	const reviewers = 16
	errs := make([]error, reviewers)
	var wg sync.WaitGroup
	for i := range reviewers {
		m := f.mutation(submitted, instruct.KindApprove, "")
		m.IdempotencyKey, m.Fingerprint = fmt.Sprintf("reviewer-%d", i), "approve"
		wg.Go(func() { _, errs[i] = f.l.Apply(f.ctx, m) })
	}
	wg.Wait()
	won, stale := 0, 0
	for _, err := range errs {
		var s *instruct.StaleError
		switch {
		case err == nil:
			won++
		case errors.As(err, &s):
			stale++
			if s.Current.Version != submitted.Version+1 || len(s.EventsSince) != 1 {
				t.Errorf("stale answer = version %d with %d events since, want %d with the winning approval",
					s.Current.Version, len(s.EventsSince), submitted.Version+1)
			}
		default:
			t.Errorf("Apply() = %v, want success or stale_version", err)
		}
	}
	if won != 1 || stale != reviewers-1 {
		t.Errorf("%d reviewers approving version %d: %d won, %d stale, want 1 and %d", reviewers, submitted.Version, won, stale, reviewers-1)
	}
	events, _ := f.l.Events(f.ctx, r.ID)
	approvals := 0
	for _, e := range events {
		if e.Kind == instruct.KindApprove {
			approvals++
		}
	}
	if approvals != 1 {
		t.Errorf("approve events = %d, want exactly 1", approvals)
	}
}

func testApplyPanic(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	m := f.mutation(r, instruct.KindSubmit, "")
	m.Change = instruct.ChangeFunc(func(r *instruct.Request) (instruct.Event, bool, error) {
		r.Status = instruct.StatusValidated
		panic("a faulty change")
	})
	if _, err := f.l.Apply(f.ctx, m); err == nil {
		t.Fatalf("Apply(panicking change) = nil error, want an error")
	}
	got := f.do(r, instruct.KindSubmit, "")
	if got.Event.Seq != 2 || got.Request.Version != 2 {
		t.Errorf("Apply() after a panicking change = seq %d version %d, want 2 and 2: nothing of the panic kept", got.Event.Seq, got.Request.Version)
	}
}

func testApplyCancelled(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	_, err := f.l.Apply(ctx, f.mutation(r, instruct.KindSubmit, ""))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Apply(cancelled context) = %v, want context.Canceled", err)
	}
	if last, _ := f.l.LastSeq(f.ctx); last != 1 {
		t.Errorf("LastSeq() after a cancelled Apply = %d, want 1", last)
	}
}

func testApplyAfterClose(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	if err := f.l.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	done := make(chan error, 1)
	go func() { _, err := f.l.Apply(f.ctx, f.mutation(r, instruct.KindSubmit, "")); done <- err }()
	select {
	case err := <-done:
		if err == nil {
			t.Errorf("Apply() after Close = nil error, want an error")
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("Apply() after Close did not return")
	}
}

// testApplyFailingWrite makes the write of an event fail (a row already
// holds its seq): Apply must fail with nothing of it kept.
func testApplyFailingWrite(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.create("api_particulier", "Cantine")
	exec(t, f.l, `INSERT INTO events (seq, request_number, kind, version, at, prev_hash, hash, body) VALUES (2, 1000, 'note', 1, 0, '', '', '{}')`)
	if _, err := f.l.Apply(f.ctx, f.mutation(r, instruct.KindSubmit, "")); err == nil {
		t.Fatalf("Apply() with its event's seq taken = nil error, want an error")
	}
	got, _, _ := f.l.Request(f.ctx, r.ID)
	if last, _ := f.l.LastSeq(f.ctx); got.Version != 1 || got.Status != instruct.StatusDraft || last != 1 {
		t.Errorf("after a failed write: version %d, %s, last seq %d; want 1, draft, 1", got.Version, got.Status, last)
	}
}
