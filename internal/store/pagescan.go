package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"

	"github.com/google/uuid"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// The outbox's rows are salvaged straight from the file's pages when
// SQLite can't read the file (its first page, with the header and the
// schema, is damaged): every table leaf page is decoded by the file
// format's rules, and the records shaped like an outbox row are kept.
// The write-ahead log's committed frames stand in for the pages they
// replace. Nothing here trusts the header but to guess the page size.

// pageImage is an SQLite file read page by page, its write-ahead log's
// committed pages over the main file's.
type pageImage struct {
	main, wal *os.File
	size      int
	// pages is the number of pages to read, the main file's or the
	// log's, whichever is more.
	pages uint32
	// logged maps a page number to the offset of its latest committed
	// frame's page in the log.
	logged map[uint32]int64
}

// Limits of the file format.
const (
	minPageSize  = 512
	maxPageSize  = 65536
	walHeaderLen = 32
	walFrameLen  = 24
)

func validPageSize(n int) bool {
	return n >= minPageSize && n <= maxPageSize && n&(n-1) == 0
}

// openPageImage opens path and its log, if any, read-only, reading pages
// of size bytes.
func openPageImage(path string, size int) (*pageImage, error) {
	main, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	img := &pageImage{main: main, size: size, logged: map[uint32]int64{}}
	info, err := main.Stat()
	if err != nil {
		main.Close()
		return nil, err
	}
	img.pages = uint32(min(info.Size()/int64(size), math.MaxUint32))
	if wal, err := os.Open(path + "-wal"); err == nil {
		img.wal = wal
		img.readLog()
	}
	return img, nil
}

func (img *pageImage) close() {
	img.main.Close()
	if img.wal != nil {
		img.wal.Close()
	}
}

// readLog indexes the log's committed frames whose salts match its
// header, when its page size is img's.
func (img *pageImage) readLog() {
	head := make([]byte, walHeaderLen)
	if _, err := io.ReadFull(img.wal, head); err != nil || int(binary.BigEndian.Uint32(head[8:12])) != img.size {
		return
	}
	salts := head[16:24]
	frame := make([]byte, walFrameLen)
	uncommitted := map[uint32]int64{}
	for off := int64(walHeaderLen); ; off += int64(walFrameLen + img.size) {
		if _, err := img.wal.ReadAt(frame, off); err != nil || string(frame[8:16]) != string(salts) {
			return
		}
		n := binary.BigEndian.Uint32(frame[0:4])
		uncommitted[n] = off + walFrameLen
		if binary.BigEndian.Uint32(frame[4:8]) != 0 { // a commit
			for n, at := range uncommitted {
				img.logged[n] = at
				img.pages = max(img.pages, n)
			}
			clear(uncommitted)
		}
	}
}

// page reads page n (from 1) into buf.
func (img *pageImage) page(n uint32, buf []byte) error {
	if n == 0 || n > img.pages {
		return errors.New("no such page")
	}
	if at, ok := img.logged[n]; ok {
		_, err := img.wal.ReadAt(buf, at)
		return err
	}
	_, err := img.main.ReadAt(buf, int64(n-1)*int64(img.size))
	return err
}

// leafPayloads calls visit with the payload of each cell of page n when it
// is a table leaf page; cells that don't decode are skipped.
func (img *pageImage) leafPayloads(n uint32, buf []byte, visit func([]byte)) {
	if img.page(n, buf) != nil {
		return
	}
	head := 0
	if n == 1 {
		head = 100 // the file header
	}
	if buf[head] != 0x0d {
		return
	}
	cells := int(binary.BigEndian.Uint16(buf[head+3:]))
	first := head + 8 + 2*cells
	if first > len(buf) {
		return
	}
	for i := range cells {
		ptr := int(binary.BigEndian.Uint16(buf[head+8+2*i:]))
		if ptr < first || ptr >= len(buf) {
			continue
		}
		if payload, ok := img.cellPayload(buf, ptr); ok {
			visit(payload)
		}
	}
}

// cellPayload reads the payload of the table leaf cell at ptr, following
// its overflow pages.
func (img *pageImage) cellPayload(buf []byte, ptr int) ([]byte, bool) {
	total, k := uvarint(buf[ptr:])
	if k == 0 || total > 1<<26 {
		return nil, false
	}
	_, r := uvarint(buf[ptr+k:]) // the rowid
	if r == 0 {
		return nil, false
	}
	at := ptr + k + r
	local := localPayload(int(total), len(buf))
	if at+local > len(buf) || (local < int(total) && at+local+4 > len(buf)) {
		return nil, false
	}
	payload := append(make([]byte, 0, total), buf[at:at+local]...)
	if local == int(total) {
		return payload, true
	}
	next := binary.BigEndian.Uint32(buf[at+local:])
	over := make([]byte, img.size)
	for hops := 0; len(payload) < int(total); hops++ {
		if hops > int(total)/(img.size-4)+1 || img.page(next, over) != nil {
			return nil, false
		}
		next = binary.BigEndian.Uint32(over[:4])
		payload = append(payload, over[4:min(len(over), 4+int(total)-len(payload))]...)
	}
	return payload, true
}

// localPayload is how many bytes of a table leaf cell's payload of total
// bytes sit on its page of usable bytes, the rest going to overflow pages.
func localPayload(total, usable int) int {
	maxLocal := usable - 35
	if total <= maxLocal {
		return total
	}
	minLocal := (usable-12)*32/255 - 23
	k := minLocal + (total-minLocal)%(usable-4)
	if k <= maxLocal {
		return k
	}
	return minLocal
}

// uvarint decodes an SQLite varint (big-endian, up to 9 bytes); n is 0
// when b is too short.
func uvarint(b []byte) (v uint64, n int) {
	for i := 0; i < 9 && i < len(b); i++ {
		if i == 8 {
			return v<<8 | uint64(b[i]), 9
		}
		v = v<<7 | uint64(b[i]&0x7f)
		if b[i]&0x80 == 0 {
			return v, i + 1
		}
	}
	return 0, 0
}

// decodeRecord decodes a record into nil, int64, float64, string (text)
// and []byte (blob) values.
func decodeRecord(b []byte) ([]any, bool) {
	headLen, n := uvarint(b)
	if n == 0 || headLen > uint64(len(b)) || headLen < uint64(n) {
		return nil, false
	}
	var vals []any
	body := int(headLen)
	for at := n; at < int(headLen); {
		t, k := uvarint(b[at:int(headLen)])
		if k == 0 {
			return nil, false
		}
		at += k
		v, size, ok := decodeValue(t, b[body:])
		if !ok {
			return nil, false
		}
		vals = append(vals, v)
		body += size
	}
	return vals, true
}

// decodeValue decodes one value of serial type t from the front of b.
func decodeValue(t uint64, b []byte) (any, int, bool) {
	switch {
	case t == 0:
		return nil, 0, true
	case t <= 6:
		size := [...]int{0, 1, 2, 3, 4, 6, 8}[t]
		if len(b) < size {
			return nil, 0, false
		}
		v := int64(int8(b[0])) // sign-extended
		for _, c := range b[1:size] {
			v = v<<8 | int64(c)
		}
		return v, size, true
	case t == 7:
		if len(b) < 8 {
			return nil, 0, false
		}
		return math.Float64frombits(binary.BigEndian.Uint64(b)), 8, true
	case t == 8 || t == 9:
		return int64(t - 8), 0, true
	case t >= 12:
		size := int((t - 12) / 2)
		if len(b) < size {
			return nil, 0, false
		}
		if t%2 == 1 {
			return string(b[:size]), size, true
		}
		return append([]byte(nil), b[:size]...), size, true
	}
	return nil, 0, false
}

// pageFound is what a page scan found of the outbox: the queued
// operations that read whole, and those seen but not readable whole, by
// ID ("" when even the ID is unreadable).
type pageFound struct {
	ops map[string]instruct.Operation
	bad []string
}

// scanOutboxPages reads the outbox rows from the pages of the file at
// path, trying the page sizes its header or log give, then the usual ones.
func scanOutboxPages(path string) pageFound {
	for _, size := range pageSizes(path) {
		if found, ok := scanOutboxPagesOf(path, size); ok {
			return found
		}
	}
	return pageFound{}
}

// pageSizes lists the page sizes to try: the header's and the log's when
// valid, then SQLite's default, then the others.
func pageSizes(path string) []int {
	var sizes []int
	if h, err := readHeader(path); err == nil && validPageSize(int(h.pageSize)) {
		sizes = append(sizes, int(h.pageSize))
	}
	if f, err := os.Open(path + "-wal"); err == nil {
		head := make([]byte, walHeaderLen)
		if _, err := io.ReadFull(f, head); err == nil {
			sizes = append(sizes, int(binary.BigEndian.Uint32(head[8:12])))
		}
		f.Close()
	}
	sizes = append(sizes, 4096, 1024, 2048, 8192, 16384, 32768, 65536, 512)
	var out []int
	seen := map[int]bool{}
	for _, s := range sizes {
		if validPageSize(s) && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// scanOutboxPagesOf scans with one page size; ok reports whether any
// record shaped like an outbox row turned up.
func scanOutboxPagesOf(path string, size int) (pageFound, bool) {
	img, err := openPageImage(path, size)
	if err != nil {
		return pageFound{}, false
	}
	defer img.close()
	found := pageFound{ops: map[string]instruct.Operation{}}
	seen := false
	buf := make([]byte, size)
	for n := uint32(1); n <= img.pages; n++ {
		img.leafPayloads(n, buf, func(payload []byte) {
			op, shaped, whole := outboxRecord(payload)
			switch {
			case !shaped:
				return
			case !whole:
				found.bad = append(found.bad, op.ID)
			case op.State != instruct.OpAccepted && !salvageable(op):
				found.bad = append(found.bad, op.ID)
			default:
				keepLatest(found.ops, op)
			}
			seen = true
		})
	}
	return found, seen
}

// keepLatest keeps op unless ops holds a later state of it: a page freed
// by SQLite may still hold an older copy of a row.
func keepLatest(ops map[string]instruct.Operation, op instruct.Operation) {
	if had, ok := ops[op.ID]; !ok || stateRank(op.State) > stateRank(had.State) {
		ops[op.ID] = op
	}
}

// stateRank orders an operation's states as they follow each other.
func stateRank(s instruct.OpState) int {
	switch s {
	case instruct.OpPending:
		return 1
	case instruct.OpSending:
		return 2
	case instruct.OpConflict, instruct.OpRejected:
		return 3
	case instruct.OpAccepted:
		return 4
	}
	return 0
}

// outboxRecord reads a record as an outbox row (columns in the table's
// order: id, request, kind, comment, base_version, state, reason,
// conflict, created_at, updated_at, then reason_code, force, habilitation
// and target in rows written since they were added). shaped reports
// whether it looks like one (ten to fourteen columns, a UUID first, a
// number second); whole whether every column reads as its type.
func outboxRecord(payload []byte) (op instruct.Operation, shaped, whole bool) {
	vals, ok := decodeRecord(payload)
	if !ok || len(vals) < 10 || len(vals) > 14 {
		return op, false, false
	}
	id, _ := vals[0].(string)
	n, isNum := vals[1].(int64)
	if _, err := uuid.Parse(id); err != nil || len(id) != 36 || !isNum {
		return op, false, false
	}
	op.ID, op.RequestID = id, instruct.RequestID(n)
	kind, ok1 := vals[2].(string)
	comment, ok2 := vals[3].(string)
	base, ok3 := vals[4].(int64)
	state, ok4 := vals[5].(string)
	reason, ok5 := vals[6].(string)
	created, ok6 := vals[8].(int64)
	updated, ok7 := vals[9].(int64)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
		return op, true, false
	}
	op.Kind, op.Comment, op.BaseVersion, op.State, op.Reason = instruct.Kind(kind), comment, base, instruct.OpState(state), reason
	op.CreatedAt, op.UpdatedAt = fromMicros(created), fromMicros(updated)
	if len(vals) >= 11 {
		code, ok := vals[10].(string)
		if !ok {
			return op, true, false
		}
		op.ReasonCode = instruct.Code(code)
	}
	if len(vals) >= 12 {
		force, ok := vals[11].(int64)
		if !ok {
			return op, true, false
		}
		op.Force = force != 0
	}
	if !habilitationColumns(vals, &op) {
		return op, true, false
	}
	if blob, ok := vals[7].([]byte); ok {
		var c conflictJSON
		if json.Unmarshal(blob, &c) == nil {
			op.Conflict = &instruct.StaleError{Current: c.Current, EventsSince: c.EventsSince}
		}
	}
	return op, true, true
}

// habilitationColumns reads the habilitation and target columns of an
// outbox record that has them into op, reporting whether they read as
// their types.
func habilitationColumns(vals []any, op *instruct.Operation) bool {
	if len(vals) >= 13 {
		h, ok := vals[12].(int64)
		if !ok {
			return false
		}
		op.HabilitationID = instruct.HabilitationID(h)
	}
	if len(vals) == 14 {
		to, ok := vals[13].(string)
		if !ok {
			return false
		}
		op.To = to
	}
	return true
}
