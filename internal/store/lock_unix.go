//go:build unix

package store

import (
	"os"
	"syscall"
)

// lockOpening takes an exclusive lock on path+".lock" for the time Open
// inspects, replaces and creates the cache, so that two processes opening
// the same broken cache don't both move files around. It returns the
// function that releases the lock. The lock is best effort: where the file
// system refuses it (some network mounts), Open goes on without it.
func lockOpening(path string) func() {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return func() {}
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return func() {}
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}
}
