package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// scopeLabels maps a definition ID and a scope ID to the scope's label.
type scopeLabels map[string]map[string]string

func newScopeLabels(defs []instruct.Definition) scopeLabels {
	labels := scopeLabels{}
	for _, d := range defs {
		m := make(map[string]string, len(d.Scopes))
		for _, sc := range d.Scopes {
			m[sc.ID] = sc.Label
		}
		labels[d.ID] = m
	}
	return labels
}

// label returns the catalogue label of a scope, or its ID when the cached
// catalogue doesn't have it.
func (l scopeLabels) label(definition, scope string) string {
	if label, ok := l[definition][scope]; ok && label != "" {
		return label
	}
	return scope
}

// fingerprint identifies the labels, so that the index is rebuilt only
// when they change.
func (l scopeLabels) fingerprint() string {
	var lines []string
	for def, scopes := range l {
		for id, label := range scopes {
			lines = append(lines, def+"\x00"+id+"\x00"+label)
		}
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])
}

func loadScopeLabels(ctx context.Context, q execer) (scopeLabels, error) {
	defs, err := readDefinitions(ctx, q)
	if err != nil {
		return nil, err
	}
	return newScopeLabels(defs), nil
}

// searchDoc returns the text the search index holds for a request: its ID
// with and without the letter, title, organisation, SIRET, applicant
// e-mail, the labels of its scopes and who decided on it.
func searchDoc(r requestRow, labels scopeLabels) string {
	var b strings.Builder
	b.WriteString(instruct.RequestID(r.id).String())
	b.WriteByte(' ')
	b.WriteString(strconv.FormatInt(r.id, 10))
	for _, s := range []string{r.title, r.orgName, r.siret, r.email} {
		b.WriteByte(' ')
		b.WriteString(s)
	}
	for _, scope := range strings.Fields(r.scopes) {
		b.WriteByte(' ')
		b.WriteString(labels.label(r.definition, scope))
	}
	for name := range strings.SplitSeq(r.deciders, "\n") {
		b.WriteByte(' ')
		b.WriteString(name)
	}
	return b.String()
}

// matchExpr turns what a reviewer typed into an FTS5 query that can't be a
// syntax error: every word becomes a quoted phrase matched as a prefix,
// all of them required. Control characters (NUL would end the query early)
// separate words like spaces. Words without a letter or digit are dropped
// (they match nothing the tokenizer keeps); the result is "" when none is
// left.
// Digits typed in groups ("216 901 231") are joined, as a SIRET is indexed
// in one piece.
func matchExpr(text string) string {
	words := strings.FieldsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) })
	if allDigits(words) {
		words = []string{strings.Join(words, "")}
	}
	var terms []string
	for _, w := range words {
		if !hasWordChar(w) {
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"*`)
	}
	return strings.Join(terms, " ")
}

func allDigits(words []string) bool {
	if len(words) < 2 {
		return false
	}
	for _, w := range words {
		for _, r := range w {
			if r < '0' || r > '9' {
				return false
			}
		}
	}
	return true
}

// hasWordChar reports whether w has a character the tokenizer keeps. The
// check is ASCII-strict for the rest: the tokenizer's Unicode tables may
// be older than Go's, so a word of exotic characters alone is kept only if
// it has a letter or digit Go and SQLite surely agree on.
func hasWordChar(w string) bool {
	for _, r := range w {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			return true
		}
		if r >= 0x80 && r < 0x250 && unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// sortKey folds a name for sorting: lower case, French accents removed,
// spaces collapsed.
func sortKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range strings.Join(strings.Fields(s), " ") {
		b.WriteString(foldRune(unicode.ToLower(r)))
	}
	return b.String()
}

func foldRune(r rune) string {
	switch r {
	case 'à', 'â', 'ä', 'á', 'ã', 'å':
		return "a"
	case 'ç':
		return "c"
	case 'é', 'è', 'ê', 'ë':
		return "e"
	case 'î', 'ï', 'í', 'ì':
		return "i"
	case 'ô', 'ö', 'ó', 'ò', 'õ':
		return "o"
	case 'ù', 'û', 'ü', 'ú':
		return "u"
	case 'ÿ', 'ý':
		return "y"
	case 'ñ':
		return "n"
	case 'œ':
		return "oe"
	case 'æ':
		return "ae"
	}
	return string(r)
}

// reindexAll rebuilds the search index of every cached request, after the
// scope labels changed.
func reindexAll(ctx context.Context, tx *writeTx, labels scopeLabels) error {
	if _, err := tx.ExecContext(ctx, "INSERT INTO search (search) VALUES ('delete-all')"); err != nil {
		return fmt.Errorf("clear search index: %w", err)
	}
	index := newIndexInserter()
	for after := int64(0); ; {
		batch, err := searchRows(ctx, tx, after)
		if err != nil || len(batch) == 0 {
			return err
		}
		for _, row := range batch {
			index.add(row.id, searchDoc(row, labels))
		}
		if err := index.flush(ctx, tx); err != nil {
			return err
		}
		after = batch[len(batch)-1].id
	}
}

// searchRows reads the indexed fields of up to 5,000 requests after
// number after.
func searchRows(ctx context.Context, tx *writeTx, after int64) ([]requestRow, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, definition, title, org_name, siret, applicant_email, scopes, deciders
		FROM requests WHERE id > ? ORDER BY id LIMIT 5000`, after)
	if err != nil {
		return nil, fmt.Errorf("read requests: %w", err)
	}
	defer rows.Close()
	var out []requestRow
	for rows.Next() {
		var r requestRow
		if err := rows.Scan(&r.id, &r.definition, &r.title, &r.orgName, &r.siret, &r.email, &r.scopes, &r.deciders); err != nil {
			return nil, fmt.Errorf("read requests: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// reindexIfAsked rebuilds the search index of a cache holding a catalogue
// but no fingerprint of the labels the index was built with: a migration
// deletes it to have the index rebuilt with what it now covers. It reads
// only, when there is nothing to do.
func (s *Store) reindexIfAsked(ctx context.Context) error {
	_, err := readMeta(ctx, s.read, metaLabels)
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	defs, err := readDefinitions(ctx, s.read)
	if err != nil || len(defs) == 0 {
		return err
	}
	err = s.inTx(ctx, refetchable, func(tx *writeTx) error { return refreshLabels(ctx, tx, defs) })
	if err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	return nil
}

// refreshLabels rebuilds the search index when the definitions' scope
// labels differ from those it was built with.
func refreshLabels(ctx context.Context, tx *writeTx, defs []instruct.Definition) error {
	labels := newScopeLabels(defs)
	fingerprint := labels.fingerprint()
	old, err := readMeta(ctx, tx, metaLabels)
	if err == nil && string(old) == fingerprint {
		return nil
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("read labels fingerprint: %w", err)
	}
	if err := reindexAll(ctx, tx, labels); err != nil {
		return err
	}
	return writeMeta(ctx, tx, metaLabels, []byte(fingerprint))
}
