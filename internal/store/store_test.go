package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestDurabilityPerTransaction checks that a decision commits with
// synchronous=FULL and foreign keys checked even right after a feed page
// (NORMAL) or a reset (no foreign keys) on the same connection.
func TestDurabilityPerTransaction(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	level := func() int {
		var n int
		if err := s.write.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	mustApply(t, s, request(1042, "Ville de Lyon", 12))
	if got := level(); got != 1 {
		t.Errorf("synchronous after ApplyPage = %d, want 1 (NORMAL)", got)
	}
	if err := s.ResetFeed(ctx); err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, request(1042, "Ville de Lyon", 12))
	mustRecord(t, s, 1042, instruct.KindApprove, "")
	if got := level(); got != 2 {
		t.Errorf("synchronous after Record = %d, want 2 (FULL)", got)
	}
	var fk int
	if err := s.write.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys after ResetFeed and Record = %d, %v, want 1", fk, err)
	}
}

// TestConcurrentWriters records from two processes' worth of stores and
// goroutines at once: the write lock is waited for, never an error.
func TestConcurrentWriters(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cache.db")
	var stores []*Store
	for range 2 {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		stores = append(stores, s)
	}
	var reqs []instruct.Request
	for i := range 40 {
		reqs = append(reqs, request(instruct.RequestID(i+1), "Ville de Lyon", i))
	}
	mustApply(t, stores[0], reqs...)
	var wg sync.WaitGroup
	errs := make(chan error, len(reqs)+2)
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := stores[i%2].Record(ctx, r.ID, instruct.KindApprove, "")
			errs <- err
		}()
	}
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- stores[i].ApplyPage(ctx, feed(request(instruct.RequestID(100+i), "CCAS de Brest", 1)), fmt.Sprint(i))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent write = %v, want none", err)
		}
	}
	for i, s := range stores {
		pending, err := s.Pending(ctx)
		if err != nil || len(pending) != len(reqs) {
			t.Errorf("store %d: Pending() = %d operations, %v, want %d", i, len(pending), err, len(reqs))
		}
		counts, err := s.Counts(ctx, instruct.QueueQuery{})
		if err != nil || counts[instruct.StatusValidated] != len(reqs) || counts[instruct.StatusSubmitted] != 2 {
			t.Errorf("store %d: Counts() = %v, %v, want %d validated and 2 submitted", i, counts, err, len(reqs))
		}
	}
}
