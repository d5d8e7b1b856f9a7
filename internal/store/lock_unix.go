//go:build unix

package store

import (
	"fmt"
	"os"
	"syscall"
)

// lockOpening takes an exclusive lock on path+".lock" for the time Open
// inspects, replaces and creates the cache, so that two processes opening
// the same broken cache don't both move files around. It returns the
// function that releases the lock.
func lockOpening(path string) (func(), error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock cache: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock cache: %w", err)
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
