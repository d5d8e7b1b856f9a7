//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// cacheLocks are the advisory locks that keep processes sharing one cache
// file (the TUI, `instruct sync`, `instruct decide`) from harming each
// other. opening, on path+".lock", is held exclusively while Open runs.
// inUse, on path+".inuse", is held shared by every open Store for its whole
// life. An Open that can take inUse exclusively knows no other Store has
// the file open: only then may it read the raw file to judge it and move
// it aside, because nobody is writing or checkpointing beside it.
//
// The locks are best effort: where the file system refuses them (some
// network mounts), Open behaves as if it were alone.
type cacheLocks struct {
	opening, inUse *os.File
}

// lockForOpen waits for any other Open of path to finish, then tries to
// take the in-use lock exclusively. alone reports whether it did, or
// whether locking is unavailable.
func lockForOpen(path string) (l *cacheLocks, alone bool) {
	l = &cacheLocks{opening: flocked(path+".lock", syscall.LOCK_EX)}
	if l.opening == nil {
		return l, true
	}
	if l.inUse = flocked(path+".inuse", syscall.LOCK_EX|syscall.LOCK_NB); l.inUse != nil {
		return l, true
	}
	// Another Store has the file open. Nobody holds inUse exclusively
	// without holding opening, which is ours, so this never waits.
	l.inUse = flocked(path+".inuse", syscall.LOCK_SH)
	return l, l.inUse == nil
}

// opened turns the in-use lock shared, so that others can open the cache
// too, and lets the next Open proceed.
func (l *cacheLocks) opened() {
	if l.inUse != nil {
		syscall.Flock(int(l.inUse.Fd()), syscall.LOCK_SH)
	}
	closeFile(&l.opening)
}

// release drops both locks. It is safe to call more than once.
func (l *cacheLocks) release() {
	closeFile(&l.opening)
	closeFile(&l.inUse)
}

func closeFile(f **os.File) {
	if *f != nil {
		(*f).Close() // closing the file releases its flock
		*f = nil
	}
}

// flocked opens path (mode 0600) and takes the flock how asks for; it
// returns nil when the file can't be opened or the lock not taken.
func flocked(path string, how int) *os.File {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil
	}
	for {
		err = syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil
	}
	return f
}
