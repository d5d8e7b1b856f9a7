package store

import (
	"context"

	"github.com/instruct-dev/instruct/internal/filelock"
)

// cacheLocks are the advisory locks that keep processes sharing one cache
// file (the TUI, `instruct sync`, `instruct decide`) from harming each
// other. opening, on path+".opening", is held exclusively while Open or
// Heal runs. (It is not the sync engine's path+".lock", held for a whole
// sync: a sync that heals the cache opens it again under its own lock.)
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
	l = lockOpening(path)
	if l.opening == nil || l.tryAlone(path) {
		return l, true
	}
	// Another Store has the file open. Nobody holds inUse exclusively
	// without holding opening, which is ours, so this never waits.
	if err := l.inUse.RLock(context.Background()); err != nil {
		l.inUse.Close()
		l.inUse = nil
		return l, true
	}
	return l, false
}

// lockForRepair waits for any other Open or repair of path to finish,
// then tries to take the in-use lock exclusively. When another Store
// still has the file open it releases everything and returns nil.
func lockForRepair(path string) *cacheLocks {
	l := lockOpening(path)
	if l.opening == nil || l.tryAlone(path) {
		return l
	}
	l.release()
	return nil
}

// lockOpening takes the lock that keeps Opens and repairs of path apart;
// opening is nil where locks can't be had.
func lockOpening(path string) *cacheLocks {
	l := &cacheLocks{}
	if l.opening = openLock(path + ".opening"); l.opening == nil || l.opening.Lock(context.Background()) != nil {
		l.release()
	}
	return l
}

// tryAlone takes the in-use lock exclusively, without waiting; it reports
// whether it did, or whether locking is unavailable (inUse is then nil).
// When another Store holds it, inUse is left open and unlocked.
func (l *cacheLocks) tryAlone(path string) bool {
	if l.inUse = openLock(path + ".inuse"); l.inUse == nil {
		return true
	}
	ok, err := l.inUse.TryLock()
	if err != nil {
		l.inUse.Close()
		l.inUse = nil
		return true
	}
	return ok
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
