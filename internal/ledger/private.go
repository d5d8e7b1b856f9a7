package ledger

import (
	"fmt"
	"os"
	"path/filepath"
)

// createPrivate creates the database file at path, and its directory,
// for their owner only (0600 and 0700) when they do not exist yet.
// SQLite gives the -wal and -shm files it creates beside it the
// database file's mode, so they are private too. Existing files and
// directories are left as they are.
func createPrivate(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create the database directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("create the database file: %w", err)
	}
	return f.Close()
}
