package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// PutDeliveries keeps the deliveries of request id as the server listed
// them just now, in place of the ones kept before.
func (s *Store) PutDeliveries(ctx context.Context, id instruct.RequestID, list []instruct.Delivery) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave(&err)
	if list == nil {
		list = []instruct.Delivery{}
	}
	body, err := json.Marshal(list)
	if err != nil {
		return fmt.Errorf("encode deliveries of %s: %w", id, err)
	}
	err = s.inTx(ctx, refetchable, func(tx *writeTx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO deliveries (request, body, fetched_at) VALUES (?, ?, ?)
			ON CONFLICT (request) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at`,
			int64(id), string(body), micros(s.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("keep deliveries of %s: %w", id, err)
	}
	return nil
}

// Deliveries returns the deliveries of request id the cache keeps, as
// the server last listed them, and whether it keeps any list (false
// before the request was first opened online).
func (s *Store) Deliveries(ctx context.Context, id instruct.RequestID) (_ []instruct.Delivery, _ bool, err error) {
	if err := s.enter(); err != nil {
		return nil, false, err
	}
	defer s.leave(&err)
	var body string
	err = s.read.QueryRowContext(ctx, "SELECT body FROM deliveries WHERE request = ?", int64(id)).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read deliveries of %s: %w", id, err)
	}
	var list []instruct.Delivery
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		return nil, false, fmt.Errorf("decode deliveries of %s: %w", id, err)
	}
	return list, true, nil
}
