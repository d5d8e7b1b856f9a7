package store

import (
	"context"

	"github.com/instruct-dev/instruct/internal/filelock"
)

// cacheLocks are the advisory locks that keep processes sharing one cache
// file (the TUI, `instruct sync`, `instruct decide`) from harming each
// other. opening, on path+".lock", is held exclusively while Open runs.
// inUse, on path+".inuse", is held shared by every open Store for its whole
// life. An Open that can take inUse exclusively knows no other Store has
// the file open: only then may it read the raw file to judge it and move
// it aside, because nobody is writing or checkpointing beside it.
//
// The locks are best effort: where they can't be had (a system without
// flock, some network mounts), Open behaves as if it were alone.
type cacheLocks struct {
	opening, inUse *filelock.File
}

// lockForOpen waits for any other Open of path to finish, then tries to
// take the in-use lock exclusively. alone reports whether it did, or
// whether locking is unavailable.
func lockForOpen(path string) (l *cacheLocks, alone bool) {
	ctx := context.Background()
	l = &cacheLocks{}
	if l.opening = openLock(path + ".lock"); l.opening == nil || l.opening.Lock(ctx) != nil {
		l.release()
		return l, true
	}
	if l.inUse = openLock(path + ".inuse"); l.inUse == nil {
		return l, true
	}
	ok, err := l.inUse.TryLock()
	switch {
	case ok:
		return l, true
	case err == nil:
		// Another Store has the file open. Nobody holds inUse
		// exclusively without holding opening, which is ours, so this
		// never waits.
		err = l.inUse.RLock(ctx)
	}
	if err != nil {
		l.inUse.Close()
		l.inUse = nil
		return l, true
	}
	return l, false
}

// openLock opens the lock file at path, or returns nil when it can't.
func openLock(path string) *filelock.File {
	f, err := filelock.Open(path)
	if err != nil {
		return nil
	}
	return f
}

// opened turns the in-use lock shared, so that others can open the cache
// too, and lets the next Open proceed.
func (l *cacheLocks) opened() {
	if l.inUse != nil {
		l.inUse.RLock(context.Background())
	}
	l.opening.Close()
	l.opening = nil
}

// release drops both locks. It is safe to call more than once.
func (l *cacheLocks) release() {
	l.opening.Close()
	l.inUse.Close()
	l.opening, l.inUse = nil, nil
}
