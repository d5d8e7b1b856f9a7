package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// cacheWithOutbox writes a real cache at path holding requests and one
// pending refusal, closes it and returns the refusal.
func cacheWithOutbox(t *testing.T, path string, requests int) instruct.Operation {
	t.Helper()
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	op := instruct.Operation{}
	for page := 0; page*100 < requests; page++ {
		var reqs []instruct.Request
		for i := page * 100; i < min(requests, (page+1)*100); i++ {
			reqs = append(reqs, request(instruct.RequestID(i+1), "Ville de Lyon", i%50))
		}
		mustApply(t, s, reqs...)
	}
	op = mustRecord(t, s, 1, instruct.KindRefuse, "Le cadre juridique ne couvre pas les données.")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return op
}

func execSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range stmts {
		if _, err := db.Exec(stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
}

func TestOpenReplacesBrokenCache(t *testing.T) {
	tests := []struct {
		name string
		// make writes the bad file at path and returns the operation
		// that must be salvaged, if any.
		make func(t *testing.T, path string) *instruct.Operation
		want string // in Recovered()
	}{
		{"foreign SQLite database", func(t *testing.T, path string) *instruct.Operation {
			execSQL(t, path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)", "INSERT INTO notes (body) VALUES ('courses')")
			return nil
		}, "another program"},
		{"garbage bytes", func(t *testing.T, path string) *instruct.Operation {
			garbage := make([]byte, 8192)
			rng := rand.New(rand.NewPCG(1, 2))
			for i := range garbage {
				garbage[i] = byte(rng.Uint32())
			}
			writeFile(t, path, garbage)
			return nil
		}, "not an SQLite database"},
		{"empty file", func(t *testing.T, path string) *instruct.Operation {
			writeFile(t, path, nil)
			return nil
		}, "empty"},
		{"schema never finished", func(t *testing.T, path string) *instruct.Operation {
			op := cacheWithOutbox(t, path, 3)
			execSQL(t, path, "PRAGMA user_version = 0")
			return &op
		}, "incomplete"},
		{"truncated cache", func(t *testing.T, path string) *instruct.Operation {
			op := cacheWithOutbox(t, path, 600)
			info, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(path, info.Size()*6/10); err != nil {
				t.Fatal(err)
			}
			return &op
		}, "truncated"},
		{"damaged pages", func(t *testing.T, path string) *instruct.Operation {
			op := cacheWithOutbox(t, path, 600)
			damage(t, path)
			return &op
		}, "damaged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "instruct.db")
			kept := tt.make(t, path)
			before, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			s, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("Open() = %v, want a fresh cache", err)
			}
			defer s.Close()
			msg := s.Recovered()
			if !strings.Contains(msg, tt.want) || !strings.Contains(msg, ".broken-") || strings.Contains(msg, "\n") {
				t.Errorf("Recovered() = %q, want one line saying %q and where the file went", msg, tt.want)
			}
			checkMovedAside(t, path, before)
			pending, err := s.Pending(ctx)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case kept == nil && len(pending) != 0:
				t.Errorf("Pending() = %+v, want nothing from a file that was not a cache", pending)
			case kept != nil && (len(pending) != 1 || pending[0].ID != kept.ID || pending[0].Comment != kept.Comment):
				t.Errorf("Pending() = %+v, want the salvaged refusal %s (Recovered: %q)", pending, kept.ID, msg)
			case kept != nil && !strings.Contains(msg, "1 saved, 0 could not be read"):
				t.Errorf("Recovered() = %q, want it to say the refusal was kept", msg)
			}
			checkWorks(t, s)
		})
	}
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// damage overwrites pages in the middle of the file, leaving the header,
// the schema and the small tables created first intact.
func damage(t *testing.T, path string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, _ := f.Stat()
	junk := []byte(strings.Repeat("\xde\xad\xbe\xef", 4096))
	if _, err := f.WriteAt(junk, info.Size()/2/4096*4096); err != nil {
		t.Fatal(err)
	}
}

// checkMovedAside checks that the old file sits next to path, whole.
func checkMovedAside(t *testing.T, path string, before []byte) {
	t.Helper()
	moved, _ := filepath.Glob(path + ".broken-*")
	var found bool
	for _, m := range moved {
		if b, err := os.ReadFile(m); err == nil && string(b) == string(before) {
			found = true
		}
	}
	if !found {
		t.Errorf("no %s.broken-* holds the old file (found %v)", filepath.Base(path), moved)
	}
}

// checkWorks checks that s is an empty, working cache.
func checkWorks(t *testing.T, s *Store) {
	t.Helper()
	ctx := context.Background()
	if c, err := s.Cursor(ctx); err != nil || c != "" {
		t.Errorf("Cursor() = %q, %v, want \"\" so the next sync pulls everything", c, err)
	}
	mustApply(t, s, request(1042, "Ville de Lyon", 12))
	mustRecord(t, s, 1042, instruct.KindApprove, "")
	if it := queueItem(t, s, 1042); it.Status != instruct.StatusValidated {
		t.Errorf("Queue() D1042 = %s, want validated", it.Status)
	}
	if items, err := s.Queue(ctx, instruct.QueueQuery{Text: "lyon"}); err != nil || len(items) != 1 {
		t.Errorf("Queue(lyon) = %v, %v, want D1042", ids(items), err)
	}
}

func TestOpenCreatesPrivateFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cache", "instruct")
	path := filepath.Join(dir, "api.example.gouv.fr-marie.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, s, request(1042, "Ville de Lyon", 12))
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		want os.FileMode
	}{{dir, 0o700 | os.ModeDir}, {path, 0o600}} {
		info, err := os.Stat(c.path)
		if err != nil || info.Mode() != c.want {
			t.Errorf("mode of %s = %v, %v, want %v", c.path, info.Mode(), err, c.want)
		}
	}
	// A cache left readable by others is narrowed when opened.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if info, _ := os.Stat(path); info.Mode() != 0o600 {
		t.Errorf("mode after reopening = %v, want 0600", info.Mode())
	}
	if s.Recovered() != "" {
		t.Errorf("Recovered() = %q, want \"\" for a good cache", s.Recovered())
	}
}

func TestOpenDirectoryFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "instruct.db")
	if err := os.Mkdir(path, 0o700); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(context.Background(), path); err == nil {
		s.Close()
		t.Errorf("Open(a directory) = nil error, want one (nothing to move aside)")
	}
}

// TestOpenBrokenCacheTwiceAtOnce opens the same broken cache from two
// places at once, as the TUI and a headless sync might: both get a
// working cache and the salvaged refusal is kept once.
func TestOpenBrokenCacheTwiceAtOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "instruct.db")
	op := cacheWithOutbox(t, path, 3)
	execSQL(t, path, "PRAGMA user_version = 0")
	stores := make([]*Store, 2)
	errs := make([]error, 2)
	done := make(chan int)
	for i := range stores {
		go func() {
			stores[i], errs[i] = Open(ctx, path)
			done <- i
		}()
	}
	<-done
	<-done
	for i, err := range errs {
		if err != nil {
			t.Fatalf("Open() #%d = %v", i, err)
		}
		defer stores[i].Close()
	}
	for i, s := range stores {
		pending, err := s.Pending(ctx)
		if err != nil || len(pending) != 1 || pending[0].ID != op.ID {
			t.Errorf("store %d: Pending() = %+v, %v, want the refusal once", i, pending, err)
		}
	}
}

// TestOpenBesideAWriterNeverMovesTheCache opens the cache again and again
// while another Store on the same file writes, checkpoints and closes, as
// `instruct decide` does next to a running `instruct sync`. A healthy cache
// in use by someone else must never be judged broken and moved aside.
func TestOpenBesideAWriterNeverMovesTheCache(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.db")
	cacheWithOutbox(t, path, 200)
	stop := make(chan struct{})
	writerDone := make(chan error, 1)
	go func() { writerDone <- writeAndCloseUntil(stop, path) }()

	deadline := time.Now().Add(3 * time.Second)
	for opens := 0; time.Now().Before(deadline); opens++ {
		s, err := Open(context.Background(), path)
		if err != nil {
			t.Fatalf("open %d: %v", opens, err)
		}
		msg := s.Recovered()
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		if msg != "" {
			t.Fatalf("open %d beside a writer moved a healthy cache aside: %s", opens, msg)
		}
	}
	close(stop)
	if err := <-writerDone; err != nil {
		t.Fatal(err)
	}
}

// writeAndCloseUntil opens the cache, writes enough to grow the file and
// closes it (its last connection checkpoints and removes the log), over
// and over until stop is closed.
func writeAndCloseUntil(stop <-chan struct{}, path string) error {
	ctx := context.Background()
	for n := int64(1000); ; n += 50 {
		select {
		case <-stop:
			return nil
		default:
		}
		s, err := Open(ctx, path)
		if err != nil {
			return err
		}
		if msg := s.Recovered(); msg != "" {
			s.Close()
			return fmt.Errorf("the writer's open moved the cache aside: %s", msg)
		}
		var reqs []instruct.Request
		for i := n; i < n+50; i++ {
			reqs = append(reqs, request(instruct.RequestID(i), "Commune de Brest", int(i%40)))
		}
		if err := s.ApplyPage(ctx, feed(reqs...), fmt.Sprint(n)); err != nil {
			s.Close()
			return err
		}
		if err := s.Close(); err != nil {
			return err
		}
	}
}
