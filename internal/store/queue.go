package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Request returns the cached server state of request id; not_found when the cache doesn't hold it.
func (s *Store) Request(ctx context.Context, id instruct.RequestID) (_ instruct.Request, err error) {
	if err := s.enter(); err != nil {
		return instruct.Request{}, err
	}
	defer s.leave(&err)
	var body []byte
	err = s.read.QueryRowContext(ctx, "SELECT body FROM request_bodies WHERE id = ?", id).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return instruct.Request{}, instruct.Errorf(instruct.CodeNotFound, "no request %s in the local cache", id)
	}
	if err != nil {
		return instruct.Request{}, fmt.Errorf("read request %s: %w", id, err)
	}
	var r instruct.Request
	if err := json.Unmarshal(body, &r); err != nil {
		return instruct.Request{}, fmt.Errorf("decode request %s: %w", id, err)
	}
	return r, nil
}

// Events returns the cached events of a request, oldest first.
func (s *Store) Events(ctx context.Context, id instruct.RequestID) (_ []instruct.Event, err error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave(&err)
	rows, err := s.read.QueryContext(ctx, "SELECT body FROM events WHERE request = ? ORDER BY seq", id)
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", id, err)
	}
	defer rows.Close()
	var events []instruct.Event
	for rows.Next() {
		var body []byte
		var e instruct.Event
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		if err := json.Unmarshal(body, &e); err != nil {
			return nil, fmt.Errorf("decode event: %w", err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	return events, nil
}

// Queue returns the rows of the reviewer's queue: cached requests with
// their open operations laid over (Status is what the reviewer sees, Op
// the state of their latest operation), filtered by q's statuses (as
// shown), definition and text, in q's order, windowed by Offset and Limit
// (0: no limit). The rows come from the in-memory snapshot, loaded by the
// first whole list or by Warm (both programs warm it beside the first
// screen); until then windows are read with SQL, so the TUI's first
// screen does not wait for it. Text goes through the full-text index.
func (s *Store) Queue(ctx context.Context, q instruct.QueueQuery) ([]instruct.QueueItem, error) {
	return s.QueueFor(ctx, everything, q)
}

// everything is the viewer of a cache's own reviewer, who sees every
// request it holds.
var everything = instruct.Viewer{All: true}

// QueueFor is Queue among the requests viewer v may see, by the rules of
// instruct.Viewer: every one, or those of v's definitions. The cache
// holds no request's creator, so an applicant's viewer sees none. It is
// how one cache holding every request (ssh-serve's read model) serves
// the queue of each reviewer, filtered in the snapshot like the rest of
// the query.
func (s *Store) QueueFor(ctx context.Context, v instruct.Viewer, q instruct.QueueQuery) (_ []instruct.QueueItem, err error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave(&err)
	if err := checkSort(q.Sort); err != nil {
		return nil, err
	}
	if q.Offset < 0 || q.Limit < 0 {
		return nil, instruct.Errorf(instruct.CodeInvalid, "offset and limit must not be negative")
	}
	if q.Limit > 0 && !s.loaded.Load() {
		return s.queueFromSQL(ctx, v, q)
	}
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	sel, err := s.selection(ctx, v, q, true)
	if err != nil {
		return nil, err
	}
	out := make([]instruct.QueueItem, 0, capacity(q, sel.size()))
	skip := q.Offset
	for _, pass := range sel.passes(q) {
		for _, i := range sel.inOrder(q.Sort) {
			if !sel.keep(int(i)) || !pass(int(i)) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			out = append(out, sel.snap.items[i])
			if q.Limit > 0 && len(out) == q.Limit {
				detachTimes(out)
				return out, nil
			}
		}
	}
	detachTimes(out)
	return out, nil
}

// passes returns the groups the queue lists one after the other: for the
// Mine tab, the requests with operations the server has not accepted,
// then the others; otherwise all at once.
func (sel selection) passes(q instruct.QueueQuery) []func(int) bool {
	if q.Mine == "" {
		return []func(int) bool{func(int) bool { return true }}
	}
	items := sel.snap.items
	return []func(int) bool{
		func(i int) bool { return items[i].Op != "" },
		func(i int) bool { return items[i].Op == "" },
	}
}

// mine reports whether user id holds it, made its latest decision, or
// has an operation on it not yet accepted.
func mine(it *instruct.QueueItem, id string) bool {
	return it.Op != "" || it.Claim.HeldBy(id) || (it.DecidedBy != nil && it.DecidedBy.ID == id)
}

// Position returns the index of request id in the queue q selects
// (ignoring its Offset and Limit), or -1 when q does not select it: where
// a screen that loads the queue by windows finds the request it keeps
// selected after the data or the query changed. It reads the in-memory
// snapshot, loading it if need be.
func (s *Store) Position(ctx context.Context, q instruct.QueueQuery, id instruct.RequestID) (int, error) {
	return s.PositionFor(ctx, everything, q, id)
}

// PositionFor is Position among the requests viewer v may see (see
// QueueFor).
func (s *Store) PositionFor(ctx context.Context, v instruct.Viewer, q instruct.QueueQuery, id instruct.RequestID) (_ int, err error) {
	if err := s.enter(); err != nil {
		return -1, err
	}
	defer s.leave(&err)
	if err := checkSort(q.Sort); err != nil {
		return -1, err
	}
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	sel, err := s.selection(ctx, v, q, true)
	if err != nil {
		return -1, err
	}
	target, ok := sel.snap.pos[int64(id)]
	if !ok || !sel.keep(target) {
		return -1, nil
	}
	pos := 0
	for _, pass := range sel.passes(q) {
		for _, i := range sel.inOrder(q.Sort) {
			if !sel.keep(int(i)) || !pass(int(i)) {
				continue
			}
			if int(i) == target {
				return pos, nil
			}
			pos++
		}
	}
	return -1, nil
}

// detachTimes points the items' times, claims and deciders to copies of
// their own, so that a caller changing one cannot reach the snapshot.
func detachTimes(items []instruct.QueueItem) {
	var blocks rowBlocks
	for i := range items {
		it := &items[i]
		if t := it.SubmittedAt; t != nil {
			it.SubmittedAt = blocks.time(*t)
		}
		if t := it.DecidedAt; t != nil {
			it.DecidedAt = blocks.time(*t)
		}
		if a := it.DecidedBy; a != nil {
			it.DecidedBy = blocks.actor(*a)
		}
		if c := it.Claim; c != nil {
			claim := *c
			it.Claim = &claim
		}
	}
}

// capacity guesses the length of q's result from the size of the
// selection before statuses and definition apply.
func capacity(q instruct.QueueQuery, size int) int {
	switch {
	case q.Limit > 0:
		return min(q.Limit, size)
	case len(q.Statuses) == 0 && q.Definition == "":
		return size
	}
	return size / 4
}

// Counts returns how many cached requests the reviewer sees in each
// status (open decisions laid over), applying q's definition, text and
// Mine but not its statuses: the numbers of the status tabs.
func (s *Store) Counts(ctx context.Context, q instruct.QueueQuery) (map[instruct.Status]int, error) {
	return s.CountsFor(ctx, everything, q)
}

// CountsFor is Counts among the requests viewer v may see (see QueueFor).
func (s *Store) CountsFor(ctx context.Context, v instruct.Viewer, q instruct.QueueQuery) (_ map[instruct.Status]int, err error) {
	if err := s.enter(); err != nil {
		return nil, err
	}
	defer s.leave(&err)
	if !s.loaded.Load() {
		return s.countsFromSQL(ctx, v, q)
	}
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	sel, err := s.selection(ctx, v, q, false)
	if err != nil {
		return nil, err
	}
	var byCode [8]int
	count := func(i int) {
		if sel.keep(i) {
			byCode[sel.snap.status[i]]++
		}
	}
	if sel.matches == nil {
		for i := range sel.snap.items {
			count(i)
		}
	}
	for _, i := range sel.matches {
		count(int(i))
	}
	counts := map[instruct.Status]int{}
	for _, st := range instruct.Statuses() {
		if n := byCode[statusCode(st)]; n > 0 {
			counts[st] = n
		}
	}
	return counts, nil
}

// selection is what a query selects of the snapshot.
type selection struct {
	snap *snapshot
	// keep tells whether the item at an index is selected.
	keep func(int) bool
	// matches holds the indexes of the items matching the text, in no
	// order; nil when there is no text to match.
	matches []int32
}

// size returns how many items match the text.
func (sel selection) size() int {
	if sel.matches == nil {
		return len(sel.snap.items)
	}
	return len(sel.matches)
}

// inOrder returns the indexes worth testing with keep, in the order of
// sort: a few text matches are sorted on their own, otherwise the whole
// snapshot's cached order is walked.
func (sel selection) inOrder(sort instruct.Sort) []int32 {
	if sel.matches == nil || len(sel.matches) > len(sel.snap.items)/8 {
		return sel.snap.order(sort)
	}
	ordered := slices.Clone(sel.matches)
	slices.SortFunc(ordered, sel.snap.compare(sort))
	return ordered
}

// selection returns what q selects of the current snapshot among what v
// may see (by statuses too if withStatuses). Called with snapMu held.
func (s *Store) selection(ctx context.Context, v instruct.Viewer, q instruct.QueueQuery, withStatuses bool) (selection, error) {
	snap, err := s.currentSnapshot(ctx)
	if err != nil {
		return selection{}, err
	}
	matched, matches, err := s.textMatches(ctx, snap, q.Text)
	if err != nil {
		return selection{}, err
	}
	var statuses [8]bool // by status code
	anyStatus := !withStatuses || len(q.Statuses) == 0
	for _, st := range q.Statuses {
		statuses[statusCode(st)] = st.Valid()
	}
	def, known := snap.defCodes[q.Definition]
	anyDef := q.Definition == ""
	visible := snap.visibleDefs(v)
	keep := func(i int) bool {
		return (matched == nil || matched[i]) &&
			(visible == nil || visible[snap.def[i]]) &&
			(anyDef || (known && snap.def[i] == def)) &&
			(anyStatus || statuses[snap.status[i]]) &&
			(q.Mine == "" || mine(&snap.items[i], q.Mine))
	}
	return selection{snap: snap, keep: keep, matches: matches}, nil
}

// textMatches returns which items of the snapshot match text in the
// full-text index, as a mark per item and as a list of indexes; both nil
// when text holds no word to search (all items match). The snapshot keeps
// the last texts' matches (recentSearches), since the queue asks a window
// and the counts of each text typed, by each screen sharing the cache;
// they are the caller's to read, not to change.
func (s *Store) textMatches(ctx context.Context, snap *snapshot, text string) ([]bool, []int32, error) {
	for _, m := range snap.searches {
		if m.text == text {
			return m.matched, m.matches, nil
		}
	}
	matched, matches, err := s.searchSnapshot(ctx, snap, text)
	if err == nil {
		kept := snap.searches[:min(len(snap.searches), recentSearches-1)]
		snap.searches = append([]textSearch{{text: text, matched: matched, matches: matches}}, kept...)
	}
	return matched, matches, err
}

// searchSnapshot runs the search of textMatches.
func (s *Store) searchSnapshot(ctx context.Context, snap *snapshot, text string) ([]bool, []int32, error) {
	expr := matchExpr(text)
	if expr == "" {
		return nil, nil, nil
	}
	nums, err := s.matchingNumbers(ctx, expr)
	if err != nil {
		return nil, nil, fmt.Errorf("search %q: %w", oneLine(text), err)
	}
	matched := make([]bool, len(snap.items))
	matches := []int32{}
	// Both lists in number order, walked side by side: a short prefix
	// matches most requests, too many to look up one by one.
	slices.Sort(nums)
	items := snap.order(byNumber)
	for _, n := range nums {
		for len(items) > 0 && snap.num[items[0]] < n {
			items = items[1:]
		}
		if len(items) > 0 && snap.num[items[0]] == n && !matched[items[0]] {
			matched[items[0]] = true
			matches = append(matches, items[0])
		}
	}
	return matched, matches, nil
}

// matchingNumbers returns the numbers of the requests matching the FTS5
// query expr. They come in one comma-separated string: a short prefix
// matches most requests, and a row each costs more than SQLite's own
// work.
func (s *Store) matchingNumbers(ctx context.Context, expr string) ([]int64, error) {
	var nums []int64
	err := s.rawQuery(ctx, "SELECT group_concat(rowid) FROM search WHERE search MATCH ?", []any{expr}, func(row []driver.Value) error {
		list, _ := row[0].(string)
		nums = make([]int64, 0, strings.Count(list, ",")+1)
		for list != "" {
			field, rest, _ := strings.Cut(list, ",")
			n, err := strconv.ParseInt(field, 10, 64)
			if err != nil {
				return fmt.Errorf("read matches: %w", err)
			}
			nums = append(nums, n)
			list = rest
		}
		return nil
	})
	return nums, err
}

// rawQuery runs a query on a read connection through the driver itself,
// calling fn with each row: database/sql's per-column conversions cost
// more than SQLite's own work on long results.
func (s *Store) rawQuery(ctx context.Context, query string, args []any, fn func([]driver.Value) error) error {
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return errors.New("the SQLite driver cannot query")
		}
		rows, err := q.QueryContext(ctx, query, namedValues(args))
		if err != nil {
			return err
		}
		defer rows.Close()
		dest := make([]driver.Value, len(rows.Columns()))
		for {
			err := rows.Next(dest)
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			if err := fn(dest); err != nil {
				return err
			}
		}
	})
}

func namedValues(args []any) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		if n, ok := a.(int); ok {
			a = int64(n)
		}
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// checkSort refuses an unknown sort; "" sorts by age.
func checkSort(sort instruct.Sort) error {
	switch sort {
	case instruct.SortAge, instruct.SortUpdated, instruct.SortOrganization, "":
		return nil
	}
	return instruct.Errorf(instruct.CodeInvalid, "unknown sort %q", sort)
}
