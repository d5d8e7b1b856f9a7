package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// DefaultLimit is the page size of a list or feed query that names none.
const DefaultLimit = 100

// where builds the WHERE clause of a query from conditions written with
// ? placeholders and their arguments.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

// in adds column IN (values…); an empty list matches nothing.
func in[T ~string](w *where, column string, values []T) {
	if len(values) == 0 {
		w.add("1 = 0")
		return
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(values)), ", ")
	args := make([]any, len(values))
	for i, v := range values {
		args[i] = string(v)
	}
	w.add(column+" IN ("+marks+")", args...)
}

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return "1 = 1"
	}
	return strings.Join(w.conds, " AND ")
}

// visibleTo restricts the requests to those v may see: everything, the
// definitions v holds a role on, or (an applicant) the requests v created.
func visibleTo(w *where, v instruct.Viewer) {
	switch {
	case v.ApplicantOnly:
		w.add("created_by = ?", v.UserID)
	case v.All:
	default:
		in(w, "definition", v.Definitions)
	}
}

// escapeLike escapes the LIKE wildcards of user text, with \ as escape.
func escapeLike(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '\\' || r == '%' || r == '_' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// listWhere returns the conditions of q.
func listWhere(q instruct.ListQuery) where {
	var w where
	visibleTo(&w, q.Viewer)
	if len(q.Statuses) > 0 {
		in(&w, "status", q.Statuses)
	}
	if len(q.Definitions) > 0 {
		in(&w, "definition", q.Definitions)
	}
	if text := strings.TrimSpace(q.Text); text != "" {
		w.add(`search LIKE ? ESCAPE '\'`, "%"+escapeLike(strings.ToLower(text))+"%")
	}
	w.add("number > ?", q.After)
	return w
}

// Requests lists the requests q selects and q.Viewer may see, ordered by
// request number, after q.After, at most q.Limit (DefaultLimit if 0).
// Text matches, case-insensitively, a part of the ID, title,
// organisation name, SIRET or applicant e-mail.
func (l *Ledger) Requests(ctx context.Context, q instruct.ListQuery) ([]instruct.Request, error) {
	w := listWhere(q)
	rows, err := l.reader.QueryContext(ctx, `SELECT body FROM requests WHERE `+w.sql()+` ORDER BY number LIMIT ?`,
		append(w.args, limitOr(q.Limit))...)
	if err != nil {
		return nil, unavailable(fmt.Errorf("list requests: %w", err))
	}
	out, err := scanRequests(rows)
	return out, unavailable(err)
}

func limitOr(limit int) int {
	if limit <= 0 {
		return DefaultLimit
	}
	return limit
}

// scanRequests decodes rows of a single body column into requests.
func scanRequests(rows *sql.Rows) ([]instruct.Request, error) {
	defer rows.Close()
	out := []instruct.Request{}
	for rows.Next() {
		var body string
		if err := rows.Scan(&body); err != nil {
			return nil, fmt.Errorf("scan request: %w", err)
		}
		r, err := decodeRequest(body)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read requests: %w", err)
	}
	return out, nil
}
