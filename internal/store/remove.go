package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// cacheFileSuffixes name the files a cache keeps beside its own: SQLite's
// WAL, shared memory and rollback journal, and the lock files (the
// store's and the sync engine's).
var cacheFileSuffixes = []string{"-wal", "-shm", "-journal", ".inuse", ".opening", ".lock"}

// Remove deletes the cache file at path and the files beside it (WAL,
// shared memory, journal, locks), unless another Store, in this process
// or another, has it open; removed reports whether it did. It is for a
// cache a command created and could not fill (a first sync refused), so
// that nothing is left behind: callers close their own Store first.
func Remove(path string) (removed bool, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return false, fmt.Errorf("remove cache %s: %w", path, err)
	}
	locks, alone := lockForOpen(abs)
	defer locks.release()
	if !alone {
		return false, nil
	}
	var errs []error
	for _, name := range append([]string{abs}, withSuffixes(abs)...) {
		if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
			errs = append(errs, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return false, fmt.Errorf("remove cache %s: %w", path, err)
	}
	return true, nil
}

func withSuffixes(path string) []string {
	out := make([]string, len(cacheFileSuffixes))
	for i, s := range cacheFileSuffixes {
		out[i] = path + s
	}
	return out
}
