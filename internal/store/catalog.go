package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// The keys of the meta table.
const (
	metaCursor = "cursor"
	metaMe     = "me"
	metaLabels = "search_labels"
	// metaLastSync is when a sync last succeeded, RFC 3339 in UTC.
	metaLastSync = "last_sync"
)

func readMeta(ctx context.Context, q execer, key string) ([]byte, error) {
	var v []byte
	err := q.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	return v, err
}

func writeMeta(ctx context.Context, q execer, key string, value []byte) error {
	_, err := q.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	if err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

func deleteMeta(ctx context.Context, q execer, key string) error {
	if _, err := q.ExecContext(ctx, "DELETE FROM meta WHERE key = ?", key); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	return nil
}

// PutDefinitions replaces the cached API catalogue. When scope labels
// changed, the search index is rebuilt with the new ones.
func (s *Store) PutDefinitions(ctx context.Context, defs []instruct.Definition) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave(&err)
	err = s.inTx(ctx, refetchable, func(tx *writeTx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM definitions"); err != nil {
			return fmt.Errorf("clear definitions: %w", err)
		}
		for i, d := range defs {
			body, err := json.Marshal(d)
			if err != nil {
				return fmt.Errorf("encode definition %s: %w", d.ID, err)
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO definitions (id, position, body) VALUES (?, ?, ?)", d.ID, i, body); err != nil {
				return fmt.Errorf("store definition %s: %w", d.ID, err)
			}
		}
		return refreshLabels(ctx, tx, defs)
	})
	if err != nil {
		return fmt.Errorf("put definitions: %w", err)
	}
	return nil
}

// Definitions returns the cached API catalogue, in the order it was put.
func (s *Store) Definitions(ctx context.Context) (_ []instruct.Definition, err error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave(&err)
	return readDefinitions(ctx, s.read)
}

func readDefinitions(ctx context.Context, q execer) ([]instruct.Definition, error) {
	rows, err := q.QueryContext(ctx, "SELECT body FROM definitions ORDER BY position")
	if err != nil {
		return nil, fmt.Errorf("read definitions: %w", err)
	}
	defer rows.Close()
	var defs []instruct.Definition
	for rows.Next() {
		var body []byte
		var d instruct.Definition
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("read definitions: %w", err)
		}
		if err := json.Unmarshal(body, &d); err != nil {
			return nil, fmt.Errorf("decode definition: %w", err)
		}
		defs = append(defs, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read definitions: %w", err)
	}
	return defs, nil
}

// PutMe caches the signed-in user.
func (s *Store) PutMe(ctx context.Context, u instruct.User) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave(&err)
	body, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("encode user: %w", err)
	}
	return s.inTx(ctx, durable, func(tx *writeTx) error { return writeMeta(ctx, tx, metaMe, body) })
}

// Me returns the cached signed-in user; not_found before the first sync.
func (s *Store) Me(ctx context.Context) (_ instruct.User, err error) {
	if err := s.enter(); err != nil {
		return instruct.User{}, err
	}
	defer s.leave(&err)
	return readMe(ctx, s.read)
}

func readMe(ctx context.Context, q execer) (instruct.User, error) {
	body, err := readMeta(ctx, q, metaMe)
	if errors.Is(err, sql.ErrNoRows) {
		return instruct.User{}, instruct.Errorf(instruct.CodeNotFound, "the signed-in user is not known yet: sync first")
	}
	if err != nil {
		return instruct.User{}, fmt.Errorf("read user: %w", err)
	}
	var u instruct.User
	if err := json.Unmarshal(body, &u); err != nil {
		return instruct.User{}, fmt.Errorf("decode user: %w", err)
	}
	return u, nil
}
