// Command instruct is the reviewer's workstation for requests for access
// to government APIs: a terminal UI over an offline cache, the commands
// that sync and script it, and the server they sync with.
//
// Run "instruct help" for the commands; "instruct demo" tries it with no
// set-up at all.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/instruct-dev/instruct/internal/pdftext"
)

// command is one subcommand of the command line.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what commands read and write besides their flags, so tests can
// run them in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() map[string]command {
	return map[string]command{
		"demo":          {"try instruct with no set-up: a demo server and the TUI", runDemo},
		"tui":           {"open the TUI against the configured server (the default command)", runTUI},
		"serve":         {"run the server", runServe},
		"admin":         {"manage users, tokens, SSH keys, webhooks and deliveries (user add, user roles, token create, token revoke, ssh-key add, ssh-key remove, webhook add|list|remove|test|rotate-secret, deliveries [retry])", runAdmin},
		"audit":         {"check the event log's hash chain (audit verify)", runAudit},
		"login":         {"store a server and token for the TUI and the commands", runLogin},
		"sync":          {"push the outbox and pull the feed once", runSync},
		"ls":            {"list requests from the local cache", runList},
		"show":          {"show one request with its events from the local cache", runShow},
		"decide":        {"record a decision in the outbox (works offline)", runDecide},
		"doc":           {"list a request's documents, print their text, save their files", runDoc},
		"stats":         {"review statistics from the local cache (works offline)", runStats},
		"ssh-serve":     {"serve the TUI over SSH to registered keys", runSSHServe},
		"notifications": {"receive, or not, the mails of a definition (notifications on|off --definition D)", runNotifications},
	}
}

func main() {
	pdftext.ServeChild() // the PDF text extractor's child, when this is one
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	e := &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	err := run(ctx, e, os.Args[1:])
	stop()
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "instruct:", err)
		}
		os.Exit(exitCode(err))
	}
}

// run dispatches args to their command; no command opens the TUI.
func run(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && (args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
		usage(e.stdout)
		return nil
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return runTUI(ctx, e, args)
	}
	name, rest := args[0], args[1:]
	cmd, ok := commands()[name]
	if !ok {
		usage(e.stderr)
		return usageError{fmt.Errorf("unknown command %q", name)}
	}
	return cmd.run(ctx, e, rest)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "instruct — review requests for access to government APIs, in the terminal.")
	fmt.Fprintln(w, "\nUsage: instruct [command] [flags]   (no command opens the TUI)")
	fmt.Fprintln(w, "\nCommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun \"instruct COMMAND --help\" for its flags and an example.")
}

// usageError marks a mistake on the command line (exit status 2).
type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	return 1
}

// newFlags returns a flag set whose --help prints the summary, the flags
// and an example.
func newFlags(e *env, name, summary, example string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "instruct %s — %s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
		fmt.Fprintf(e.stderr, "\nExample:\n  %s\n", example)
	}
	return fs
}

// parse parses args, turning flag errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	return nil
}
