package store

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store/storetest"
)

// largeCache copies to path a real cache larger than fullCheckLimit, so
// that Open checks only its outbox, meta and catalogue, with one pending
// refusal; it returns the refusal. The cache is written once per run.
func largeCache(t *testing.T, path string) instruct.Operation {
	t.Helper()
	large.once.Do(func() {
		dir, err := os.MkdirTemp("", "instruct-large-cache-")
		if err != nil {
			large.err = err
			return
		}
		large.path = filepath.Join(dir, "instruct.db")
		large.op, large.err = writeLargeCache(large.path)
	})
	if large.err != nil {
		t.Fatal(large.err)
	}
	copyFile(t, large.path, path)
	return large.op
}

// large is the cache largeCache copies, written once per run.
var large struct {
	once sync.Once
	path string
	op   instruct.Operation
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if large.path != "" {
		os.RemoveAll(filepath.Dir(large.path))
	}
	os.Exit(code)
}

// writeLargeCache writes the cache largeCache copies.
func writeLargeCache(path string) (instruct.Operation, error) {
	ctx := context.Background()
	s, err := Open(ctx, path)
	if err != nil {
		return instruct.Operation{}, err
	}
	defer s.Close()
	long := strings.Repeat("Calcul du tarif de la cantine à partir du quotient familial. ", 160)
	for page := range 4 {
		reqs := make([]instruct.Request, 500)
		for i := range reqs {
			reqs[i] = request(instruct.RequestID(page*500+i+1), "Ville de Lyon", i%50)
			reqs[i].Description = long
		}
		if err := s.ApplyPage(ctx, feed(reqs...), fmt.Sprint(page)); err != nil {
			return instruct.Operation{}, err
		}
	}
	op, err := s.Record(ctx, 1, instruct.KindRefuse, "Le cadre juridique ne couvre pas les données.")
	if err != nil {
		return op, err
	}
	if err := s.Close(); err != nil {
		return op, err
	}
	if info, err := os.Stat(path); err != nil || info.Size() <= fullCheckLimit {
		return op, fmt.Errorf("the large cache is %v bytes (%v), want more than %d", info.Size(), err, fullCheckLimit)
	}
	return op, nil
}

// TestDamageFoundWhenReadIsHealed damages the requests of a cache too
// large to be checked whole at Open: the damage shows when the queue is
// read, as a damaged-cache error, and Heal moves the file aside, keeps
// the pending refusal and leaves a fresh cache that the next sync fills.
func TestDamageFoundWhenReadIsHealed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "instruct.db")
	op := largeCache(t, path)
	storetest.DamageLeaves(t, path, "requests", 10, 4)
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	defer s.Close()
	if s.Recovery() != nil {
		t.Fatalf("Open() replaced the cache already (%s); this test needs damage found later", s.Recovered())
	}
	if rec, err := s.Heal(ctx); rec != nil || err != nil {
		t.Errorf("Heal() before any damage was found = %+v, %v, want nothing done", rec, err)
	}
	_, err = s.Queue(ctx, instruct.QueueQuery{})
	if !errors.Is(err, instruct.ErrCacheDamaged) {
		t.Fatalf("Queue() over damaged pages = %v, want a damaged-cache error", err)
	}

	rec, err := s.Heal(ctx)
	if err != nil || rec == nil {
		t.Fatalf("Heal() = %+v, %v, want the cache replaced", rec, err)
	}
	if rec.Problem != instruct.CacheDamaged || rec.Saved != 1 || rec.Lost != 0 || !strings.Contains(rec.MovedTo, ".broken-") {
		t.Errorf("Heal() = %+v, want damaged, 1 saved, 0 lost, and where the file went", rec)
	}
	if msg := s.Recovered(); !strings.Contains(msg, rec.MovedTo) || !strings.Contains(msg, "1 saved, 0 could not be read") {
		t.Errorf("Recovered() = %q, want where the file went and what was kept", msg)
	}
	if moved, err := os.Stat(rec.MovedTo); err != nil || !os.SameFile(moved, before) {
		t.Errorf("%s is not the damaged file (%v)", rec.MovedTo, err)
	}
	if pending, err := s.Pending(ctx); err != nil || len(pending) != 1 || pending[0].ID != op.ID || pending[0].Comment != op.Comment {
		t.Errorf("Pending() after Heal = %+v, %v, want the refusal %s", pending, err, op.ID)
	}
	checkWorks(t, s)
	if rec, err := s.Heal(ctx); rec != nil || err != nil {
		t.Errorf("Heal() again = %+v, %v, want nothing more done", rec, err)
	}
}

// TestHealWaitsForTheOtherProcess opens one damaged cache twice, as the
// TUI and `instruct sync` would. The first to find the damage can't move
// the file while the other has it open; once the other finds it too and
// lets go, one replaces it and the other takes the fresh file, and each
// says how it was replaced. The refusal is kept once.
func TestHealWaitsForTheOtherProcess(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "instruct.db")
	op := largeCache(t, path)
	storetest.DamageLeaves(t, path, "requests", 10, 4)
	a, b := mustOpen(t, path), mustOpen(t, path)

	if _, err := a.Queue(ctx, instruct.QueueQuery{}); !errors.Is(err, instruct.ErrCacheDamaged) {
		t.Fatalf("a.Queue() = %v, want a damaged-cache error", err)
	}
	healed := make(chan error, 1)
	go func() {
		_, err := a.Heal(ctx)
		healed <- err
	}()
	time.Sleep(500 * time.Millisecond)
	if entries, _ := filepath.Glob(path + ".broken-*"); len(entries) != 0 {
		t.Fatalf("a moved the cache aside while b had it open: %v", entries)
	}
	if _, err := b.Queue(ctx, instruct.QueueQuery{}); !errors.Is(err, instruct.ErrCacheDamaged) {
		t.Fatalf("b.Queue() = %v, want a damaged-cache error", err)
	}
	recB, errB := b.Heal(ctx)
	if err := <-healed; err != nil || errB != nil {
		t.Fatalf("Heal() = %v and %v, want both done", err, errB)
	}
	recA := a.Recovery()
	if recA == nil || recB == nil || recA.MovedTo != recB.MovedTo || recA.Saved != 1 || recB.Saved != 1 {
		t.Errorf("recoveries = %+v and %+v, want the same replacement, with 1 saved", recA, recB)
	}
	for name, s := range map[string]*Store{"a": a, "b": b} {
		if pending, err := s.Pending(ctx); err != nil || len(pending) != 1 || pending[0].ID != op.ID {
			t.Errorf("%s.Pending() = %+v, %v, want the refusal once", name, pending, err)
		}
	}
}

// TestHealNeverMovesAFileInUse keeps a second Store on a damaged cache
// open, and busy writing, while the first tries to heal: the file is not
// moved, the first Store's calls say the cache is damaged and in use, and
// the second Store's decision stays in the file.
func TestHealNeverMovesAFileInUse(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "instruct.db")
	largeCache(t, path)
	storetest.DamageLeaves(t, path, "requests", 10, 4)
	a, b := mustOpen(t, path), mustOpen(t, path)
	if _, err := a.Queue(ctx, instruct.QueueQuery{}); !errors.Is(err, instruct.ErrCacheDamaged) {
		t.Fatalf("a.Queue() = %v, want a damaged-cache error", err)
	}
	short, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if rec, err := a.Heal(short); err == nil || !errors.Is(err, instruct.ErrCacheDamaged) || !strings.Contains(err.Error(), "still has it open") {
		t.Fatalf("Heal() beside an open Store = %+v, %v, want a damaged-cache error saying it is in use", rec, err)
	}
	if entries, _ := filepath.Glob(path + ".broken-*"); len(entries) != 0 {
		t.Fatalf("Heal() moved the cache aside while b had it open: %v", entries)
	}
	if _, err := a.Pending(ctx); !errors.Is(err, instruct.ErrCacheDamaged) {
		t.Errorf("a.Pending() after a failed Heal = %v, want a damaged-cache error", err)
	}
	op := mustRecord(t, b, 2, instruct.KindApprove, "")
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	rec, err := a.Heal(ctx)
	if err != nil || rec == nil || rec.Saved != 2 {
		t.Fatalf("Heal() once b closed = %+v, %v, want the cache replaced with both decisions", rec, err)
	}
	if got := pendingIDs(t, a); !got[op.ID] {
		t.Errorf("Pending() = %v, want b's approval %s kept", got, op.ID)
	}
}

// TestDamagedHeaderKeepsTheOutbox damages the start of the file, where
// SQLite keeps its header and schema, in several ways: the outbox, whose
// pages are intact, is read from the pages themselves, also a long
// refusal whose comment runs over several pages and a decision still in
// the write-ahead log of a process that crashed.
func TestDamagedHeaderKeepsTheOutbox(t *testing.T) {
	long := strings.Repeat("La base légale citée ne couvre pas le quotient familial ; ", 150)
	tests := []struct {
		name string
		// damage writes junk over the file at path.
		damage func(t *testing.T, path string)
		crash  bool
	}{
		{"header", func(t *testing.T, path string) { overwrite(t, path, 0, 100) }, false},
		{"first page", func(t *testing.T, path string) { overwrite(t, path, 0, 4096) }, false},
		{"first page, log of a crash", func(t *testing.T, path string) { overwrite(t, path, 0, 4096) }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			dir := t.TempDir()
			path := filepath.Join(dir, "instruct.db")
			s := mustOpen(t, path)
			var reqs []instruct.Request
			for i := range 300 {
				reqs = append(reqs, request(instruct.RequestID(i+1), "Ville de Lyon", i%50))
			}
			mustApply(t, s, reqs...)
			want := map[string]bool{}
			for _, c := range []struct {
				id      instruct.RequestID
				kind    instruct.Kind
				comment string
			}{{7, instruct.KindRefuse, long}, {8, instruct.KindApprove, ""}, {9, instruct.KindNote, "Appel au DPO prévu lundi."}} {
				want[mustRecord(t, s, c.id, c.kind, c.comment).ID] = true
			}
			if tt.crash {
				path = copyAsCrashed(t, path, filepath.Join(t.TempDir(), "crashed.db"))
			} else if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			tt.damage(t, path)

			s2, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("Open() = %v", err)
			}
			defer s2.Close()
			rec := s2.Recovery()
			if rec == nil || rec.Saved != 3 || rec.Lost != 0 {
				t.Fatalf("Recovery() = %+v, want the cache replaced with 3 saved, 0 lost", rec)
			}
			pending, err := s2.Pending(ctx)
			if err != nil || len(pending) != 3 {
				t.Fatalf("Pending() = %d operations, %v, want 3", len(pending), err)
			}
			for _, op := range pending {
				if !want[op.ID] || (op.RequestID == 7 && op.Comment != long) {
					t.Errorf("Pending() holds %s on %s (comment %d bytes), not one of those recorded whole", op.ID, op.RequestID, len(op.Comment))
				}
			}
		})
	}
}

// overwrite writes n junk bytes at off in the file at path.
func overwrite(t *testing.T, path string, off, n int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteAt([]byte(strings.Repeat("\x5a", int(n))), off); err != nil {
		t.Fatal(err)
	}
}

// copyAsCrashed copies the cache at path and its write-ahead log, as
// they stand while a Store has them open, to dst, as a process killed
// then would leave them; it returns dst.
func copyAsCrashed(t *testing.T, path, dst string) string {
	t.Helper()
	if info, err := os.Stat(path + "-wal"); err != nil || info.Size() == 0 {
		t.Fatalf("no write-ahead log beside the open cache: %v", err)
	}
	for _, suffix := range []string{"", "-wal"} {
		copyFile(t, path+suffix, dst+suffix)
	}
	return dst
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
}

func mustOpen(t *testing.T, path string) *Store {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%s) = %v", path, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func pendingIDs(t *testing.T, s *Store) map[string]bool {
	t.Helper()
	ops, err := s.Pending(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, op := range ops {
		ids[op.ID] = true
	}
	return ids
}

// TestFullDiskIsSaidSo lets the cache grow no further, as a full disk
// would: a feed page that doesn't fit fails with a disk-full error in
// those words, and the decision recorded before is still there.
func TestFullDiskIsSaidSo(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	mustApply(t, s, request(1, "Ville de Lyon", 3))
	op := mustRecord(t, s, 1, instruct.KindApprove, "")
	var pages int64
	if err := s.write.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.write.ExecContext(ctx, fmt.Sprintf("PRAGMA max_page_count = %d", pages+2)); err != nil {
		t.Fatal(err)
	}
	var reqs []instruct.Request
	for i := range 500 {
		reqs = append(reqs, request(instruct.RequestID(i+100), "Commune de Brest", i%40))
	}
	err := s.ApplyPage(ctx, feed(reqs...), "500")
	if !errors.Is(err, instruct.ErrDiskFull) || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("ApplyPage() on a full disk = %v, want a disk-full error in those words", err)
	}
	if errors.Is(err, instruct.ErrCacheDamaged) {
		t.Errorf("ApplyPage() on a full disk = %v, want it not taken for damage", err)
	}
	if got := pendingIDs(t, s); !got[op.ID] {
		t.Errorf("Pending() after a full disk = %v, want the approval %s", got, op.ID)
	}
}
