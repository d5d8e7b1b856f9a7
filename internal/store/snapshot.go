package store

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// snapshot is an in-memory copy of the queue's light rows at one
// generation of the cache file. The queue, its counts and its searches
// filter and sort it in memory: reading 100,000 rows out of SQLite costs
// more than everything else, so it is done once, then each write of this
// Store patches the rows it changed. A write by another process (a
// headless sync, `instruct decide`) advances the generation past the
// snapshot's, and the next read reloads it.
type snapshot struct {
	gen   int64
	items []instruct.QueueItem
	// num, age and org are the request numbers and the sort keys of
	// items, status and def their shown status and definition as small
	// codes, at the same index: filters read these compact arrays rather
	// than the items, in whatever order.
	num    []int64
	age    []int64
	org    []string
	status []uint8
	def    []uint16
	// defCodes maps a definition to its code in def.
	defCodes map[string]uint16
	// pos maps a request number to its index.
	pos map[int64]int
	// orders caches the indexes of items in each sort order; when stale,
	// items changed since and an order is sorted again before use, which
	// is quick as it is nearly sorted already.
	orders map[instruct.Sort][]int32
	stale  map[instruct.Sort]bool
	// searches holds the matches of the last texts searched, newest
	// first, until the next write.
	searches []textSearch
}

// recentSearches is how many texts' matches a snapshot keeps: the
// screens sharing one cache over SSH each search their own text, and a
// search asks for a window of rows and the counts of the same text.
const recentSearches = 8

// textSearch is what a text matched in a snapshot (see textMatches).
type textSearch struct {
	text    string
	matched []bool
	matches []int32
}

// queueRow is a decoded row of the requests table.
type queueRow struct {
	item   instruct.QueueItem
	n, age int64
	org    string
}

// patch is what a committed write transaction changed in the queue.
type patch struct {
	gen int64
	// complete is set when rows holds every row the transaction changed.
	complete bool
	reset    bool
	rows     []queueRow
}

// queueColumns are the columns decodeQueueRow reads: the request number,
// the short fields packed in one string (shown status, server status,
// operation state, definition), title, organisation, version, submission
// and update times, the age and organisation sort keys, the claim shown,
// the latest decision, and the marks (notes, unread messages) as 0 or 1.
const queueColumns = "id, shown_status || ' ' || status || ' ' || op_state || ' ' || definition, title, org_name, version, submitted_at, updated_at, age_key, org_key, " +
	"claim_id, claim_name, claim_at, decider_id, decider_name, decision_at, (note_seq > 0) | ((message_seq > seen_seq) << 1)"

const queueColumnCount = 16

// setSnapshot replaces the snapshot. Called with snapMu held.
func (s *Store) setSnapshot(snap *snapshot) {
	s.snap = snap
	s.loaded.Store(snap != nil)
}

// hasSnapshot reports whether a snapshot is loaded.
func (s *Store) hasSnapshot() bool {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	return s.snap != nil
}

// applyPatch brings the snapshot to the generation of a transaction this
// Store just committed. Called with snapMu held.
func (s *Store) applyPatch(p patch) {
	if s.snap == nil {
		return
	}
	if s.snap.gen != p.gen-1 || !p.complete {
		s.setSnapshot(nil) // someone else wrote in between: reload on next read
		return
	}
	if p.reset {
		s.setSnapshot(newSnapshot(p.gen, nil))
	}
	s.snap.apply(p.rows)
	s.snap.gen = p.gen
	// Any write may change what a text matches (new scope labels do,
	// without changing a row).
	s.snap.searches = nil
}

// readPatchRows reads the queue rows of the requests the transaction
// touched.
func readPatchRows(ctx context.Context, tx *writeTx) ([]queueRow, error) {
	ids := make([]int64, 0, len(tx.touched))
	for n := range tx.touched {
		ids = append(ids, n)
	}
	var out []queueRow
	var blocks rowBlocks
	values := make([]any, queueColumnCount)
	ptrs := make([]any, queueColumnCount)
	for i := range values {
		ptrs[i] = &values[i]
	}
	err := eachByID(ctx, tx, "SELECT "+queueColumns+" FROM requests WHERE id", ids, func(rows *sql.Rows) error {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		row, err := decodeQueueRow(asDriverValues(values), &blocks)
		out = append(out, row)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read changed rows: %w", err)
	}
	return out, nil
}

func asDriverValues(values []any) []driver.Value {
	out := make([]driver.Value, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}

func newSnapshot(gen int64, rows []queueRow) *snapshot {
	snap := &snapshot{gen: gen, pos: make(map[int64]int, len(rows)),
		orders: map[instruct.Sort][]int32{}, stale: map[instruct.Sort]bool{}, defCodes: map[string]uint16{}}
	snap.grow(len(rows))
	snap.apply(rows)
	return snap
}

func (snap *snapshot) grow(n int) {
	snap.items = slices.Grow(snap.items, n)
	snap.num = slices.Grow(snap.num, n)
	snap.status = slices.Grow(snap.status, n)
	snap.def = slices.Grow(snap.def, n)
	snap.age = slices.Grow(snap.age, n)
	snap.org = slices.Grow(snap.org, n)
}

// apply replaces or adds rows.
func (snap *snapshot) apply(rows []queueRow) {
	if len(rows) == 0 {
		return
	}
	for sort := range snap.orders {
		snap.stale[sort] = true
	}
	for _, r := range rows {
		snap.add(r)
	}
}

// add replaces or appends one row.
func (snap *snapshot) add(r queueRow) {
	st, def := statusCode(r.item.Status), snap.defCode(r.item.Definition)
	if i, ok := snap.pos[r.n]; ok {
		snap.items[i], snap.age[i], snap.org[i] = r.item, r.age, r.org
		snap.status[i], snap.def[i] = st, def
		return
	}
	snap.pos[r.n] = len(snap.items)
	snap.items = append(snap.items, r.item)
	snap.num = append(snap.num, r.n)
	snap.age = append(snap.age, r.age)
	snap.org = append(snap.org, r.org)
	snap.status = append(snap.status, st)
	snap.def = append(snap.def, def)
}

// defCode returns the code of a definition, assigning the next one to a
// new definition.
func (snap *snapshot) defCode(def string) uint16 {
	code, ok := snap.defCodes[def]
	if !ok {
		code = uint16(len(snap.defCodes) + 1)
		snap.defCodes[def] = code
	}
	return code
}

// visibleDefs returns which definitions viewer v may see, marked by
// definition code, or nil when v sees every request. An applicant's
// viewer sees none: the cache holds no request's creator.
func (snap *snapshot) visibleDefs(v instruct.Viewer) []bool {
	if v.All && !v.ApplicantOnly {
		return nil
	}
	visible := make([]bool, len(snap.defCodes)+1)
	if v.ApplicantOnly {
		return visible
	}
	for _, d := range v.Definitions {
		if code, ok := snap.defCodes[d]; ok {
			visible[code] = true
		}
	}
	return visible
}

// statusCode returns a small code of a status, 0 for unknown ones.
func statusCode(st instruct.Status) uint8 {
	switch st {
	case instruct.StatusDraft:
		return 1
	case instruct.StatusSubmitted:
		return 2
	case instruct.StatusChangesRequested:
		return 3
	case instruct.StatusValidated:
		return 4
	case instruct.StatusRefused:
		return 5
	case instruct.StatusRevoked:
		return 6
	case instruct.StatusArchived:
		return 7
	}
	return 0
}

// order returns the indexes of the items in the order of sort, as
// "ORDER BY age_key, id", "updated_at DESC, id DESC" or "org_key, id"
// would give them.
func (snap *snapshot) order(sort instruct.Sort) []int32 {
	o, ok := snap.orders[sort]
	if ok && !snap.stale[sort] {
		return o
	}
	for i := len(o); i < len(snap.items); i++ {
		o = append(o, int32(i))
	}
	slices.SortFunc(o, snap.compare(sort))
	snap.orders[sort] = o
	delete(snap.stale, sort)
	return o
}

// byNumber is the order of the request numbers, which searches follow;
// no query can ask for it (checkSort).
const byNumber instruct.Sort = "number"

func (snap *snapshot) compare(sort instruct.Sort) func(a, b int32) int {
	switch sort {
	case byNumber:
		return func(a, b int32) int { return cmp.Compare(snap.num[a], snap.num[b]) }
	case instruct.SortUpdated:
		return func(a, b int32) int {
			if c := snap.items[b].UpdatedAt.Compare(snap.items[a].UpdatedAt); c != 0 {
				return c
			}
			return cmp.Compare(snap.num[b], snap.num[a])
		}
	case instruct.SortOrganization:
		return func(a, b int32) int {
			if c := strings.Compare(snap.org[a], snap.org[b]); c != 0 {
				return c
			}
			return cmp.Compare(snap.num[a], snap.num[b])
		}
	}
	return func(a, b int32) int {
		if c := cmp.Compare(snap.age[a], snap.age[b]); c != 0 {
			return c
		}
		return cmp.Compare(snap.num[a], snap.num[b])
	}
}

// currentSnapshot returns the snapshot at the cache's current generation,
// loading it when missing or behind. Called with snapMu held.
func (s *Store) currentSnapshot(ctx context.Context) (*snapshot, error) {
	if s.snap != nil {
		var gen int64
		err := s.read.QueryRowContext(ctx, "SELECT coalesce((SELECT value FROM meta WHERE key = 'generation'), 0)").Scan(&gen)
		if err != nil {
			return nil, fmt.Errorf("read generation: %w", err)
		}
		if gen == s.snap.gen {
			return s.snap, nil
		}
	}
	snap, err := s.loadSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	s.setSnapshot(snap)
	return snap, nil
}

// loadSnapshot reads every queue row, and the generation they are at, in
// one statement (one consistent read).
func (s *Store) loadSnapshot(ctx context.Context) (*snapshot, error) {
	var hint int
	if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM requests").Scan(&hint); err != nil {
		return nil, fmt.Errorf("count requests: %w", err)
	}
	snap := newSnapshot(0, nil)
	snap.grow(hint)
	snap.pos = make(map[int64]int, hint)
	blocks := rowBlocks{times: make([]time.Time, 0, hint)} // submission times, in one block
	query := `SELECT g.value, ` + queueColumns + ` FROM
		(SELECT coalesce((SELECT value FROM meta WHERE key = 'generation'), 0) AS value) AS g
		LEFT JOIN requests ON true`
	err := s.rawQuery(ctx, query, nil, func(v []driver.Value) error {
		snap.gen, _ = v[0].(int64)
		if v[1] == nil {
			return nil // no request at all
		}
		row, err := decodeQueueRow(v[1:], &blocks)
		snap.add(row)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read queue: %w", err)
	}
	return snap, nil
}

// rowBlocks holds what many queue rows point to, so that decoding them
// allocates in blocks rather than once a row: their times, and the people
// who decided them (a few, each the same pointer).
type rowBlocks struct {
	times  []time.Time
	actors map[instruct.Actor]*instruct.Actor
}

// time returns a pointer to t, kept in the current block.
func (b *rowBlocks) time(t time.Time) *time.Time {
	if len(b.times) == cap(b.times) {
		b.times = make([]time.Time, 0, 1024)
	}
	b.times = append(b.times, t)
	return &b.times[len(b.times)-1]
}

// actor returns the one pointer to a.
func (b *rowBlocks) actor(a instruct.Actor) *instruct.Actor {
	if p, ok := b.actors[a]; ok {
		return p
	}
	if b.actors == nil {
		b.actors = map[instruct.Actor]*instruct.Actor{}
	}
	p := &a
	b.actors[a] = p
	return p
}

// decodeQueueRow decodes a row of queueColumns, its times and deciders
// kept in blocks.
func decodeQueueRow(v []driver.Value, blocks *rowBlocks) (queueRow, error) {
	var r queueRow
	if len(v) != queueColumnCount {
		return r, fmt.Errorf("queue row has %d columns", len(v))
	}
	r.n, _ = v[0].(int64)
	packed, _ := v[1].(string)
	short := strings.SplitN(packed, " ", 4)
	if r.n <= 0 || len(short) != 4 {
		return r, fmt.Errorf("malformed queue row %d", r.n)
	}
	it := &r.item
	it.ID = instruct.RequestID(r.n)
	it.Status, it.ServerStatus, it.Op, it.Definition = instruct.Status(short[0]), instruct.Status(short[1]), instruct.OpState(short[2]), short[3]
	it.Title, _ = v[2].(string)
	it.Organization, _ = v[3].(string)
	it.Version, _ = v[4].(int64)
	if submitted, ok := v[5].(int64); ok {
		it.SubmittedAt = blocks.time(fromMicros(submitted))
	}
	updated, _ := v[6].(int64)
	it.UpdatedAt = fromMicros(updated)
	r.age, _ = v[7].(int64)
	r.org, _ = v[8].(string)
	decodeMarks(v[9:], it, blocks)
	return r, nil
}

// decodeMarks decodes the claim, decision and marks columns of a queue
// row into it.
func decodeMarks(v []driver.Value, it *instruct.QueueItem, blocks *rowBlocks) {
	if id, _ := v[0].(string); id != "" {
		name, _ := v[1].(string)
		at, _ := v[2].(int64)
		it.Claim = &instruct.Claim{User: instruct.Actor{ID: id, Name: name}, At: fromMicros(at)}
	}
	if at, ok := v[5].(int64); ok {
		id, _ := v[3].(string)
		name, _ := v[4].(string)
		it.DecidedBy, it.DecidedAt = blocks.actor(instruct.Actor{ID: id, Name: name}), blocks.time(fromMicros(at))
	}
	marks, _ := v[6].(int64)
	it.Notes, it.Unread = marks&1 != 0, marks&2 != 0
}

// Warm loads the in-memory queue so that the first Queue answers at once;
// the TUI may call it in the background right after Open.
func (s *Store) Warm(ctx context.Context) (err error) {
	if err := s.enter(); err != nil {
		return err
	}
	defer s.leave(&err)
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	_, err = s.currentSnapshot(ctx)
	return err
}
