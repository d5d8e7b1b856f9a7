package ledger

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// changeWait bounds how long a test waits for an expected notification;
// it only delays a failure, never decides a pass.
const changeWait = 10 * time.Second

// openPostgresPair opens two ledgers on one new schema, as two server
// instances sharing a database.
func openPostgresPair(t *testing.T) (*Ledger, *Ledger) {
	t.Helper()
	dsn := postgresSchema(t)
	pair := make([]*Ledger, 2)
	for i := range pair {
		l, err := OpenPostgres(context.Background(), dsn)
		if err != nil {
			t.Fatalf("OpenPostgres() = %v", err)
		}
		t.Cleanup(func() { l.Close() })
		pair[i] = l
	}
	return pair[0], pair[1]
}

// waitClosed reports whether ch is closed before changeWait.
func waitClosed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	case <-time.After(changeWait):
		return false
	}
}

// TestPostgresChangedHearsOtherInstances: a decision and a new request
// committed through one ledger wake those waiting on another ledger of
// the same database.
func TestPostgresChangedHearsOtherInstances(t *testing.T) {
	a, b := openPostgresPair(t)
	f := &fixture{t: t, l: b, ctx: context.Background(), clock: t0}
	created := a.Changed()
	r := f.create("api_particulier", "Cantine")
	if !waitClosed(created) {
		t.Fatalf("Changed() never closed after another ledger created %s", r.ID)
	}
	decided := a.Changed()
	select {
	case <-decided:
		t.Fatalf("Changed() after a change returned a channel already closed")
	default:
	}
	f.do(r, instruct.KindSubmit, "")
	if !waitClosed(decided) {
		t.Fatalf("Changed() never closed after another ledger submitted %s", r.ID)
	}
}

// TestPostgresListenerReconnects: when the listening connection is
// killed, the ledger connects again, wakes its waiters (changes may have
// been missed meanwhile), and hears the next changes.
func TestPostgresListenerReconnects(t *testing.T) {
	a, b := openPostgresPair(t)
	pid := a.changes.pid.Load()
	lost := a.Changed()
	var killed bool
	err := b.writer.QueryRowContext(context.Background(), `SELECT pg_terminate_backend($1, 10000)`, int64(pid)).Scan(&killed)
	if err != nil || !killed {
		t.Fatalf("pg_terminate_backend(%d) = %v, %v", pid, killed, err)
	}
	if !waitClosed(lost) {
		t.Fatalf("Changed() never closed after the listening connection was killed")
	}
	if now := a.changes.pid.Load(); now == pid {
		t.Fatalf("the listener still uses backend %d, which was killed", pid)
	}
	next := a.Changed()
	f := &fixture{t: t, l: b, ctx: context.Background(), clock: t0}
	r := f.create("api_particulier", "Cantine")
	if !waitClosed(next) {
		t.Fatalf("Changed() never closed after reconnecting and another ledger created %s", r.ID)
	}
}

// TestChangedIsNilOnSQLite: the SQLite ledger has no other writer to
// hear from, so the server keeps to polling.
func TestChangedIsNilOnSQLite(t *testing.T) {
	l, err := Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if ch := l.Changed(); ch != nil {
		t.Errorf("Changed() on SQLite = %v, want nil", ch)
	}
}

func TestListenerOurs(t *testing.T) {
	ls := &listener{schema: "ledger_a"}
	tests := []struct {
		name    string
		payload string
		want    bool
	}{
		{"own schema", "ledger_a:42", true},
		{"other schema", "ledger_b:42", false},
		{"schema sharing a prefix", "ledger_ab:42", false},
		{"schema holding a colon", "ledger:a:42", false},
		{"no seq", "ledger_a", false},
		{"empty", "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ls.ours(tc.payload); got != tc.want {
				t.Errorf("ours(%q) = %v, want %v", tc.payload, got, tc.want)
			}
		})
	}
}
