package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// healWait bounds how long Heal waits for other processes to close a
// damaged cache file.
const healWait = busyTimeout

// healPoll is how often Heal looks again whether it may replace the file.
const healPoll = 100 * time.Millisecond

// errHeldElsewhere says why a damaged file could not be replaced.
var errHeldElsewhere = errors.New("another instruct process (a screen, a sync) still has it open, so it can't be replaced yet: close that one")

// Heal replaces the cache file once a call found it damaged (a
// *DamagedError): it salvages the queued operations, moves the file aside
// and opens a fresh cache in its place, holding them, with no feed
// cursor, so that the next sync pulls everything again. Calls under way
// finish first and later calls wait for it. It returns how the file was
// replaced (see Recovery), or nil when no call found it damaged since it
// was opened or last healed.
//
// The file is moved only when no other process has it open: Heal waits up
// to healWait for them to close it, and takes the fresh file another of
// them put in its place meanwhile. When they keep it open, Heal fails,
// and every call fails with a *DamagedError until a later Heal succeeds.
func (s *Store) Heal(ctx context.Context) (*instruct.CacheRecovery, error) {
	if s.damage.Load() == nil {
		return nil, nil // the common case, without stopping other calls
	}
	s.fileMu.Lock()
	defer s.fileMu.Unlock()
	known := s.damage.Load()
	if known == nil {
		return nil, nil
	}
	old := s.file
	// Closing a damaged file may fail too; the file is left behind.
	_ = s.closeFile()
	s.recovery = nil
	deadline := time.Now().Add(healWait)
	for {
		done, err := s.tryHeal(ctx, known, old)
		if done || err != nil {
			return s.healed(err)
		}
		if time.Now().After(deadline) || waitOrDone(ctx, healPoll) != nil {
			s.closed = &DamagedError{Cause: errors.Join(known.Cause, errHeldElsewhere)}
			return nil, s.closed
		}
	}
}

// tryHeal replaces the damaged file old when no other process has it
// open, or opens the fresh file another process put in its place; done
// reports whether it did either.
func (s *Store) tryHeal(ctx context.Context, known *DamagedError, old os.FileInfo) (done bool, err error) {
	if locks := lockForRepair(s.path); locks != nil {
		if !sameFile(s.path, old) {
			known = nil // replaced meanwhile: judged like any file
		}
		err = s.openLocked(ctx, locks, true, known)
	} else if sameFile(s.path, old) {
		return false, nil
	} else {
		locks, alone := lockForOpen(s.path)
		err = s.openLocked(ctx, locks, alone, nil)
	}
	if err == nil && s.recovery == nil {
		s.recovery = s.otherRecovery(ctx, old)
	}
	return true, err
}

// otherRecovery tells how another process replaced the damaged file old:
// as it noted in the fresh file when that is about old.
func (s *Store) otherRecovery(ctx context.Context, old os.FileInfo) *instruct.CacheRecovery {
	if r := s.keptRecovery(ctx); r != nil && sameFile(r.MovedTo, old) {
		return r
	}
	return &instruct.CacheRecovery{Problem: instruct.CacheElsewhere, At: s.now().UTC()}
}

// healed ends Heal: on success the damage is forgotten, on failure the
// Store stays closed.
func (s *Store) healed(err error) (*instruct.CacheRecovery, error) {
	if err != nil {
		_ = s.closeFile()
		s.closed = fmt.Errorf("reopen the local cache: %w", err)
		return nil, s.closed
	}
	s.damage.Store(nil)
	s.closed = nil
	return s.recovery, nil
}

// sameFile reports whether path is still the file info describes.
func sameFile(path string, info os.FileInfo) bool {
	now, err := os.Stat(path)
	return err == nil && info != nil && os.SameFile(now, info)
}

// waitOrDone waits d, or less if ctx ends first (then returns its error).
func waitOrDone(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// noteRecovery keeps r, the replacement this open made, if any, in the
// fresh file, where another process healing the same damaged file finds
// it.
func (s *Store) noteRecovery(ctx context.Context, r *instruct.CacheRecovery) error {
	if r == nil {
		return nil
	}
	s.recovery = r
	data, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return s.inTx(ctx, durable, func(tx *writeTx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('recovery', ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, data)
		return err
	})
}

// keptRecovery reads the recovery kept in the file, nil for none.
func (s *Store) keptRecovery(ctx context.Context) *instruct.CacheRecovery {
	var data []byte
	if s.read.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'recovery'").Scan(&data) != nil {
		return nil
	}
	var r instruct.CacheRecovery
	if json.Unmarshal(data, &r) != nil {
		return nil
	}
	return &r
}
