//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package replica

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// holdLockEnv names the lock file the test binary holds when it runs as
// the other process of TestSyncWaitsForAnotherProcess.
const holdLockEnv = "INSTRUCT_TEST_HOLD_LOCK"

func TestMain(m *testing.M) {
	if path := os.Getenv(holdLockEnv); path != "" {
		holdLock(path)
	}
	os.Exit(m.Run())
}

// holdLock takes the sync lock, says so, and holds it until killed.
func holdLock(path string) {
	if _, err := lockFile(context.Background(), path); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(2)
	}
	os.Stdout.WriteString("locked\n")
	for {
		time.Sleep(time.Hour)
	}
}

func TestSyncWaitsForAnotherProcess(t *testing.T) {
	w := newWorld(t)
	id := w.seed(1)[0]
	_, token := w.reviewer("camille@dinum.gouv.fr")
	r := newReplica(t, w.URL(), token, fastClient(), Options{})
	r.sync(t)
	op := r.record(t, id, instruct.KindApprove, "")
	child := holdLockInChild(t, r.path+".lock")

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err := r.engine.Sync(ctx)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Sync() while another process syncs = %v, want it to wait until its deadline", err)
	}
	if got := r.op(t, id, op.ID); got.State != instruct.OpPending {
		t.Errorf("op is %s while another process held the lock, want pending, untouched", got.State)
	}

	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	r.sync(t)
	if got := r.op(t, id, op.ID); got.State != instruct.OpAccepted {
		t.Errorf("op after the other process died is %s, want accepted", got.State)
	}
}

// holdLockInChild starts the test binary as another process holding the
// lock file, and returns once it holds it.
func holdLockInChild(t *testing.T, path string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdLockEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("child process said %q, %v; want locked", line, err)
	}
	return cmd
}

// overlapWatch is an API that counts the feed reads under way at once.
type overlapWatch struct {
	API
	mu      sync.Mutex
	active  int
	maxSeen int
}

func (o *overlapWatch) Changes(ctx context.Context, cursor string, limit int) (api.ChangesPage, error) {
	o.mu.Lock()
	o.active++
	o.maxSeen = max(o.maxSeen, o.active)
	o.mu.Unlock()
	defer func() {
		o.mu.Lock()
		o.active--
		o.mu.Unlock()
	}()
	time.Sleep(2 * time.Millisecond)
	return o.API.Changes(ctx, cursor, limit)
}

func TestSyncsOfOneCacheNeverOverlap(t *testing.T) {
	w := newWorld(t)
	w.seed(20)
	_, token := w.reviewer("camille@dinum.gouv.fr")
	r := newReplica(t, w.URL(), token, fastClient(), Options{})
	watch := &overlapWatch{API: r.client}
	// Two engines on the same cache file and lock, as the TUI and
	// `instruct sync` would be, and two goroutines on each.
	engines := []*Engine{
		New(r.cache, watch, Options{PageLimit: 3, LockPath: r.path + ".lock"}),
		New(r.cache, watch, Options{PageLimit: 3, LockPath: r.path + ".lock"}),
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				if err := engines[i%2].Sync(context.Background()); err != nil {
					t.Errorf("Sync() = %v", err)
				}
			}
		}()
	}
	wg.Wait()
	if watch.maxSeen != 1 {
		t.Errorf("feed reads under way at once = %d, want 1: syncs overlapped", watch.maxSeen)
	}
}
