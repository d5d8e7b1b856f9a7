package ledger

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// openSQLiteTest opens a new ledger in a file of the test's directory.
func openSQLiteTest(t *testing.T) *Ledger {
	t.Helper()
	l, err := Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestSQLiteConformance(t *testing.T) {
	runConformance(t, openSQLiteTest)
}

func TestSQLitePragmas(t *testing.T) {
	l := openSQLiteTest(t)
	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"synchronous", "2"}, // FULL
		{"foreign_keys", "1"},
		{"busy_timeout", "10000"},
	}
	for _, pool := range []struct {
		name string
		q    querier
	}{{"writer", l.writer}, {"reader", l.reader}} {
		for _, tc := range tests {
			var got string
			if err := pool.q.QueryRowContext(context.Background(), "PRAGMA "+tc.pragma).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("%s: PRAGMA %s = %s, want %s", pool.name, tc.pragma, got, tc.want)
			}
		}
	}
}

func TestSQLiteReplayAfterReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, l: l, ctx: ctx, clock: t0}
	r := f.do(f.create("api_particulier", "Cantine"), instruct.KindSubmit, "").Request
	m := f.mutation(r, instruct.KindApprove, "Conforme.")
	m.IdempotencyKey, m.Fingerprint = "key-restart", "fp"
	first, err := l.Apply(ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	l, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("Open() again = %v", err)
	}
	defer l.Close()
	again, err := l.Apply(ctx, m)
	if err != nil || !again.Replayed || again.Event.Seq != first.Event.Seq || again.Request.Version != first.Request.Version {
		t.Errorf("Apply() after re-Open = %+v, %v, want a replay of %+v", again, err, first)
	}
	if last, _ := l.LastSeq(ctx); last != 3 {
		t.Errorf("LastSeq() after the replay = %d, want 3: nothing applied twice", last)
	}
}

func TestSQLiteRefusesPathWithQuery(t *testing.T) {
	if _, err := Open(context.Background(), filepath.Join(t.TempDir(), "x.db?_pragma=foo")); err == nil {
		t.Errorf("Open(path with '?') succeeded, want an error")
	}
}
