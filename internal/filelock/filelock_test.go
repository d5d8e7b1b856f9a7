//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package filelock

import (
	"bufio"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// holdEnv names the lock file, and holdModeEnv the mode, that the test
// binary holds when it runs as another process of these tests.
const (
	holdEnv     = "INSTRUCT_TEST_FILELOCK_HOLD"
	holdModeEnv = "INSTRUCT_TEST_FILELOCK_MODE"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(holdEnv); path != "" {
		hold(path, os.Getenv(holdModeEnv) == "shared")
	}
	os.Exit(m.Run())
}

// hold takes the lock at path, says so, and holds it until killed.
func hold(path string, shared bool) {
	l, err := Open(path)
	if err == nil {
		if shared {
			err = l.RLock(context.Background())
		} else {
			err = l.Lock(context.Background())
		}
	}
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(2)
	}
	os.Stdout.WriteString("locked\n")
	for {
		time.Sleep(time.Hour)
	}
}

// holdInChild starts the test binary as another process holding the
// lock at path, and returns once it holds it.
func holdInChild(t *testing.T, path string, shared bool) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), holdEnv+"="+path)
	if shared {
		cmd.Env = append(cmd.Env, holdModeEnv+"=shared")
	}
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

func open(t *testing.T, path string) *File {
	t.Helper()
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func shortly(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	t.Cleanup(cancel)
	return ctx
}

// TestLockExcludesAnotherProcessUntilItDies: a lock another process
// holds is waited for until the deadline, and is free once that process
// dies without releasing it.
func TestLockExcludesAnotherProcessUntilItDies(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.lock")
	child := holdInChild(t, path, false)
	l := open(t, path)
	if ok, err := l.TryLock(); ok || err != nil {
		t.Errorf("TryLock() while another process holds the lock = %v, %v; want false, nil", ok, err)
	}
	if err := l.Lock(shortly(t)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Lock() while another process holds the lock = %v, want it to wait until its deadline", err)
	}
	if err := l.RLock(shortly(t)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("RLock() while another process holds the lock exclusively = %v, want it to wait", err)
	}
	if err := child.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	if err := l.Lock(shortly(t)); err != nil {
		t.Errorf("Lock() after the holder died = %v, want the lock", err)
	}
}

func TestSharedLocksCoexist(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.lock")
	holdInChild(t, path, true)
	l := open(t, path)
	if err := l.RLock(shortly(t)); err != nil {
		t.Errorf("RLock() beside another shared holder = %v, want the lock", err)
	}
	other := open(t, path)
	if ok, err := other.TryLock(); ok || err != nil {
		t.Errorf("TryLock() beside shared holders = %v, %v; want false, nil", ok, err)
	}
}

// TestOwnLockChangesMode turns an exclusive lock shared, as a cache does
// once it is open, and back.
func TestOwnLockChangesMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.lock")
	l, other := open(t, path), open(t, path)
	if ok, err := l.TryLock(); !ok || err != nil {
		t.Fatalf("TryLock() of a free lock = %v, %v; want true", ok, err)
	}
	if err := other.RLock(shortly(t)); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("RLock() beside an exclusive holder = %v, want it to wait", err)
	}
	if err := l.RLock(shortly(t)); err != nil {
		t.Fatalf("RLock() of one's own exclusive lock = %v, want it shared at once", err)
	}
	if err := other.RLock(shortly(t)); err != nil {
		t.Errorf("RLock() beside a shared holder = %v, want the lock", err)
	}
}

// TestLockWithoutDeadlineWaitsForClose waits, with a context that never
// ends, for a lock another file holds, and gets it when that file closes.
func TestLockWithoutDeadlineWaitsForClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.lock")
	holder, waiter := open(t, path), open(t, path)
	if err := holder.Lock(context.Background()); err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	go func() { got <- waiter.Lock(context.Background()) }()
	select {
	case err := <-got:
		t.Fatalf("Lock() while another file holds the lock = %v, want it to wait", err)
	case <-time.After(50 * time.Millisecond):
	}
	if err := holder.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Errorf("Lock() once the holder closed = %v, want the lock", err)
	}
}

func TestOpenCreatesAPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cache.lock")
	l := open(t, path)
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("lock file mode = %v, want 0600", mode)
	}
	if err := l.Close(); err != nil {
		t.Errorf("Close() = %v", err)
	}
	if err := l.Close(); err != nil {
		t.Errorf("Close() again = %v, want nil", err)
	}
}

func TestOpenFailsWhereNoFileCanBe(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "cache.lock")
	if l, err := Open(path); err == nil {
		l.Close()
		t.Errorf("Open(%s) = nil error, want one", path)
	}
}
