package replica

import (
	"context"
	"errors"
	"fmt"

	"github.com/instruct-dev/instruct/internal/filelock"
)

// lockFile opens the lock file at path and takes its lock exclusively,
// waiting while another process holds it, until ctx ends. Closing the
// file releases the lock, also when the process dies. Where locks can't
// be had, it goes on without: syncs of one cache are then kept apart only
// within a process.
func lockFile(ctx context.Context, path string) (*filelock.File, error) {
	f, err := filelock.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open sync lock: %w", err)
	}
	err = f.Lock(ctx)
	switch {
	case err == nil, errors.Is(err, filelock.ErrUnsupported):
		return f, nil
	case ctx.Err() != nil:
		err = fmt.Errorf("wait for the sync of another process: %w", err)
	default:
		err = fmt.Errorf("take sync lock: %w", err)
	}
	f.Close()
	return nil, err
}
