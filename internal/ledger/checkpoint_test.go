package ledger

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
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

// TestWALStaysBoundedUnderSteadyLoad decides 1,200 requests at a steady
// 200 a second while four readers pull the change feed, as syncing
// reviewers do, and samples the write-ahead log: it must stay under
// walBound. Without restarts the log never stops growing under a steady
// load (each decision adds about 40 KB), since a background checkpoint
// is never complete at the moment the next write begins.
func TestWALStaysBoundedUnderSteadyLoad(t *testing.T) {
	const (
		decisions = 1200
		rate      = 200 // decisions a second
		walBound  = 20 << 20
	)
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx := context.Background()
	if err := l.Import(ctx, submitted(decisions)); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 4 {
		readers.Go(func() { pullFeed(t, l, stop) })
	}
	largest := make(chan int64)
	go func() { largest <- sampleWAL(t, path, stop) }()
	decide(t, l, decisions, rate)
	close(stop)
	readers.Wait()
	size := <-largest
	t.Logf("largest log: %.1f MB", float64(size)/(1<<20))
	if size > walBound {
		t.Errorf("the log reached %d MB under a steady load, want it under %d MB", size>>20, walBound>>20)
	}
}

// pullFeed reads the last changes, then a request, in a loop until stop.
func pullFeed(t *testing.T, l *Ledger, stop <-chan struct{}) {
	ctx := context.Background()
	for {
		select {
		case <-stop:
			return
		case <-time.After(10 * time.Millisecond):
		}
		last, err := l.LastSeq(ctx)
		if err == nil {
			_, _, err = l.Changes(ctx, instruct.Viewer{All: true}, max(0, last-50), 20)
		}
		if err == nil {
			_, _, err = l.Request(ctx, firstRequestNumber)
		}
		if err != nil {
			t.Error(err)
			return
		}
	}
}

// sampleWAL returns the largest size of the log at path, sampled every
// 50 ms until stop.
func sampleWAL(t *testing.T, path string, stop <-chan struct{}) int64 {
	var largest int64
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		largest = max(largest, walSize(t, path))
		select {
		case <-stop:
			return largest
		case <-tick.C:
		}
	}
}

// decide approves the n submitted requests from the first on, at rate
// decisions a second spread over 16 clients.
func decide(t *testing.T, l *Ledger, n int, rate float64) {
	ctx := context.Background()
	var next atomic.Int64
	var clients sync.WaitGroup
	start := time.Now()
	for range 16 {
		clients.Go(func() {
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				time.Sleep(time.Until(start.Add(time.Duration(float64(i) / rate * float64(time.Second)))))
				m := instruct.Mutation{RequestID: instruct.RequestID(firstRequestNumber + i), IfMatch: 2, Now: t0,
					IdempotencyKey: fmt.Sprintf("steady-%d", i), Fingerprint: "approve",
					Change: change(instruct.KindApprove, reviewer, "")}
				if _, err := l.Apply(ctx, m); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	clients.Wait()
}
