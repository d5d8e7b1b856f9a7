package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/deliver"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// runWebhook runs "admin webhook add|list|remove|test|rotate-secret".
func runWebhook(ctx context.Context, e *env, verb string, args []string) error {
	switch verb {
	case "add":
		return runWebhookAdd(ctx, e, args)
	case "list":
		return runWebhookList(ctx, e, args)
	case "remove":
		return runWebhookByID(ctx, e, "remove", "remove a webhook (its pending deliveries fail)", args, removeWebhook)
	case "test":
		return runWebhookByID(ctx, e, "test", "call a webhook once with a signed test event and print its answer", args, testWebhook)
	case "rotate-secret":
		return runWebhookByID(ctx, e, "rotate-secret", "give a webhook a new secret, printed once", args, rotateSecret)
	}
	return usageError{fmt.Errorf("unknown admin command \"webhook %s\": add, list, remove, test, rotate-secret", verb)}
}

func runWebhookAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "admin webhook add", "call a URL, signed, on the events of a definition; prints its ID and its secret, once",
		"instruct admin webhook add --db instruct.db --definition api_particulier --url https://api.example.gouv.fr/datapass/webhook --events approve,revoke")
	var db dbFlags
	db.register(fs)
	def := fs.String("definition", "", "the definition (API) whose events it receives")
	url := fs.String("url", "", "the https URL to POST to")
	events := fs.String("events", "", "the events it receives, by commas (default: all of "+kindList(instruct.WebhookKinds())+")")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *def == "" || *url == "" {
		return usageError{errors.New("--definition and --url are required")}
	}
	if err := checkDefinition(*def); err != nil {
		return err
	}
	l, err := db.openExisting(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer l.Close()
	w, secret, err := l.AddWebhook(ctx, *def, *url, parseKinds(*events))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "webhook %s added: %s → %s on %s\n", w.ID, w.Definition, w.URL, kindList(w.Events))
	fmt.Fprintf(e.stdout, "secret: %s\n(shown this once: give it to the receiver, which checks X-Hub-Signature-256 with it)\n", secret)
	return nil
}

// checkDefinition refuses a definition the catalogue does not hold.
func checkDefinition(def string) error {
	known, err := definitionIDs()
	if err != nil {
		return err
	}
	if !slices.Contains(known, def) {
		return usageError{fmt.Errorf("no definition %q in the catalogue", cells.Truncate(def, 60))}
	}
	return nil
}

// parseKinds reads a comma-separated list of event kinds.
func parseKinds(s string) []instruct.Kind {
	var kinds []instruct.Kind
	for _, name := range strings.Split(s, ",") {
		if name = strings.TrimSpace(name); name != "" {
			kinds = append(kinds, instruct.Kind(name))
		}
	}
	return kinds
}

// kindList writes kinds by commas.
func kindList(kinds []instruct.Kind) string {
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = string(k)
	}
	return strings.Join(names, ",")
}

func runWebhookList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "admin webhook list", "list the webhooks (never their secrets)",
		"instruct admin webhook list --db instruct.db [--definition api_particulier]")
	var db dbFlags
	db.register(fs)
	def := fs.String("definition", "", "only the webhooks of this definition")
	if err := parse(fs, args); err != nil {
		return err
	}
	l, err := db.openExisting(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer l.Close()
	hooks, err := l.Webhooks(ctx, *def)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDEFINITION\tURL\tEVENTS\tADDED")
	for _, w := range hooks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", w.ID, w.Definition, w.URL, kindList(w.Events), w.CreatedAt.Format(time.DateOnly))
	}
	return tw.Flush()
}

// runWebhookByID runs a webhook command whose one argument is the
// webhook's ID.
func runWebhookByID(ctx context.Context, e *env, verb, summary string, args []string,
	fn func(ctx context.Context, e *env, l *ledger.Ledger, id string) error) error {
	fs := newFlags(e, "admin webhook "+verb+" ID", summary, "instruct admin webhook "+verb+" --db instruct.db 0193c5e2-…")
	var db dbFlags
	db.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{fmt.Errorf("admin webhook %s takes the webhook's ID (admin webhook list shows them)", verb)}
	}
	l, err := db.openExisting(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer l.Close()
	return fn(ctx, e, l, fs.Arg(0))
}

func removeWebhook(ctx context.Context, e *env, l *ledger.Ledger, id string) error {
	if err := l.RemoveWebhook(ctx, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "webhook %s removed\n", id)
	return nil
}

func rotateSecret(ctx context.Context, e *env, l *ledger.Ledger, id string) error {
	secret, err := l.RotateWebhookSecret(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "secret: %s\n(shown this once; calls from now on, retries too, are signed with it)\n", secret)
	return nil
}

func testWebhook(ctx context.Context, e *env, l *ledger.Ledger, id string) error {
	w, secret, err := l.WebhookSecret(ctx, id)
	if err != nil {
		return err
	}
	status, err := deliver.Ping(ctx, w.URL, secret, uuid.NewString(), "production", deliver.DefaultTimeout)
	if err != nil {
		return fmt.Errorf("test call of %s: %w", w.URL, err)
	}
	fmt.Fprintf(e.stdout, "test call of %s: answered %d\n", w.URL, status)
	return nil
}

// runDeliveries runs "admin deliveries [--failed]" and "admin deliveries
// retry ID".
func runDeliveries(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "retry" {
		return runDeliveryRetry(ctx, e, args[1:])
	}
	fs := newFlags(e, "admin deliveries", "list the last mails and webhook calls, newest first",
		"instruct admin deliveries --db instruct.db --failed")
	var db dbFlags
	db.register(fs)
	failed := fs.Bool("failed", false, "only the failed ones")
	limit := fs.Int("limit", 100, "at most this many")
	if err := parse(fs, args); err != nil {
		return err
	}
	l, err := db.openExisting(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer l.Close()
	lines, err := l.AllDeliveries(ctx, *failed, max(*limit, 1))
	if err != nil {
		return err
	}
	return printDeliveries(e, lines)
}

// printDeliveries writes one line per delivery.
func printDeliveries(e *env, lines []ledger.DeliveryLine) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tREQUEST\tEVENT\tCHANNEL\tTARGET\tSTATUS\tATTEMPTS\tLAST\tWHEN\tERROR")
	for _, d := range lines {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\n", d.ID, d.RequestID, d.Kind, d.Channel, sanitize.Line(d.Target),
			d.Status, d.Attempts, d.LastStatus, deliveryWhen(d.Delivery), cells.Truncate(sanitize.Line(d.LastError), 80))
	}
	return tw.Flush()
}

// deliveryWhen says when a delivery was delivered, or is tried next.
func deliveryWhen(d instruct.Delivery) string {
	switch {
	case d.DeliveredAt != nil:
		return d.DeliveredAt.Format(time.RFC3339)
	case d.NextAttemptAt != nil:
		return "next " + d.NextAttemptAt.Format(time.RFC3339)
	}
	return "-"
}

func runDeliveryRetry(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "admin deliveries retry ID", "try a failed (or pending) delivery again now; the running server sends it",
		"instruct admin deliveries retry --db instruct.db 0193c5e2-…")
	var db dbFlags
	db.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{errors.New("admin deliveries retry takes the delivery's ID (admin deliveries --failed shows them)")}
	}
	l, err := db.openExisting(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer l.Close()
	if err := l.RetryDelivery(ctx, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "delivery %s is due again: the server sends it within seconds\n", fs.Arg(0))
	return nil
}
