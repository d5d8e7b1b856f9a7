package ledger

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// testSharedDatabase runs two ledgers on one database, as several server
// instances do: reviewers deciding the same version through either must
// end with exactly one decision, and the log must stay one intact chain.
func testSharedDatabase(t *testing.T, a, b *Ledger) {
	f := &fixture{t: t, l: a, ctx: context.Background(), clock: t0}
	r := f.do(f.create("api_particulier", "Cantine"), instruct.KindSubmit, "").Request
	const perInstance = 8
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, stale := 0, 0
	for i := range 2 * perInstance {
		l := []*Ledger{a, b}[i%2]
		m := f.mutation(r, instruct.KindApprove, "")
		m.IdempotencyKey, m.Fingerprint = fmt.Sprintf("instance-%d", i), "approve"
		wg.Go(func() {
			_, err := l.Apply(f.ctx, m)
			var s *instruct.StaleError
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				won++
			case errors.As(err, &s):
				stale++
			default:
				t.Errorf("Apply() = %v, want success or stale_version", err)
			}
		})
	}
	wg.Wait()
	if won != 1 || stale != 2*perInstance-1 {
		t.Errorf("%d reviewers on two instances: %d won, %d stale, want 1 and %d", 2*perInstance, won, stale, 2*perInstance-1)
	}
	note := f.do(r, instruct.KindNote, "Sur la première instance.")
	f.l = b
	other := f.do(f.create("api_particulier", "Transport"), instruct.KindNote, "Sur la seconde.")
	if other.Event.Seq != note.Event.Seq+2 {
		t.Errorf("seqs across instances: %d then %d, want one sequence", note.Event.Seq, other.Event.Seq)
	}
	for _, l := range []*Ledger{a, b} {
		if v, err := l.Verify(f.ctx); err != nil || !v.OK() || v.Checked != other.Event.Seq {
			t.Errorf("Verify() = %+v, %v, want %d intact events", v, err, other.Event.Seq)
		}
	}
}

func TestSQLiteSharedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	var ls []*Ledger
	for range 2 {
		l, err := Open(context.Background(), path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		ls = append(ls, l)
	}
	testSharedDatabase(t, ls[0], ls[1])
}

func TestPostgresSharedDatabase(t *testing.T) {
	dsn := postgresSchema(t)
	var ls []*Ledger
	for range 2 {
		l, err := OpenPostgres(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		ls = append(ls, l)
	}
	testSharedDatabase(t, ls[0], ls[1])
}
