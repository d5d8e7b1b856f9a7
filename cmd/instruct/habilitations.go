package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// habilitationQuery is what "ls --habilitations" was asked for.
type habilitationQuery struct {
	status, definition, text string
}

// listHabilitations prints the cached habilitations hq selects, newest
// first, as a table or JSON.
func listHabilitations(ctx context.Context, e *env, s *settings, hq habilitationQuery, asJSON bool) error {
	q := instruct.HabilitationSearch{Definition: hq.definition, Text: hq.text}
	if hq.status != "" {
		st := instruct.HabilitationStatus(hq.status)
		if !st.Valid() {
			return usageError{fmt.Errorf("unknown habilitation status %q: use one of active, obsolete, revoked", hq.status)}
		}
		q.Statuses = []instruct.HabilitationStatus{st}
	}
	return onCache(ctx, e, s, func(st *store.Store) error {
		hs, err := st.Habilitations(ctx, q)
		if err != nil {
			return err
		}
		if len(hs) == 0 && q.Definition != "" {
			if err := knownDefinition(ctx, st, q.Definition); err != nil {
				return err
			}
		}
		if asJSON {
			return writeJSON(e.stdout, nonNil(hs))
		}
		return printHabilitations(e.stdout, hs)
	})
}

// printHabilitations prints habilitations as a table, sanitised.
func printHabilitations(w io.Writer, hs []instruct.Habilitation) error {
	hs = sanitize.Value(hs)
	rows := [][]string{{"ID", "REQUEST", "API", "STATUS", "ORGANISATION", "SIRET", "SINCE"}}
	for _, h := range hs {
		rows = append(rows, []string{h.ID.String(), h.RequestID.String(), h.Definition, string(h.Status),
			h.Organization.Name, h.Organization.SIRET, h.CreatedAt.Format("2006-01-02")})
	}
	return printTable(w, rows)
}

// isHabilitationID reports whether a command-line ID names a
// habilitation (H2041, h2041) rather than a request.
func isHabilitationID(s string) bool {
	return len(s) > 1 && (s[0] == 'H' || s[0] == 'h')
}

// showHabilitation prints cached habilitation text (H2041).
func showHabilitation(ctx context.Context, e *env, s *settings, text string, asJSON bool, loc *time.Location) error {
	id, err := instruct.ParseHabilitationIDInput(text)
	if err != nil {
		return fmt.Errorf("show: %w", err)
	}
	return onCache(ctx, e, s, func(st *store.Store) error {
		h, err := st.Habilitation(ctx, id)
		if errors.Is(err, instruct.ErrCacheDamaged) {
			return err
		}
		if err != nil {
			return fmt.Errorf("show %s: %s", id, oneLine(err))
		}
		if asJSON {
			return writeJSON(e.stdout, h)
		}
		defs, err := st.Definitions(ctx)
		if err != nil {
			return err
		}
		events, err := st.Events(ctx, h.RequestID)
		if err != nil {
			return err
		}
		printHabilitation(e.stdout, h, definition(defs, h.Definition), tokenIssued(events, h.ID), loc)
		return nil
	})
}

// printHabilitation prints a habilitation's frozen fields, who approved
// it and when, and the provider's token if issued, every text sanitised.
func printHabilitation(w io.Writer, h instruct.Habilitation, def instruct.Definition, tokenAt *time.Time, loc *time.Location) {
	h, def = sanitize.Value(h), sanitize.Value(def)
	line := func(label, value string) { fmt.Fprintf(w, "%-22s %s\n", label, value) }
	stamp := func(t time.Time) string {
		at := t.In(loc)
		return at.Format("2006-01-02 15:04") + " " + i18n.UTCOffset(at)
	}
	line("Habilitation", fmt.Sprintf("%s (%s, version %d)", h.ID, h.Status, h.Version))
	line("Request", h.RequestID.String())
	line("API", h.Definition)
	line("Organisation", fmt.Sprintf("%s — SIRET %s", h.Organization.Name, h.Organization.SIRET))
	line("Applicant", h.Applicant.Name+" <"+h.Applicant.Email+">")
	line("Approved", stamp(h.CreatedAt)+" by "+h.ApprovedBy.Name)
	if h.Comment != "" {
		line("Comment", strings.ReplaceAll(h.Comment, "\n", " "))
	}
	if h.RevokedAt != nil {
		line("Revoked", stamp(*h.RevokedAt))
	}
	if h.ExternalID != nil {
		issued := ""
		if tokenAt != nil {
			issued = ", issued " + stamp(*tokenAt)
		}
		line("Provider token", *h.ExternalID+issued)
	}
	line("Legal basis", strings.ReplaceAll(h.LegalBasis.Nature, "\n", " "))
	line("Legal basis URL", h.LegalBasis.URL)
	labels := make([]string, len(h.Scopes))
	for i, id := range h.Scopes {
		labels[i] = scopeLabel(def, id)
	}
	line("Scopes", strings.Join(labels, ", "))
	line("Retention", fmt.Sprintf("%d months", h.RetentionMonths))
	line("Data recipients", strings.ReplaceAll(h.DataRecipients, "\n", " "))
}

// scopeLabel returns "Label (id)" from the catalogue, or the ID alone.
func scopeLabel(def instruct.Definition, id string) string {
	for _, s := range def.Scopes {
		if s.ID == id && s.Label != "" {
			return s.Label + " (" + id + ")"
		}
	}
	return id
}

// revokeHabilitation records "decide H2041 revoke --comment TEXT": the
// revocation of one habilitation, in the outbox.
func revokeHabilitation(ctx context.Context, e *env, fs *flag.FlagSet, s *settings, args []string, comment *string) error {
	if args[1] != string(instruct.KindRevoke) {
		return usageError{fmt.Errorf("%q: a habilitation can only be revoked: instruct decide %s revoke --comment TEXT", args[1], sanitize.Line(args[0]))}
	}
	id, err := instruct.ParseHabilitationIDInput(args[0])
	if err != nil {
		return fmt.Errorf("decide: %w", err)
	}
	if err := parse(fs, args[2:]); err != nil {
		return err
	}
	return onCache(ctx, e, s, func(st *store.Store) error {
		op, err := st.RecordRevokeHabilitation(ctx, id, *comment)
		if errors.Is(err, instruct.ErrCacheDamaged) {
			return err
		}
		if err != nil {
			return fmt.Errorf("record revocation of %s: %s", id, recordReason(e, err))
		}
		fmt.Fprintf(e.stdout, "revocation of %s (%s) recorded (operation %s, pending until the next sync)\n", id, op.RequestID, op.ID)
		return nil
	})
}

// nonNil returns hs, or an empty list for none, so that JSON says [].
func nonNil(hs []instruct.Habilitation) []instruct.Habilitation {
	if hs == nil {
		return []instruct.Habilitation{}
	}
	return hs
}

// printRequestHabilitations lists, under show's request, the
// habilitations its approvals issued.
func printRequestHabilitations(w io.Writer, hs []instruct.Habilitation) {
	if len(hs) == 0 {
		return
	}
	hs = sanitize.Value(hs)
	fmt.Fprintln(w, "\nHabilitations")
	for _, h := range hs {
		fmt.Fprintf(w, "  %-7s %-9s since %s, approved by %s\n", h.ID, h.Status, h.CreatedAt.Format("2006-01-02"), h.ApprovedBy.Name)
	}
}

// tokenIssued returns when the history says the provider issued the
// token of habilitation id, or nil.
func tokenIssued(events []instruct.Event, id instruct.HabilitationID) *time.Time {
	var at *time.Time
	for _, e := range events {
		if e.Kind == instruct.KindTokenDelivered && e.HabilitationID == id {
			t := e.At
			at = &t
		}
	}
	return at
}
