package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
)

// firstSyncError is the first sync of a cache that failed: the cache holds
// nothing of the server yet, so the command stops and says what to do
// instead of showing an empty queue.
type firstSyncError struct {
	server string
	err    error
}

func (f firstSyncError) Error() string {
	var unreachable *client.UnavailableError
	switch {
	case instruct.ErrorCode(f.err) == instruct.CodeUnauthorized:
		return fmt.Sprintf("%s refused the token (mistyped, or revoked): sign in again with \"instruct login --server %s\"",
			f.server, f.server)
	case errors.As(f.err, &unreachable):
		return fmt.Sprintf("cannot reach %s: check the address and the network, then try again; to use another server, run \"instruct login --server URL\"",
			f.server)
	}
	return fmt.Sprintf("the first sync with %s failed: %s; try again, or sign in again with \"instruct login --server %s\"",
		f.server, oneLine(f.err), f.server)
}

func (f firstSyncError) Unwrap() error { return f.err }

// neverSynced reports whether st holds nothing from a server yet: no feed
// cursor and an empty outbox.
func neverSynced(ctx context.Context, st *store.Store) (bool, error) {
	cursor, err := st.Cursor(ctx)
	if err != nil || cursor != "" {
		return false, err
	}
	sum, err := st.Summary(ctx)
	if err != nil {
		return false, err
	}
	return sum.Pending == 0 && sum.Conflicts == 0 && sum.Rejected == 0, nil
}

// newCache is what of a cache was missing before a command opened it, so
// that a cache the command created and could not fill (its first sync
// refused or out of reach, or cut short) is taken away again: a wrong
// token or server leaves no file behind.
type newCache struct {
	path    string
	created bool
	// beside are the files next to the cache (its log) that were missing.
	beside []string
	// dirs are the directories above the cache that were missing,
	// deepest first.
	dirs []string
}

// noteCache notes what is missing of the cache at path and of the files
// named path+suffix beside it.
func noteCache(path string, suffixes ...string) newCache {
	n := newCache{path: path, created: !exists(path)}
	if !n.created {
		return n
	}
	for _, s := range suffixes {
		if !exists(path + s) {
			n.beside = append(n.beside, path+s)
		}
	}
	for dir := filepath.Dir(path); !exists(dir); dir = filepath.Dir(dir) {
		n.dirs = append(n.dirs, dir)
		if dir == filepath.Dir(dir) {
			break
		}
	}
	return n
}

// openNewCache resolves the settings, notes what of the cache is missing
// and opens it.
func openNewCache(ctx context.Context, e *env, s *settings, suffixes ...string) (*store.Store, newCache, error) {
	if err := s.resolve(e); err != nil {
		return nil, newCache{}, err
	}
	fresh := noteCache(s.cache, suffixes...)
	st, err := openCache(ctx, *s)
	return st, fresh, err
}

// close closes st, then, when this command created the cache and it
// never synced, removes it with its files and directories. It returns err,
// the command's own error, first.
func (n newCache) close(ctx context.Context, st *store.Store, err error) error {
	empty := false
	if n.created {
		empty, _ = neverSynced(context.WithoutCancel(ctx), st)
	}
	closeErr := st.Close()
	if empty && closeErr == nil {
		closeErr = n.remove()
	}
	if err != nil {
		return err
	}
	return closeErr
}

// remove deletes the cache, the files beside it and the directories
// created for it, unless another process opened it meanwhile.
func (n newCache) remove() error {
	removed, err := store.Remove(n.path)
	if err != nil || !removed {
		return err
	}
	for _, f := range n.beside {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	for _, d := range n.dirs {
		if os.Remove(d) != nil {
			break // not empty: something else lives there now
		}
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
