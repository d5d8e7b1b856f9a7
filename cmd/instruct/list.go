package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/compare"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
	"github.com/instruct-dev/instruct/internal/ui/theme"
	"github.com/instruct-dev/instruct/internal/ui/timeline"
)

func runList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "ls", "list requests from the local cache (run instruct sync first)",
		"instruct ls --status submitted --definition api_particulier --search cantine")
	var s settings
	clientFlags(fs, &s)
	status := fs.String("status", "", "keep one status: draft, submitted, changes_requested, validated, refused, revoked, archived")
	def := fs.String("definition", "", "keep one API, such as api_particulier")
	text := fs.String("search", "", "search ID, title, organisation, SIRET, e-mail, scopes and who decided")
	asJSON := fs.Bool("json", false, "print JSON")
	habs := fs.Bool("habilitations", false, "list habilitations instead (--status active, obsolete or revoked)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *habs {
		return listHabilitations(ctx, e, &s, habilitationQuery{status: *status, definition: *def, text: *text}, *asJSON)
	}
	q := instruct.QueueQuery{Definition: *def, Text: *text, Sort: instruct.SortAge}
	if *status != "" {
		if !instruct.Status(*status).Valid() {
			return usageError{fmt.Errorf("unknown status %q: use one of %s", *status, joinStatuses(instruct.Statuses()))}
		}
		q.Statuses = []instruct.Status{instruct.Status(*status)}
	}
	return onCache(ctx, e, &s, func(st *store.Store) error {
		items, err := st.Queue(ctx, q)
		if err != nil {
			return err
		}
		if len(items) == 0 && q.Definition != "" {
			if err := knownDefinition(ctx, st, q.Definition); err != nil {
				return err
			}
		}
		if *asJSON {
			return writeJSON(e.stdout, queueJSON(items))
		}
		return printQueue(e.stdout, items, time.Now())
	})
}

// knownDefinition fails, naming def and the APIs the cache knows, when
// def is not in the cached catalogue. (A definition that has requests in
// the cache is known even once the catalogue dropped it: ls lists them.)
func knownDefinition(ctx context.Context, st *store.Store, def string) error {
	defs, err := st.Definitions(ctx)
	if err != nil {
		return err
	}
	ids := make([]string, len(defs))
	for i, d := range defs {
		if d.ID == def {
			return nil
		}
		ids[i] = d.ID
	}
	if len(ids) == 0 {
		return usageError{fmt.Errorf("unknown API %q: the cache holds no catalogue yet; run \"instruct sync\"", def)}
	}
	sort.Strings(ids)
	return usageError{fmt.Errorf("unknown API %q: the cache knows %s", def, sanitize.Line(strings.Join(ids, ", ")))}
}

// joinStatuses lists statuses for a message: "draft, submitted, …".
func joinStatuses(statuses []instruct.Status) string {
	out := make([]string, len(statuses))
	for i, s := range statuses {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

// listedRequest is one request of "ls --json".
type listedRequest struct {
	ID           instruct.RequestID `json:"id"`
	Definition   string             `json:"definition"`
	Status       instruct.Status    `json:"status"`
	Version      int64              `json:"version"`
	Title        string             `json:"title"`
	Organization string             `json:"organization"`
	SubmittedAt  *time.Time         `json:"submitted_at"`
	UpdatedAt    time.Time          `json:"updated_at"`
	Pending      instruct.OpState   `json:"pending,omitempty"`
}

func queueJSON(items []instruct.QueueItem) []listedRequest {
	out := make([]listedRequest, len(items))
	for i, it := range items {
		out[i] = listedRequest{ID: it.ID, Definition: it.Definition, Status: it.Status, Version: it.Version,
			Title: it.Title, Organization: it.Organization, SubmittedAt: it.SubmittedAt,
			UpdatedAt: it.UpdatedAt, Pending: it.Op}
	}
	return out
}

// printQueue prints items as a table, its columns aligned in cells (the
// width a terminal gives them, wide and combining characters included).
func printQueue(w io.Writer, items []instruct.QueueItem, now time.Time) error {
	items = sanitize.Value(items)
	age := i18n.English().Age
	ago := func(t *time.Time) string {
		if t == nil {
			return "-"
		}
		return age(now.Sub(*t)) + " ago"
	}
	rows := [][]string{{"ID", "STATUS", "API", "SUBMITTED", "DECIDED", "ORGANISATION", "TITLE"}}
	for _, it := range items {
		status := string(it.Status)
		if it.Op != "" {
			status += " (" + string(it.Op) + ")"
		}
		rows = append(rows, []string{it.ID.String(), status, it.Definition, ago(it.SubmittedAt), ago(decidedAt(it)),
			cells.Truncate(it.Organization, 40), cells.Truncate(it.Title, 60)})
	}
	return printTable(w, rows)
}

// decidedAt returns when the server's decision on it was taken, for a
// request whose review is over on the server (validated, refused, revoked
// or archived: its last change), else nil.
func decidedAt(it instruct.QueueItem) *time.Time {
	switch it.ServerStatus {
	case instruct.StatusValidated, instruct.StatusRefused, instruct.StatusRevoked, instruct.StatusArchived:
		return &it.UpdatedAt
	}
	return nil
}

// printTable prints rows with their columns padded to the widest cell
// of each, two spaces apart.
func printTable(w io.Writer, rows [][]string) error {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], cells.Width(cell))
		}
	}
	bw := bufio.NewWriter(w)
	for _, row := range rows {
		for i, cell := range row {
			bw.WriteString(cell)
			if i < len(row)-1 {
				bw.WriteString(strings.Repeat(" ", widths[i]-cells.Width(cell)+2))
			}
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// printChanges prints the fields a diff changed, as the TUI's history
// draws them without colour, in English, under heading if it is not "".
func printChanges(w io.Writer, msgs *i18n.Messages, heading string, fields []compare.Field) {
	plain := theme.Plain()
	for _, line := range timeline.Changes(heading, fields, msgs, &plain, showWidth) {
		fmt.Fprintln(w, strings.TrimRight("    "+line, " "))
	}
}

// showWidth is wider than any change (a sanitised value is at most
// sanitize.MaxLine cells): show prints each change on one line, for grep.
const showWidth = 4 * sanitize.MaxLine

func runShow(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "show", "show one request with its events, or one habilitation, from the local cache",
		"instruct show D1042 --json; instruct show H2041")
	var s settings
	clientFlags(fs, &s)
	asJSON := fs.Bool("json", false, "print JSON")
	tz := fs.String("tz", "", zoneFlagHelp)
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if err := parse(fs, args); err != nil {
			return err
		}
		return usageError{errors.New("usage: instruct show ID [--json]")}
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	loc, err := timeZone(*tz, e.getenv)
	if err != nil {
		return err
	}
	if isHabilitationID(args[0]) {
		return showHabilitation(ctx, e, &s, args[0], *asJSON, loc)
	}
	id, err := instruct.ParseRequestIDInput(args[0])
	if err != nil {
		return fmt.Errorf("show: %w", err)
	}
	return onCache(ctx, e, &s, func(st *store.Store) error {
		return show(ctx, e, st, id, *asJSON, loc)
	})
}

// show prints request id from the cache.
func show(ctx context.Context, e *env, st *store.Store, id instruct.RequestID, asJSON bool, loc *time.Location) error {
	r, err := st.Request(ctx, id)
	if errors.Is(err, instruct.ErrCacheDamaged) {
		return err
	}
	if err != nil {
		return fmt.Errorf("show %s: %s", id, oneLine(err))
	}
	events, err := st.Events(ctx, r.ID)
	if err != nil {
		return err
	}
	ops, err := st.Operations(ctx, r.ID)
	if err != nil {
		return err
	}
	habs, err := st.Habilitations(ctx, instruct.HabilitationSearch{RequestID: r.ID})
	if err != nil {
		return err
	}
	if asJSON {
		return writeJSON(e.stdout, shownRequest{Request: r, Events: events, Operations: ops, Habilitations: nonNil(habs)})
	}
	defs, err := st.Definitions(ctx)
	if err != nil {
		return err
	}
	printRequest(e.stdout, r, definition(defs, r.Definition), events, ops, loc)
	printRequestHabilitations(e.stdout, habs)
	return nil
}

// definition returns the definition id of defs, or one of that ID alone.
func definition(defs []instruct.Definition, id string) instruct.Definition {
	for _, d := range defs {
		if d.ID == id {
			return d
		}
	}
	return instruct.Definition{ID: id}
}

// shownRequest is the answer of "show --json".
type shownRequest struct {
	Request    instruct.Request     `json:"request"`
	Events     []instruct.Event     `json:"events"`
	Operations []instruct.Operation `json:"operations"`
	// Habilitations are those its approvals issued, newest first.
	Habilitations []instruct.Habilitation `json:"habilitations"`
}

// printRequest prints r with its events, what each edit and resubmission
// changed, and the reviewer's operations, every text of them sanitised,
// times in loc with their offset from UTC and the zone named, as a record
// needs them. def names the scopes the changes add and remove.
func printRequest(w io.Writer, r instruct.Request, def instruct.Definition, events []instruct.Event, ops []instruct.Operation, loc *time.Location) {
	r, def, events, ops = sanitize.Value(r), sanitize.Value(def), sanitize.Value(events), sanitize.Value(ops)
	line := func(label, value string) { fmt.Fprintf(w, "%-22s %s\n", label, value) }
	line("Request", fmt.Sprintf("%s (%s, version %d)", r.ID, r.Status, r.Version))
	line("API", r.Definition)
	line("Title", r.Title)
	line("Organisation", fmt.Sprintf("%s, %s — SIRET %s", r.Organization.Name, r.Organization.City, r.Organization.SIRET))
	line("Applicant", r.Applicant.Name+" <"+r.Applicant.Email+">")
	line("Legal basis", strings.ReplaceAll(r.LegalBasis.Nature, "\n", " "))
	line("Legal basis URL", r.LegalBasis.URL)
	line("Scopes", strings.Join(r.Scopes, ", "))
	line("Retention", fmt.Sprintf("%d months", r.RetentionMonths))
	fmt.Fprintf(w, "\nDescription\n%s\n", r.Description)
	fmt.Fprintf(w, "\nHistory (time zone %s)\n", i18n.ZoneName(loc))
	resubmissions, english := timeline.Resubmissions(events, def), i18n.English()
	for i, ev := range events {
		at := ev.At.In(loc)
		fmt.Fprintf(w, "  %s %-9s  %-16s %s\n", at.Format("2006-01-02 15:04"), i18n.UTCOffset(at), ev.Kind, ev.Actor.Name)
		if ev.Comment != "" {
			fmt.Fprintf(w, "      %s\n", strings.ReplaceAll(ev.Comment, "\n", "\n      "))
		}
		if ev.Kind == instruct.KindUpdate {
			printChanges(w, &english, "", compare.Explain(ev.Diff, def))
		}
		if fields, ok := resubmissions[i]; ok {
			printChanges(w, &english, english.ChangedSince, fields)
		}
	}
	for _, op := range ops {
		fmt.Fprintf(w, "\nYour %s: %s", op.Kind, op.State)
		if op.Reason != "" {
			fmt.Fprintf(w, " — %s", strings.ReplaceAll(op.Reason, "\n", " "))
		}
		if op.ReasonCode != "" {
			fmt.Fprintf(w, " (%s)", op.ReasonCode)
		}
		fmt.Fprintln(w)
	}
}
