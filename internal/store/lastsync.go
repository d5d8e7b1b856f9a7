package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SetLastSync records when a sync last succeeded, so that the status bar
// tells it after a restart, before the next sync.
func (s *Store) SetLastSync(ctx context.Context, t time.Time) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave(&err)
	value := []byte(t.UTC().Format(time.RFC3339Nano))
	err = s.inTx(ctx, refetchable, func(tx *writeTx) error { return writeMeta(ctx, tx, metaLastSync, value) })
	if err != nil {
		return fmt.Errorf("record the last sync: %w", err)
	}
	return nil
}

// LastSync returns when a sync last succeeded, the zero time if none has.
func (s *Store) LastSync(ctx context.Context) (_ time.Time, err error) {
	if err := s.enter(); err != nil {
		return time.Time{}, err
	}
	defer s.leave(&err)
	v, err := readMeta(ctx, s.read, metaLastSync)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("read the last sync: %w", err)
	}
	t, err := time.Parse(time.RFC3339Nano, string(v))
	if err != nil {
		return time.Time{}, fmt.Errorf("read the last sync %q: %w", v, err)
	}
	return t, nil
}
