package ledger

import (
	"errors"
	"fmt"
	"sync"
	"testing"

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
	events, _ := f.l.Events(f.ctx, number(t, r))
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
