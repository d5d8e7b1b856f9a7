package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

func runAudit(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return usageError{errors.New("usage: instruct audit verify --db PATH")}
	}
	fs := newFlags(e, "audit verify", "recompute the event log's hash chain; non-zero exit on any break",
		"instruct audit verify --db instruct.db")
	var db dbFlags
	db.register(fs)
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	l, err := db.openExisting(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer l.Close()
	res, err := l.Verify(ctx)
	if err != nil {
		return err
	}
	if !res.OK() {
		return fmt.Errorf("audit chain broken at event %d: %s (%d events checked)", res.BrokenAt, res.Problem, res.Checked)
	}
	fmt.Fprintf(e.stdout, "audit chain intact: %d events checked, from seq %d to %d\n", res.Checked, res.From, res.Last)
	return nil
}
