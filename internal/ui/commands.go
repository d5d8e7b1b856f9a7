package ui

import (
	"fmt"
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

// queueCmd loads limit rows (0: all the rest) of the queue from offset.
func (m Model) queueCmd(gen, offset, limit int) tea.Cmd {
	ctx, cache, q := m.query.ctx, m.opts.Cache, m.queueQuery()
	q.Offset, q.Limit = offset, limit
	return func() tea.Msg {
		items, err := cache.Queue(ctx, q)
		if err != nil {
			err = fmt.Errorf("load queue: %w", err)
		}
		items = sanitize.Value(items)
		done := limit == 0 || len(items) < limit
		return queueMsg{gen: gen, offset: offset, items: items, done: done, err: err}
	}
}

// countsCmd loads the number of requests per status.
func (m Model) countsCmd(gen int) tea.Cmd {
	ctx, cache, q := m.query.ctx, m.opts.Cache, m.queueQuery()
	q.Mine = ""
	mineQ := q
	if m.user != nil {
		mineQ.Mine = m.user.ID
	}
	return func() tea.Msg {
		counts, err := cache.Counts(ctx, q)
		if err != nil {
			return countsMsg{gen: gen, err: fmt.Errorf("count queue: %w", err)}
		}
		msg := countsMsg{gen: gen, counts: counts, mine: -1}
		if mineQ.Mine != "" {
			mine, err := cache.Counts(ctx, mineQ)
			if err != nil {
				return countsMsg{gen: gen, err: fmt.Errorf("count my requests: %w", err)}
			}
			msg.mine = sumCounts(mine)
		}
		return msg
	}
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
