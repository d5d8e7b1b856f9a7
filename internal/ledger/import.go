package ledger

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// importBatchSize is how many histories one import transaction holds.
const importBatchSize = 2000

// Import stores whole histories, such as the demo data, in batched
// transactions: each request with its events, which get the next seqs and
// hashes in the order given. A request keeps its ID when it has one (a
// number already taken fails the batch), else it gets the next number.
// The version each event produced is counted back from the request's
// version, so stale answers stay exact. Every history needs one event at
// least.
func (l *Ledger) Import(ctx context.Context, hs []instruct.History) error {
	for start := 0; start < len(hs); start += importBatchSize {
		batch := hs[start:min(start+importBatchSize, len(hs))]
		if err := l.inWrite(ctx, func(tx *txn) error { return l.importBatch(ctx, tx, batch) }); err != nil {
			return fmt.Errorf("import histories %d to %d: %w", start, start+len(batch)-1, err)
		}
	}
	l.log.Info("ledger import done", "histories", len(hs))
	return nil
}

// importer holds the chain position of one batch and the rows it has yet
// to insert.
type importer struct {
	k        link
	next     instruct.RequestID
	nextHab  instruct.HabilitationID
	requests rows
	events   rows
	habs     rows
}

func (l *Ledger) importBatch(ctx context.Context, tx *txn, hs []instruct.History) error {
	total, err := countEvents(hs)
	if err != nil {
		return err
	}
	im := importer{requests: rows{insert: insertRequestSQL}, events: rows{insert: insertEventSQL}, habs: rows{insert: insertHabilitationSQL}}
	im.k = reserve(tx, total)
	if im.next, err = l.nextNumber(ctx, tx); err != nil {
		return err
	}
	if im.nextHab, err = l.nextHabilitationNumber(ctx, tx); err != nil {
		return err
	}
	for i := range hs {
		if err := im.history(hs[i]); err != nil {
			return err
		}
	}
	setHead(tx, im.k.head)
	if err := im.requests.flush(ctx, tx); err != nil {
		return fmt.Errorf("insert requests: %w", err)
	}
	if err := im.events.flush(ctx, tx); err != nil {
		return fmt.Errorf("insert events: %w", err)
	}
	if err := im.habs.flush(ctx, tx); err != nil {
		return fmt.Errorf("insert habilitations: %w", err)
	}
	return nil
}

// rowsPerInsert is how many rows one multi-row INSERT of an import holds.
const rowsPerInsert = 100

// rows collects the rows of an INSERT … VALUES (?, …) statement and
// inserts them many at a time: a statement per row costs a round trip on
// PostgreSQL.
type rows struct {
	insert string
	rows   [][]any
}

func (r *rows) add(args []any) { r.rows = append(r.rows, args) }

// flush inserts the rows collected, by chunks of rowsPerInsert, the rest
// one by one, so that the statements keep a few shapes, all prepared.
func (r *rows) flush(ctx context.Context, tx *txn) error {
	chunk := multiRow(r.insert, rowsPerInsert)
	for len(r.rows) > 0 {
		query, n := chunk, rowsPerInsert
		if len(r.rows) < rowsPerInsert {
			query, n = r.insert, 1
		}
		if _, err := tx.ExecContext(ctx, query, slices.Concat(r.rows[:n]...)...); err != nil {
			return err
		}
		r.rows = r.rows[n:]
	}
	return nil
}

// multiRow turns an INSERT of one row, which ends with its VALUES tuple,
// into an INSERT of n rows.
func multiRow(insert string, n int) string {
	i := strings.LastIndex(insert, "(")
	tuples := strings.Repeat(insert[i:]+", ", n)
	return insert[:i] + strings.TrimSuffix(tuples, ", ")
}

// countEvents returns the number of events of hs, refusing a history
// without any.
func countEvents(hs []instruct.History) (int64, error) {
	var n int64
	for _, h := range hs {
		if len(h.Events) == 0 {
			return 0, instruct.Errorf(instruct.CodeInvalid, "a history needs one event at least")
		}
		n += int64(len(h.Events))
	}
	return n, nil
}

// history collects the rows of h: its request, then its events in order.
func (im *importer) history(h instruct.History) error {
	number, err := im.number(h.Request.ID)
	if err != nil {
		return err
	}
	r := h.Request
	r.ID = number
	if err := im.habilitations(&r, h.Habilitations); err != nil {
		return err
	}
	versions := eventVersions(h.Events, r.Version)
	if r.Version == 0 {
		r.Version = versions[len(versions)-1]
	}
	args, _, err := requestArgs(storedRequest{request: r, number: number, createdBy: h.CreatedBy, seq: im.k.seq + int64(len(h.Events))})
	if err != nil {
		return err
	}
	im.requests.add(args)
	for i, e := range h.Events {
		if err := im.event(number, versions[i], e, r); err != nil {
			return err
		}
	}
	return nil
}

// habilitations collects the rows of habs, the habilitations of request
// r: each keeps its ID when it has one, else gets the next number; r's
// habilitation_ids are theirs, in order.
func (im *importer) habilitations(r *instruct.Request, habs []instruct.Habilitation) error {
	r.HabilitationIDs = make([]instruct.HabilitationID, 0, len(habs))
	for _, h := range habs {
		if h.ID < 0 {
			return instruct.Errorf(instruct.CodeInvalid, "an imported habilitation has a negative number")
		}
		if h.ID == 0 {
			h.ID = im.nextHab
		}
		im.nextHab = max(im.nextHab, h.ID+1)
		h.RequestID, h.Definition = r.ID, r.Definition
		args, err := habilitationArgs(h)
		if err != nil {
			return err
		}
		im.habs.add(args)
		r.HabilitationIDs = append(r.HabilitationIDs, h.ID)
	}
	return nil
}

// number returns the number of a request whose ID is id, or the next one.
func (im *importer) number(id instruct.RequestID) (instruct.RequestID, error) {
	if id < 0 {
		return 0, instruct.Errorf(instruct.CodeInvalid, "an imported request has a negative number")
	}
	n := im.next
	if id != 0 {
		n = id
	}
	im.next = max(im.next, n+1)
	return n, nil
}

// event chains e, an event of request r (number), and collects its row.
func (im *importer) event(number instruct.RequestID, version int64, e instruct.Event, r instruct.Request) error {
	im.k.seq++
	e.Seq, e.RequestID = im.k.seq, r.ID
	if e.At.IsZero() {
		e.At = r.CreatedAt
	}
	s, err := seal(e, im.k.head)
	if err != nil {
		return err
	}
	im.events.add(eventArgs(number, version, s))
	im.k.head = s.hash
	return nil
}

// eventVersions returns the version of the request after each event:
// every event but notes, messages, claims and releases bumps it, and the last one leaves it
// at final (or at the count of bumps when final is 0).
func eventVersions(events []instruct.Event, final int64) []int64 {
	var bumps int64
	for _, e := range events {
		if e.Kind.ChangesVersion() {
			bumps++
		}
	}
	if final == 0 {
		final = bumps
	}
	versions := make([]int64, len(events))
	v := final - bumps
	for i, e := range events {
		if e.Kind.ChangesVersion() {
			v++
		}
		versions[i] = v
	}
	return versions
}

// IsEmpty reports whether the ledger holds no request yet.
func (l *Ledger) IsEmpty(ctx context.Context) (bool, error) {
	var n int
	if err := l.reader.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM requests LIMIT 1) AS any_request`).Scan(&n); err != nil {
		return false, unavailable(fmt.Errorf("check for requests: %w", err))
	}
	return n == 0, nil
}
