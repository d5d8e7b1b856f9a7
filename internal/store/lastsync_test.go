package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestLastSyncKeptInTheFile: the time of the last sync is read back from
// the cache file after it is closed and opened again, in UTC to the
// nanosecond, whatever zone it was given in; a new cache has none.
func TestLastSyncKeptInTheFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "instruct.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := s.LastSync(ctx); err != nil || !got.IsZero() {
		t.Fatalf("LastSync() of a new cache = %v, %v; want the zero time", got, err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 10, 15, 4, 123456789, paris)
	if err := s.SetLastSync(ctx, at); err != nil {
		t.Fatalf("SetLastSync() = %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if got, err := s.LastSync(ctx); err != nil || !got.Equal(at) {
		t.Errorf("LastSync() after reopening = %v, %v; want %v", got, err, at)
	}
}
