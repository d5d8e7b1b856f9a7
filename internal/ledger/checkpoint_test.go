package ledger

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCheckpointerReusesTheLog checks that the write-ahead log is copied
// back in the background: a second batch of writes as large as the first
// reuses the log instead of growing it, as it would if nothing
// checkpointed it (the writer's own checkpoints are off), and Close
// leaves it empty.
func TestCheckpointerReusesTheLog(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	hs := histories(4000, "api_particulier")
	if err := l.Import(context.Background(), hs[:2000]); err != nil {
		t.Fatal(err)
	}
	first := walSize(t, path)
	time.Sleep(checkpointEvery + checkpointEvery/2)
	if err := l.Import(context.Background(), hs[2000:]); err != nil {
		t.Fatal(err)
	}
	if second := walSize(t, path); second > first+first/2 {
		t.Errorf("log grew from %d to %d bytes after a checkpoint period, want it reused", first, second)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if size := walSize(t, path); size != 0 {
		t.Errorf("log is %d bytes after Close, want 0", size)
	}
}

func walSize(t *testing.T, path string) int64 {
	t.Helper()
	info, err := os.Stat(path + "-wal")
	if os.IsNotExist(err) {
		return 0
	}
	if err != nil {
		t.Fatal(err)
	}
	return info.Size()
}
