// Package filelock takes advisory locks on files, which processes sharing
// one cache (the TUI, `instruct sync`, `instruct decide`) use to stay out
// of each other's way. A lock belongs to the open file, as flock(2) has
// it: closing the file releases it, and so does the death of the process,
// so a crash never leaves a lock behind. Two Files open on one path
// exclude each other even within one process.
//
// Where the system has no flock, or the file system refuses it (some
// network mounts), locking fails with an error matching ErrUnsupported,
// and callers decide whether to go on unlocked.
package filelock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"
)

// ErrUnsupported is the error of locking where locks can't be had.
var ErrUnsupported = errors.ErrUnsupported

// poll is how often a lock held by another is tried again while a
// cancellable wait for it goes on.
const poll = 20 * time.Millisecond

// File is an open lock file.
type File struct {
	f *os.File
}

// Open opens the lock file at path, creating it readable by its owner
// only (0600), and takes no lock yet.
func Open(path string) (*File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	return &File{f: f}, nil
}

// Lock takes the lock exclusively, waiting while others hold it, until
// ctx ends. A shared lock of l's own becomes exclusive.
func (l *File) Lock(ctx context.Context) error { return l.wait(ctx, exclusive) }

// RLock takes the lock shared, waiting while another holds it
// exclusively, until ctx ends. An exclusive lock of l's own becomes
// shared, without waiting.
func (l *File) RLock(ctx context.Context) error { return l.wait(ctx, shared) }

// TryLock takes the lock exclusively if nobody else holds it, and
// reports whether it did.
func (l *File) TryLock() (bool, error) {
	err := l.lock(exclusive, false)
	if errors.Is(err, errHeld) {
		return false, nil
	}
	return err == nil, err
}

// Close closes the file, releasing its lock. It is safe to call more
// than once.
func (l *File) Close() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// mode is a kind of lock.
type mode int

const (
	shared mode = iota
	exclusive
)

// errHeld is the error of a lock another holds.
var errHeld = errors.New("lock held by another")

// wait takes the lock in mode m, blocking in the system when ctx can't
// end, else trying again every poll until ctx ends.
func (l *File) wait(ctx context.Context, m mode) error {
	if ctx.Done() == nil {
		return l.lock(m, true)
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		err := l.lock(m, false)
		if !errors.Is(err, errHeld) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for the lock on %s: %w", l.f.Name(), ctx.Err())
		case <-t.C:
		}
	}
}
