package store

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// queueFromSQL reads a window of the queue with SQL, for the time the
// snapshot is not loaded: SQLite scans the narrow requests table and keeps
// the window's rows only, which costs a fraction of loading them all.
func (s *Store) queueFromSQL(ctx context.Context, v instruct.Viewer, q instruct.QueueQuery) ([]instruct.QueueItem, error) {
	where, args := sqlFilter(v, q, true)
	order := sqlOrder(q.Sort)
	if q.Mine != "" {
		order = "op_state = '', " + order
	}
	query := "SELECT " + queueColumns + " FROM requests" + where + " ORDER BY " + order + " LIMIT ? OFFSET ?"
	out := make([]instruct.QueueItem, 0, q.Limit)
	var blocks rowBlocks
	err := s.rawQuery(ctx, query, append(args, q.Limit, q.Offset), func(v []driver.Value) error {
		row, err := decodeQueueRow(v, &blocks)
		out = append(out, row.item)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read queue: %w", err)
	}
	return out, nil
}

// countsFromSQL counts the queue's statuses with SQL, for the time the
// snapshot is not loaded.
func (s *Store) countsFromSQL(ctx context.Context, v instruct.Viewer, q instruct.QueueQuery) (map[instruct.Status]int, error) {
	where, args := sqlFilter(v, q, false)
	counts := map[instruct.Status]int{}
	query := "SELECT shown_status, count(*) FROM requests" + where + " GROUP BY shown_status"
	err := s.rawQuery(ctx, query, args, func(v []driver.Value) error {
		st, _ := v[0].(string)
		n, _ := v[1].(int64)
		counts[instruct.Status(st)] = int(n)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("count queue: %w", err)
	}
	return counts, nil
}

// sqlFilter returns the WHERE clause (with its leading space, or "") and
// its arguments for what v may see, q's definition, text and, if
// withStatuses, statuses.
func sqlFilter(v instruct.Viewer, q instruct.QueueQuery, withStatuses bool) (string, []any) {
	conds, args := sqlVisible(v)
	if withStatuses && len(q.Statuses) > 0 {
		conds = append(conds, "shown_status IN ("+placeholders(len(q.Statuses))+")")
		for _, st := range q.Statuses {
			args = append(args, string(st))
		}
	}
	if q.Definition != "" {
		conds = append(conds, "definition = ?")
		args = append(args, q.Definition)
	}
	if q.Mine != "" {
		conds = append(conds, "(op_state <> '' OR claim_id = ? OR decider_id = ?)")
		args = append(args, q.Mine, q.Mine)
	}
	if expr := matchExpr(q.Text); expr != "" {
		conds = append(conds, "id IN (SELECT rowid FROM search WHERE search MATCH ?)")
		args = append(args, expr)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// sqlVisible returns the condition, if any, and its arguments that keep
// the requests v may see (see QueueFor).
func sqlVisible(v instruct.Viewer) ([]string, []any) {
	switch {
	case v.All && !v.ApplicantOnly:
		return nil, nil
	case v.ApplicantOnly || len(v.Definitions) == 0:
		return []string{"false"}, nil
	}
	args := make([]any, len(v.Definitions))
	for i, d := range v.Definitions {
		args[i] = d
	}
	return []string{"definition IN (" + placeholders(len(args)) + ")"}, args
}

// sqlOrder returns the ORDER BY terms of a sort, those the snapshot's
// orders follow.
func sqlOrder(sort instruct.Sort) string {
	switch sort {
	case instruct.SortUpdated:
		return "updated_at DESC, id DESC"
	case instruct.SortOrganization:
		return "org_key, id"
	}
	return "age_key, id"
}
