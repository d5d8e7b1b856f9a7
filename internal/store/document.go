package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// SaveDocumentText keeps the text of doc, a document of request id, so
// that it reads offline from now on. The text can be fetched again: it
// commits like the feed's pages.
func (s *Store) SaveDocumentText(ctx context.Context, id instruct.RequestID, doc instruct.Document, t instruct.DocumentContent) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave(&err)
	err = s.inTx(ctx, refetchable, func(tx *writeTx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO document_texts (request, id, sha256, text, cut, fetched_at)
			VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (request, id) DO UPDATE SET sha256 = excluded.sha256, text = excluded.text,
				cut = excluded.cut, fetched_at = excluded.fetched_at`,
			id, doc.ID, doc.SHA256, t.Text, t.Cut, micros(s.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("keep the text of document %s of %s: %w", doc.ID, id, err)
	}
	return nil
}

// DocumentText returns the kept text of doc, a document of request id,
// and whether the cache holds it (the text of the same file: a document
// whose SHA-256 changed is not held).
func (s *Store) DocumentText(ctx context.Context, id instruct.RequestID, doc instruct.Document) (_ instruct.DocumentContent, _ bool, err error) {
	if err := s.enter(); err != nil {
		return instruct.DocumentContent{}, false, err
	}
	defer s.leave(&err)
	var t instruct.DocumentContent
	var sum string
	err = s.read.QueryRowContext(ctx, "SELECT sha256, text, cut FROM document_texts WHERE request = ? AND id = ?", id, doc.ID).
		Scan(&sum, &t.Text, &t.Cut)
	if errors.Is(err, sql.ErrNoRows) || err == nil && sum != doc.SHA256 {
		return instruct.DocumentContent{}, false, nil
	}
	if err != nil {
		return instruct.DocumentContent{}, false, fmt.Errorf("read the text of document %s of %s: %w", doc.ID, id, err)
	}
	return t, true, nil
}
