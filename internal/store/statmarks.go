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
	var rd markReader
	query := "SELECT g.value, chunk, marks FROM (" + generationQuery + " AS value) AS g LEFT JOIN stat_marks ON true"
	err := s.rawQuery(ctx, query, nil, func(v []driver.Value) error {
		memo.gen, _ = v[0].(int64)
		if v[1] == nil {
			return nil
		}
		blob, _ := v[2].([]byte)
		var err error
		memo.histories, err = rd.appendChunk(memo.histories, blob)
		return err
	})
	return memo, err
}

// markReader decodes rows of stat_marks into histories with few
// allocations: marks go into large blocks, and the few distinct
// definitions and actors are one string each.
type markReader struct {
	block   []stats.Mark
	strings map[string]string
}

// markBlock is how many marks a block holds.
const markBlock = 1 << 16

// intern returns b as a string, the same one each time.
func (rd *markReader) intern(b []byte) string {
	if s, ok := rd.strings[string(b)]; ok {
		return s
	}
	if rd.strings == nil {
		rd.strings = map[string]string{}
	}
	s := string(b)
	rd.strings[s] = s
	return s
}

// appendChunk appends the histories of a row of stat_marks to hs.
func (rd *markReader) appendChunk(hs []stats.History, b []byte) ([]stats.History, error) {
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 {
			return hs, errDamagedMarks
		}
		def, rest, ok := cutPrefixed(b[k:])
		if !ok {
			return hs, errDamagedMarks
		}
		blob, rest, ok := cutPrefixed(rest)
		if !ok {
			return hs, errDamagedMarks
		}
		marks, err := rd.marks(blob)
		if err != nil {
			return hs, err
		}
		hs = append(hs, stats.History{Request: instruct.RequestID(n), Definition: rd.intern(def), Marks: marks})
		b = rest
	}
	return hs, nil
}

// marks decodes a request's marks (see statMarks.encode) into the block.
func (rd *markReader) marks(b []byte) ([]stats.Mark, error) {
	if cap(rd.block)-len(rd.block) < len(b)/3+1 { // a mark takes 3 bytes at least
		rd.block = make([]stats.Mark, 0, max(markBlock, len(b)))
	}
	start := len(rd.block)
	for len(b) > 0 {
		_, n := binary.Uvarint(b)
		if n <= 0 || n >= len(b) || int(b[n]) >= len(markKinds) {
			return nil, errDamagedMarks
		}
		m := stats.Mark{Kind: markKinds[b[n]]}
		var k int
		if m.At, k = binary.Varint(b[n+1:]); k <= 0 {
			return nil, errDamagedMarks
		}
		actor, rest, ok := cutPrefixed(b[n+1+k:])
		if !ok {
			return nil, errDamagedMarks
		}
		if len(actor) > 0 {
			m.Actor = rd.intern(actor)
		}
		rd.block = append(rd.block, m)
		b = rest
	}
	return rd.block[start:len(rd.block):len(rd.block)], nil
}

// statMark is a mark as the cache keeps it: with its event's seq, which
// merging the events of later pages goes by.
type statMark struct {
	seq int64
	stats.Mark
}

type statMarks []statMark

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
			return nil, errDamagedMarks
		}
		m := statMark{seq: int64(seq), Mark: stats.Mark{Kind: markKinds[b[n]]}}
		b = b[n+1:]
		var k int
		if m.At, k = binary.Varint(b); k <= 0 {
			return nil, errDamagedMarks
		}
		b = b[k:]
		size, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < size {
			return nil, errDamagedMarks
		}
		if size > 0 {
			m.Actor = string(b[k : k+int(size)])
		}
		b = b[k+int(size):]
		out = append(out, m)
	}
	return out, nil
}

// statChunk is how many consecutive requests share a row of
// stat_marks: reading 100,000 requests' marks then reads a few thousand
// rows, not 100,000, and a page of the feed rewrites a few rows of about
// a page each.
const statChunk = 32

// statRow is a request's marks, with its definition.
type statRow struct {
	definition string
	marks      statMarks
}

// chunkRows are the requests of one row of stat_marks.
type chunkRows map[int64]*statRow

// encodeChunk packs a row of stat_marks: for each request, by number,
// its number, its definition and its marks, each length-prefixed.
func encodeChunk(rows chunkRows) []byte {
	ids := make([]int64, 0, len(rows))
	for n := range rows {
		ids = append(ids, n)
	}
	slices.Sort(ids)
	var b []byte
	for _, n := range ids {
		r := rows[n]
		marks := r.marks.encode()
		b = binary.AppendUvarint(b, uint64(n))
		b = binary.AppendUvarint(b, uint64(len(r.definition)))
		b = append(b, r.definition...)
		b = binary.AppendUvarint(b, uint64(len(marks)))
		b = append(b, marks...)
	}
	return b
}

// eachStatRow calls fn with each request of a row of stat_marks.
func eachStatRow(b []byte, fn func(n int64, def string, marks statMarks)) error {
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 {
			return errDamagedMarks
		}
		b = b[k:]
		def, rest, ok := cutPrefixed(b)
		if !ok {
			return errDamagedMarks
		}
		blob, rest, ok := cutPrefixed(rest)
		if !ok {
			return errDamagedMarks
		}
		marks, err := decodeStatMarks(blob)
		if err != nil {
			return err
		}
		fn(int64(n), string(def), marks)
		b = rest
	}
	return nil
}

var errDamagedMarks = fmt.Errorf("damaged statistics marks")

// cutPrefixed returns the length-prefixed bytes at the start of b and
// what follows them.
func cutPrefixed(b []byte) (field, rest []byte, ok bool) {
	size, k := binary.Uvarint(b)
	if k <= 0 || uint64(len(b)-k) < size {
		return nil, nil, false
	}
	return b[k : k+int(size)], b[k+int(size):], true
}

// writeStatMarks adds the marks of a page's items to the cached ones, in
// the page's transaction: each row of stat_marks the page touches is read,
// merged and written again.
func writeStatMarks(ctx context.Context, tx *writeTx, items []feedItem) error {
	chunks := map[int64]chunkRows{}
	var touched []int64
	for _, it := range items {
		if len(it.marks) == 0 {
			continue
		}
		c := it.row.id / statChunk
		if chunks[c] == nil {
			chunks[c] = chunkRows{}
			touched = append(touched, c)
		}
		r := chunks[c][it.row.id]
		if r == nil {
			r = &statRow{definition: it.row.definition}
			chunks[c][it.row.id] = r
		}
		r.marks = r.marks.merge(it.marks)
	}
	if len(touched) == 0 {
		return nil
	}
	err := eachByID(ctx, tx, "SELECT chunk, marks FROM stat_marks WHERE chunk", touched, func(rows *sql.Rows) error {
		var c int64
		var blob []byte
		if err := rows.Scan(&c, &blob); err != nil {
			return err
		}
		// A damaged row is rebuilt from what the page brings; a resync
		// brings the rest.
		_ = eachStatRow(blob, func(n int64, def string, marks statMarks) {
			if r := chunks[c][n]; r != nil {
				r.marks = marks.merge(r.marks)
			} else {
				chunks[c][n] = &statRow{definition: def, marks: marks}
			}
		})
		return nil
	})
	if err != nil {
		return fmt.Errorf("read statistics marks: %w", err)
	}
	ins := rowInserter{head: "INSERT INTO stat_marks (chunk, marks) VALUES", cols: 2,
		tail: " ON CONFLICT (chunk) DO UPDATE SET marks = excluded.marks", rows: batchRows}
	for _, c := range touched {
		ins.add(c, encodeChunk(chunks[c]))
	}
	return ins.flush(ctx, tx)
}
