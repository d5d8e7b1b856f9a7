//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package filelock

import (
	"errors"
	"fmt"
	"syscall"
)

// lock calls flock(2) in mode m, blocking or not; a lock another holds
// is errHeld.
func (l *File) lock(m mode, block bool) error {
	how := syscall.LOCK_SH
	if m == exclusive {
		how = syscall.LOCK_EX
	}
	if !block {
		how |= syscall.LOCK_NB
	}
	for {
		err := syscall.Flock(int(l.f.Fd()), how)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case errors.Is(err, syscall.EWOULDBLOCK):
			return errHeld
		case errors.Is(err, syscall.ENOLCK), errors.Is(err, syscall.ENOTSUP), errors.Is(err, syscall.EOPNOTSUPP):
			return fmt.Errorf("lock %s: %w (%w)", l.f.Name(), ErrUnsupported, err)
		}
		return fmt.Errorf("lock %s: %w", l.f.Name(), err)
	}
}
