//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package replica

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// lockPoll is how often lockFile tries again while another process holds
// the lock.
const lockPoll = 20 * time.Millisecond

// lockFile opens path (creating it, mode 0600) and takes an exclusive
// flock(2) on it, waiting while another process holds it, until ctx ends.
// Closing the file releases the lock, also when the process dies.
func lockFile(ctx context.Context, path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open sync lock: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("take sync lock %s: %w", path, err)
		}
		if err := waitOrDone(ctx, lockPoll); err != nil {
			f.Close()
			return nil, fmt.Errorf("wait for the sync of another process: %w", err)
		}
	}
}
