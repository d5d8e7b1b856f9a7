package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// AttachDocument runs m, whose change adds f.Document to the request, in
// one write transaction with the storage of f: its bytes once per
// SHA-256 (a blob already stored is shared), and the attachment itself.
// A replayed m returns the outcome stored with its key and stores
// nothing. The attachment is refused past the quota of document bytes of
// the request's creator (too_large); nothing is kept then.
func (l *Ledger) AttachDocument(ctx context.Context, m instruct.Mutation, f instruct.DocumentFile) (instruct.Outcome, error) {
	f.RequestID = m.RequestID
	out, err := l.applyWith(ctx, m, func(tx *txn) error {
		if err := l.checkDocumentQuota(ctx, tx, m.RequestID, f.Document.Size); err != nil {
			return err
		}
		return l.storeDocument(ctx, tx, f)
	})
	if err != nil {
		return instruct.Outcome{}, fmt.Errorf("attach a document to %s: %w", m.RequestID, err)
	}
	return out, nil
}

// DetachDocument runs m, whose change removes document id from the
// request, in one write transaction with the removal of the attachment,
// and of its bytes when no other document holds them.
func (l *Ledger) DetachDocument(ctx context.Context, m instruct.Mutation, id string) (instruct.Outcome, error) {
	out, err := l.applyWith(ctx, m, func(tx *txn) error { return l.removeDocument(ctx, tx, m.RequestID, id) })
	if err != nil {
		return instruct.Outcome{}, fmt.Errorf("detach document from %s: %w", m.RequestID, err)
	}
	return out, nil
}

// applyWith runs m as Apply does, then, unless it was a replay, more in
// the same transaction. It runs apart from the group commit: a document's
// bytes would hold up the decisions committed with them.
func (l *Ledger) applyWith(ctx context.Context, m instruct.Mutation, more func(tx *txn) error) (instruct.Outcome, error) {
	if m.Change == nil {
		return instruct.Outcome{}, instruct.Errorf(instruct.CodeInvalid, "a mutation needs a change to apply")
	}
	var out instruct.Outcome
	err := l.inWrite(ctx, func(tx *txn) error {
		var err error
		if out, err = l.apply(ctx, tx, m); err != nil || out.Replayed {
			return unrefused(err)
		}
		return more(tx)
	})
	return out, err
}

// unrefused returns the error a refusal wraps, or err itself.
func unrefused(err error) error {
	var r *refusal
	if errors.As(err, &r) {
		return r.err
	}
	return err
}

// documentBytesSQL sums the documents attached to the requests of the
// creator of request ?.
const documentBytesSQL = `SELECT COALESCE(SUM(d.size), 0) FROM documents d JOIN requests r ON r.number = d.request_number
	WHERE r.created_by = (SELECT created_by FROM requests WHERE number = ?)`

// checkDocumentQuota refuses a document of size bytes that would bring
// what the creator of request id holds in documents past their quota.
func (l *Ledger) checkDocumentQuota(ctx context.Context, tx querier, id instruct.RequestID, size int64) error {
	var held int64
	if err := tx.QueryRowContext(ctx, documentBytesSQL, id).Scan(&held); err != nil {
		return fmt.Errorf("read what the applicant holds in documents: %w", err)
	}
	if held+size > l.quotas.DocumentBytes {
		return instruct.Errorf(instruct.CodeTooLarge,
			"your documents would weigh %d KiB, the most allowed is %d KiB: remove documents you no longer need",
			(held+size)>>10, l.quotas.DocumentBytes>>10)
	}
	return nil
}

// storeDocument stores f's bytes unless a blob of the same SHA-256 is
// stored already, and the attachment.
func (l *Ledger) storeDocument(ctx context.Context, tx querier, f instruct.DocumentFile) error {
	d := f.Document
	_, err := tx.ExecContext(ctx, `INSERT INTO blobs (sha256, content_type, size, pages, text_state, text, bytes)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
		d.SHA256, d.ContentType, d.Size, d.Pages, string(d.Text), f.Text, f.Bytes)
	if err != nil {
		return fmt.Errorf("store the bytes of document %s: %w", d.ID, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO documents (id, request_number, sha256, size, created_at) VALUES (?, ?, ?, ?, ?)`,
		d.ID, f.RequestID, d.SHA256, d.Size, d.CreatedAt.UnixNano())
	if err != nil {
		return fmt.Errorf("store document %s: %w", d.ID, err)
	}
	return nil
}

// removeDocument deletes document id of request number, and its blob
// when no other document names it.
func (l *Ledger) removeDocument(ctx context.Context, tx querier, number instruct.RequestID, id string) error {
	var sum string
	err := tx.QueryRowContext(ctx, `SELECT sha256 FROM documents WHERE id = ? AND request_number = ?`, id, number).Scan(&sum)
	if errors.Is(err, sql.ErrNoRows) {
		return instruct.Errorf(instruct.CodeNotFound, "no document %s on %s", id, number)
	}
	if err != nil {
		return fmt.Errorf("read document %s: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE id = ?`, id); err != nil {
		return fmt.Errorf("delete document %s: %w", id, err)
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM blobs WHERE sha256 = ? AND NOT EXISTS (SELECT 1 FROM documents WHERE sha256 = ?)`, sum, sum)
	if err != nil {
		return fmt.Errorf("delete the bytes of document %s: %w", id, err)
	}
	return nil
}

// ImportDocuments stores documents whose requests already carry their
// metadata, such as the demo's, in one write transaction, without
// events.
func (l *Ledger) ImportDocuments(ctx context.Context, files []instruct.DocumentFile) error {
	err := l.inWrite(ctx, func(tx *txn) error {
		for _, f := range files {
			if err := l.storeDocument(ctx, tx, f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("import documents: %w", err)
	}
	return nil
}

// DocumentRequest returns the request document id is attached to, or
// not_found.
func (l *Ledger) DocumentRequest(ctx context.Context, id string) (instruct.RequestID, error) {
	var number instruct.RequestID
	err := l.reader.QueryRowContext(ctx, `SELECT request_number FROM documents WHERE id = ?`, id).Scan(&number)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, instruct.Errorf(instruct.CodeNotFound, "no document %s", id)
	}
	if err != nil {
		return 0, unavailable(fmt.Errorf("read document %s: %w", id, err))
	}
	return number, nil
}

// DocumentBytes returns the bytes of document id, or not_found.
func (l *Ledger) DocumentBytes(ctx context.Context, id string) ([]byte, error) {
	var b []byte
	err := l.reader.QueryRowContext(ctx, `SELECT b.bytes FROM documents d JOIN blobs b ON b.sha256 = d.sha256 WHERE d.id = ?`, id).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, instruct.Errorf(instruct.CodeNotFound, "no document %s", id)
	}
	if err != nil {
		return nil, unavailable(fmt.Errorf("read document %s: %w", id, err))
	}
	return b, nil
}

// DocumentText returns the text extracted from document id, "" when it
// has none, or not_found.
func (l *Ledger) DocumentText(ctx context.Context, id string) (string, error) {
	var text string
	err := l.reader.QueryRowContext(ctx, `SELECT b.text FROM documents d JOIN blobs b ON b.sha256 = d.sha256 WHERE d.id = ?`, id).Scan(&text)
	if errors.Is(err, sql.ErrNoRows) {
		return "", instruct.Errorf(instruct.CodeNotFound, "no document %s", id)
	}
	if err != nil {
		return "", unavailable(fmt.Errorf("read document %s: %w", id, err))
	}
	return text, nil
}
