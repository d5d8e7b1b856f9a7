//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package replica

import (
	"context"
	"fmt"
	"os"
)

// lockFile opens path; on this system it takes no lock, so syncs of one
// cache are kept apart only within a process.
func lockFile(ctx context.Context, path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open sync lock: %w", err)
	}
	return f, nil
}
