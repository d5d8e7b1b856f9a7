package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"unicode/utf8"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// link is the position of the next events in the chain: the last seq
// assigned and the hash of the last event.
type link struct {
	seq  int64
	head string
}

// reserve takes the next n seqs of the server-wide sequence in write
// transaction tx and returns the position before them. The transaction
// read the counter row when it began, under the write lock, and writes it
// back before it commits.
func reserve(tx *txn, n int64) link {
	k := tx.chain
	tx.chain.seq += n
	tx.chainMoved = true
	return k
}

// setHead records the hash of the chain's last event in tx.
func setHead(tx *txn, head string) { tx.chain.head = head }

// loadChain reads the counter row at the start of write transaction tx
// (locking it on PostgreSQL).
func (l *Ledger) loadChain(ctx context.Context, tx *txn) error {
	if err := tx.QueryRowContext(ctx, l.d.loadChain).Scan(&tx.chain.seq, &tx.chain.head); err != nil {
		return fmt.Errorf("read the seq counter: %w", err)
	}
	return nil
}

// saveChain writes the counter row back if tx took seqs.
func (l *Ledger) saveChain(ctx context.Context, tx *txn) error {
	if !tx.chainMoved {
		return nil
	}
	if _, err := tx.ExecContext(ctx, l.d.saveChain, tx.chain.seq, tx.chain.head); err != nil {
		return fmt.Errorf("write the seq counter: %w", err)
	}
	return nil
}

// sealed is an event ready to append: its normalised form, the canonical
// JSON stored and hashed, and the hashes that chain it.
type sealed struct {
	event    instruct.Event
	body     []byte
	prevHash string
	hash     string
}

// seal chains e after prevHash. The event is first normalised to what
// its canonical JSON reads back as (diff values become plain JSON values,
// the time UTC), so that the event read back from the stored body encodes
// to the very bytes hashed, and anyone recomputing instruct.ChainHash over
// the event as served finds the same hash.
func seal(e instruct.Event, prevHash string) (sealed, error) {
	norm, body, err := normalise(e)
	if err != nil {
		return sealed{}, err
	}
	return sealed{event: norm, body: body, prevHash: prevHash, hash: chainHash(prevHash, body)}, nil
}

// normalise returns e as its canonical JSON reads back, and that JSON.
// An event without diff and with valid UTF-8 text reads back as itself
// with its time in UTC; any other takes the round trip.
func normalise(e instruct.Event) (instruct.Event, []byte, error) {
	first, err := instruct.CanonicalJSON(e)
	if err != nil {
		return instruct.Event{}, nil, fmt.Errorf("encode event: %w", err)
	}
	if len(e.Diff) == 0 && validText(e) {
		e.At = e.At.UTC()
		return e, first, nil
	}
	norm, err := decodeEvent(string(first))
	if err != nil {
		return instruct.Event{}, nil, fmt.Errorf("normalise event: %w", err)
	}
	body, err := instruct.CanonicalJSON(norm)
	if err != nil {
		return instruct.Event{}, nil, fmt.Errorf("encode event: %w", err)
	}
	return norm, body, nil
}

// validText reports whether every text of e is valid UTF-8, which JSON
// keeps as it is.
func validText(e instruct.Event) bool {
	for _, s := range []string{string(e.Kind), e.Actor.ID, e.Actor.Name, e.Comment} {
		if !utf8.ValidString(s) {
			return false
		}
	}
	return true
}

// chainHash is instruct.ChainHash over an event's canonical JSON already
// encoded: the hex SHA-256 of prevHash followed by body.
func chainHash(prevHash string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(prevHash))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// insertEventSQL stores an event; eventArgs are its arguments.
const insertEventSQL = `INSERT INTO events (seq, request_number, kind, version, at, prev_hash, hash, body)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// eventArgs returns the arguments of insertEventSQL for s, an event of
// request number which it brought to version.
func eventArgs(number instruct.RequestID, version int64, s sealed) []any {
	return []any{s.event.Seq, number, string(s.event.Kind), version, s.event.At.UnixNano(), s.prevHash, s.hash, string(s.body)}
}

// insertEvent stores s as an event of request number, which it brought
// to version.
func (l *Ledger) insertEvent(ctx context.Context, tx querier, number instruct.RequestID, version int64, s sealed) error {
	if _, err := tx.ExecContext(ctx, insertEventSQL, eventArgs(number, version, s)...); err != nil {
		return fmt.Errorf("insert event %d of %s: %w", s.event.Seq, number, err)
	}
	return nil
}

// appendEvent records e as the next event of the chain, for request
// number at version, and returns the event as stored. The request row
// must exist; k is the chain position reserve returned before e.
func (l *Ledger) appendEvent(ctx context.Context, tx *txn, number instruct.RequestID, version int64, e instruct.Event, k link) (instruct.Event, error) {
	e.Seq = k.seq + 1
	e.RequestID = number
	s, err := seal(e, k.head)
	if err != nil {
		return instruct.Event{}, err
	}
	if err := l.insertEvent(ctx, tx, number, version, s); err != nil {
		return instruct.Event{}, err
	}
	setHead(tx, s.hash)
	return s.event, nil
}
