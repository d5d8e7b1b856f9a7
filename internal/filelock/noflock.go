//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package filelock

import "fmt"

// lock fails: this system has no flock.
func (l *File) lock(mode, bool) error {
	return fmt.Errorf("lock %s: %w", l.f.Name(), ErrUnsupported)
}
