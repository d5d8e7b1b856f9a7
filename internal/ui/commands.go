package ui

import (
	"context"
	"fmt"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/review"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// tabStatuses are the status tabs, in order; the two last tabs, "All"
// and "Mine", have none.
func tabStatuses() []instruct.Status {
	return []instruct.Status{instruct.StatusSubmitted, instruct.StatusChangesRequested,
		instruct.StatusValidated, instruct.StatusRefused}
}

// tabCount is the number of tabs: the statuses, All and Mine.
func tabCount() int { return len(tabStatuses()) + 2 }

// mineTab reports whether tab is Mine.
func mineTab(tab int) bool { return tab == len(tabStatuses())+1 }

// queueQuery returns the cache query for the current tab, search, filter
// and sort.
func (m Model) queueQuery() instruct.QueueQuery {
	q := instruct.QueueQuery{Definition: m.query.api, Text: m.query.text, Sort: m.query.sort}
	if st := tabStatuses(); m.query.tab < len(st) {
		q.Statuses = []instruct.Status{st[m.query.tab]}
	}
	if mineTab(m.query.tab) {
		q.Mine = "-" // nobody's, until the user is known
		if m.user != nil {
			q.Mine = m.user.ID
		}
	}
	return q
}

// windowSize is how many rows of the queue the screen holds: Window, or
// five screenfuls on a tall screen (see queue.Model.Wanted).
func (m Model) windowSize() int {
	return max(m.opts.Window, 5*m.queue.Rows())
}

// listCmd answers a new query, generation gen: its counts, the row of
// keepID in it (else the cursor stays at its index), and the window of
// rows around that row. The counts are read beside the rows.
func (m Model) listCmd(gen int, keepID instruct.RequestID) tea.Cmd {
	ctx, cache, q, me := m.query.ctx, m.opts.Cache, m.queueQuery(), m.mineID()
	cursor, size := m.queue.Cursor(), m.windowSize()
	return func() tea.Msg {
		type counted struct {
			counts map[instruct.Status]int
			mine   int
			err    error
		}
		countsDone := make(chan counted, 1)
		go func() {
			c, mine, err := countQueue(ctx, cache, q, me)
			countsDone <- counted{c, mine, err}
		}()
		msg := loadList(ctx, cache, q, keepID, cursor, size)
		c := <-countsDone
		msg.gen, msg.counts, msg.mine = gen, c.counts, c.mine
		if msg.err == nil && c.err != nil {
			msg.err = c.err
		}
		total := countsTotal(c.counts, q.Statuses)
		if q.Mine != "" {
			total = max(c.mine, 0)
		}
		if msg.err == nil && len(msg.items) == 0 && msg.base > 0 {
			// The cursor was past the end of the new list: show its end.
			msg.base = max(0, total-size)
			msg.items, msg.err = loadWindow(ctx, cache, q, msg.base, size)
		}
		msg.total = total
		if len(msg.items) < size && (len(msg.items) > 0 || msg.base == 0) {
			msg.total = msg.base + len(msg.items) // the rows read end the list
		}
		return msg
	}
}

// countsCmd counts the queue again for query generation gen, once the
// user is known: the Mine tab's count needs them.
func (m Model) countsCmd(gen int) tea.Cmd {
	ctx, cache, q, me := m.query.ctx, m.opts.Cache, m.queueQuery(), m.mineID()
	return func() tea.Msg {
		counts, mine, err := countQueue(ctx, cache, q, me)
		return countsMsg{gen: gen, counts: counts, mine: mine, err: err}
	}
}

// countQueue counts the requests q selects per status, q's Mine aside
// (the numbers of the status tabs), and, when user me is known, those of
// the Mine tab (-1 otherwise).
func countQueue(ctx context.Context, cache Cache, q instruct.QueueQuery, me string) (map[instruct.Status]int, int, error) {
	q.Mine = ""
	counts, err := cache.Counts(ctx, q)
	if err != nil {
		return nil, -1, fmt.Errorf("count queue: %w", err)
	}
	if me == "" {
		return counts, -1, nil
	}
	q.Mine = me
	mine, err := cache.Counts(ctx, q)
	if err != nil {
		return nil, -1, fmt.Errorf("count my requests: %w", err)
	}
	return counts, sumCounts(mine), nil
}

// mineID is the user's ID for the Mine tab's count, "" before known.
func (m Model) mineID() string {
	if m.user == nil {
		return ""
	}
	return m.user.ID
}

// loadList reads the row of keepID in q and the window of size rows
// around it, or around row cursor when q lacks keepID.
func loadList(ctx context.Context, cache Cache, q instruct.QueueQuery, keepID instruct.RequestID, cursor, size int) queueMsg {
	msg := queueMsg{first: true, keepID: keepID, pos: -1}
	if keepID != 0 {
		pos, err := cache.Position(ctx, q, keepID)
		if err != nil {
			msg.err = fmt.Errorf("find %s in the queue: %w", keepID, err)
			return msg
		}
		msg.pos = pos
	}
	if msg.pos >= 0 {
		cursor = msg.pos
	}
	msg.base = max(0, cursor-size/2)
	msg.items, msg.err = loadWindow(ctx, cache, q, msg.base, size)
	return msg
}

// countsTotal is the number of requests of statuses (all of them when
// none) in counts.
func countsTotal(counts map[instruct.Status]int, statuses []instruct.Status) int {
	n := 0
	for st, c := range counts {
		if len(statuses) == 0 || slices.Contains(statuses, st) {
			n += c
		}
	}
	return n
}

// windowCmd loads the window of size rows of the queue from row base,
// for query generation gen.
func (m Model) windowCmd(gen, base int) tea.Cmd {
	ctx, cache, q, size := m.query.ctx, m.opts.Cache, m.queueQuery(), m.windowSize()
	return func() tea.Msg {
		items, err := loadWindow(ctx, cache, q, base, size)
		return queueMsg{gen: gen, base: base, items: items, err: err}
	}
}

// loadWindow reads size rows of q from row base, sanitised.
func loadWindow(ctx context.Context, cache Cache, q instruct.QueueQuery, base, size int) ([]instruct.QueueItem, error) {
	q.Offset, q.Limit = base, size
	items, err := cache.Queue(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("load queue: %w", err)
	}
	return sanitize.Value(items), nil
}

// detailCmd loads a request, its events and the reviewer's operations,
// checks the request against its definition and sanitises it all.
func (m Model) detailCmd(id instruct.RequestID) tea.Cmd {
	ctx, cache, defs := m.ctx, m.opts.Cache, m.defByID
	return func() tea.Msg {
		r, err := cache.Request(ctx, id)
		if err != nil {
			return detailMsg{id: id, err: fmt.Errorf("load request %s: %w", id, err)}
		}
		events, err := cache.Events(ctx, id)
		if err != nil {
			return detailMsg{id: id, err: fmt.Errorf("load events of %s: %w", id, err)}
		}
		ops, err := cache.Operations(ctx, id)
		if err != nil {
			return detailMsg{id: id, err: fmt.Errorf("load operations of %s: %w", id, err)}
		}
		if err := cache.MarkSeen(ctx, id); err != nil {
			return detailMsg{id: id, err: fmt.Errorf("mark %s read: %w", id, err)}
		}
		d := newDetail(r, defs[r.Definition], ops)
		d.FirstSubmittedAt = firstSubmission(events)
		if err := addLife(ctx, cache, d, r, defs); err != nil {
			return detailMsg{id: id, err: err}
		}
		return detailMsg{id: id, detail: d, events: cleanEvents(events)}
	}
}

// newDetail is what the review shows of r: flags checked on the raw
// request, every text sanitised, and the reviewer's latest operation.
func newDetail(r instruct.Request, def instruct.Definition, ops []instruct.Operation) *review.Detail {
	d := &review.Detail{Request: sanitize.Value(r), Definition: def,
		Flags: r.Flags(def), Unknown: sanitize.Value(r.UnknownScopes(def))}
	if len(ops) > 0 {
		op := sanitize.Value(ops[0])
		d.Op = &op
	}
	return d
}

// firstSubmission returns when events, oldest first, first submit the
// request, or nil.
func firstSubmission(events []instruct.Event) *time.Time {
	for _, e := range events {
		if e.Kind == instruct.KindSubmit {
			at := e.At
			return &at
		}
	}
	return nil
}

// definitionsCmd loads the API catalogue.
func (m Model) definitionsCmd() tea.Cmd {
	ctx, cache := m.ctx, m.opts.Cache
	return func() tea.Msg {
		defs, err := cache.Definitions(ctx)
		if err != nil {
			err = fmt.Errorf("load definitions: %w", err)
		}
		defs = sanitize.Value(defs)
		return definitionsMsg{defs: defs, err: err}
	}
}

// meCmd loads the signed-in user.
func (m Model) meCmd() tea.Cmd {
	ctx, cache := m.ctx, m.opts.Cache
	return func() tea.Msg {
		u, err := cache.Me(ctx)
		if err != nil {
			err = fmt.Errorf("load user: %w", err)
		}
		return meMsg{user: sanitize.Value(u), err: err}
	}
}

// recordCmd writes a decision into the outbox; when it supersedes an
// operation the server refused, that one is discarded once the new one is
// safe. It then asks the sync engine to push.
func (m Model) recordCmd(id instruct.RequestID, kind instruct.Kind, comment, replaces string) tea.Cmd {
	ctx, cache, syncer := m.ctx, m.opts.Cache, m.opts.Syncer
	return func() tea.Msg {
		msg := recordedMsg{requestID: id, kind: kind}
		if replaces != "" {
			if err := cache.Discard(ctx, replaces); err != nil {
				msg.err = fmt.Errorf("discard %s before deciding again: %w", replaces, err)
				return msg
			}
		}
		msg.op, msg.err = cache.Record(ctx, id, kind, comment)
		if msg.err == nil && syncer != nil {
			syncer.Trigger()
		}
		return msg
	}
}

// discardCmd discards the reviewer's refused operation op.
func (m Model) discardCmd(op instruct.Operation) tea.Cmd {
	ctx, cache := m.ctx, m.opts.Cache
	return func() tea.Msg {
		err := cache.Discard(ctx, op.ID)
		if err != nil {
			err = fmt.Errorf("discard operation on %s: %w", op.RequestID, err)
		}
		return discardedMsg{requestID: op.RequestID, state: op.State, err: err}
	}
}

// waitSyncCmd waits for the sync engine's next status.
func waitSyncCmd(ch <-chan instruct.SyncStatus) tea.Cmd {
	return func() tea.Msg {
		s, ok := <-ch
		return syncMsg{status: sanitize.Value(s), closed: !ok}
	}
}

// tickCmd wakes the screen every second, to keep relative times true.
func tickCmd() tea.Cmd {
	return tea.Tick(time.Second, func(time.Time) tea.Msg { return tickMsg{} })
}

// sumCounts adds the counts of every status.
func sumCounts(counts map[instruct.Status]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}
