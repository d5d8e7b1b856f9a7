package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/stats"
)

// StatHistories returns what the statistics read of every cached
// request (package stats), by request number: the same marks the
// server's ledger gives, with who made each decision. The histories are
// kept until the cache changes, and shared: callers must not change them.
func (s *Store) StatHistories(ctx context.Context) (_ []stats.History, err error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave(&err)
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	if s.statsMemo.valid {
		var gen int64
		if err := s.read.QueryRowContext(ctx, generationQuery).Scan(&gen); err != nil {
			return nil, fmt.Errorf("read generation: %w", err)
		}
		if gen == s.statsMemo.gen {
			return s.statsMemo.histories, nil
		}
	}
	memo, err := s.loadStatHistories(ctx)
	if err != nil {
		return nil, fmt.Errorf("read statistics: %w", err)
	}
	s.statsMemo = memo
	return memo.histories, nil
}

// generationQuery reads the cache's generation, which every write moves.
const generationQuery = "SELECT coalesce((SELECT value FROM meta WHERE key = 'generation'), 0)"

// statHistories are the histories read at one generation of the cache.
type statHistories struct {
	valid     bool
	gen       int64
	histories []stats.History
}

// loadStatHistories reads every row of stat_marks and the generation
// they are at, in one statement (one consistent read).
func (s *Store) loadStatHistories(ctx context.Context) (statHistories, error) {
	memo := statHistories{valid: true}
	defs := map[string]string{} // one string per definition
	query := "SELECT g.value, request, definition, marks FROM (" + generationQuery + " AS value) AS g LEFT JOIN stat_marks ON true ORDER BY request"
	err := s.rawQuery(ctx, query, nil, func(v []driver.Value) error {
		memo.gen, _ = v[0].(int64)
		if v[1] == nil {
			return nil
		}
		n, _ := v[1].(int64)
		def := asString(v[2])
		if known, ok := defs[def]; ok {
			def = known
		} else {
			defs[def] = def
		}
		blob, _ := v[3].([]byte)
		marks, err := decodeStatMarks(blob)
		if err != nil {
			return fmt.Errorf("request %s: %w", instruct.RequestID(n), err)
		}
		memo.histories = append(memo.histories, stats.History{Request: instruct.RequestID(n), Definition: def, Marks: marks.marks()})
		return nil
	})
	return memo, err
}

// asString returns a text column's value.
func asString(v driver.Value) string {
	switch t := v.(type) {
	case string:
		return t
	case []byte:
		return string(t)
	}
	return ""
}

// statMark is a mark as the cache keeps it: with its event's seq, which
// merging the events of later pages goes by.
type statMark struct {
	seq int64
	stats.Mark
}

type statMarks []statMark

func (ms statMarks) marks() []stats.Mark {
	out := make([]stats.Mark, len(ms))
	for i, m := range ms {
		out[i] = m.Mark
	}
	return out
}

// marksOf returns the marks among events.
func marksOf(events []instruct.Event) statMarks {
	var out statMarks
	for _, e := range events {
		if stats.Counts(e.Kind) {
			m := statMark{seq: e.Seq, Mark: stats.Mark{Kind: e.Kind, At: micros(e.At)}}
			if e.Kind.IsDecision() {
				m.Actor = e.Actor.ID
			}
			out = append(out, m)
		}
	}
	return out
}

// merge returns the marks of ms and more, once each, in seq order.
func (ms statMarks) merge(more statMarks) statMarks {
	for _, m := range more {
		i, found := slices.BinarySearchFunc(ms, m.seq, func(a statMark, seq int64) int { return cmp.Compare(a.seq, seq) })
		if !found {
			ms = slices.Insert(ms, i, m)
		}
	}
	return ms
}

// markKinds numbers the kinds of marks in the blob; append only.
var markKinds = []instruct.Kind{instruct.KindSubmit, instruct.KindApprove, instruct.KindRefuse,
	instruct.KindRequestChanges, instruct.KindCancelReopening, instruct.KindRevoke, instruct.KindArchive}

// encode packs the marks: for each, its seq, kind, time and actor as
// varints and bytes.
func (ms statMarks) encode() []byte {
	var b []byte
	for _, m := range ms {
		b = binary.AppendUvarint(b, uint64(m.seq))
		b = append(b, byte(slices.Index(markKinds, m.Kind)))
		b = binary.AppendVarint(b, m.At)
		b = binary.AppendUvarint(b, uint64(len(m.Actor)))
		b = append(b, m.Actor...)
	}
	return b
}

// decodeStatMarks unpacks what encode packed.
func decodeStatMarks(b []byte) (statMarks, error) {
	var out statMarks
	for len(b) > 0 {
		seq, n := binary.Uvarint(b)
		if n <= 0 || n >= len(b) || int(b[n]) >= len(markKinds) {
			return nil, fmt.Errorf("damaged statistics marks")
		}
		m := statMark{seq: int64(seq), Mark: stats.Mark{Kind: markKinds[b[n]]}}
		b = b[n+1:]
		var k int
		if m.At, k = binary.Varint(b); k <= 0 {
			return nil, fmt.Errorf("damaged statistics marks")
		}
		b = b[k:]
		size, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < size {
			return nil, fmt.Errorf("damaged statistics marks")
		}
		if size > 0 {
			m.Actor = string(b[k : k+int(size)])
		}
		b = b[k+int(size):]
		out = append(out, m)
	}
	return out, nil
}

// writeStatMarks adds the marks of a page's items to the cached ones, in
// the page's transaction.
func writeStatMarks(ctx context.Context, tx *writeTx, items []feedItem) error {
	byID := map[int64]*statRow{}
	var ids []int64
	for _, it := range items {
		if len(it.marks) == 0 {
			continue
		}
		r := byID[it.row.id]
		if r == nil {
			r = &statRow{definition: it.row.definition}
			byID[it.row.id] = r
			ids = append(ids, it.row.id)
		}
		r.marks = r.marks.merge(it.marks)
	}
	if len(ids) == 0 {
		return nil
	}
	err := eachByID(ctx, tx, "SELECT request, marks FROM stat_marks WHERE request", ids, func(rows *sql.Rows) error {
		var n int64
		var blob []byte
		if err := rows.Scan(&n, &blob); err != nil {
			return err
		}
		cached, err := decodeStatMarks(blob)
		if err != nil {
			cached = nil // rebuilt from what the page brings; a resync brings the rest
		}
		byID[n].marks = cached.merge(byID[n].marks)
		return nil
	})
	if err != nil {
		return fmt.Errorf("read statistics marks: %w", err)
	}
	ins := rowInserter{head: "INSERT INTO stat_marks (request, definition, marks) VALUES", cols: 3,
		tail: " ON CONFLICT (request) DO UPDATE SET definition = excluded.definition, marks = excluded.marks", rows: batchRows}
	for _, n := range ids {
		ins.add(n, byID[n].definition, byID[n].marks.encode())
	}
	return ins.flush(ctx, tx)
}

// statRow is a request's row of stat_marks being written.
type statRow struct {
	definition string
	marks      statMarks
}
