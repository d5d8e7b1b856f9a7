package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/locale"
	"github.com/instruct-dev/instruct/internal/replica"
	"github.com/instruct-dev/instruct/internal/store"
	"github.com/instruct-dev/instruct/internal/ui"
)

// tuiFlags are the flags of the screen itself.
type tuiFlags struct {
	lang  string
	tz    string
	mouse bool
	// loc is the zone --tz names, once resolved.
	loc *time.Location
}

// resolve checks the flags after parsing: an unknown --tz stops the
// command before anything starts.
func (t *tuiFlags) resolve(getenv func(string) string) error {
	loc, err := timeZone(t.tz, getenv)
	t.loc = loc
	return err
}

func (t *tuiFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&t.lang, "lang", "", "fr or en (default: from LANG)")
	fs.StringVar(&t.tz, "tz", "", zoneFlagHelp)
	fs.BoolVar(&t.mouse, "mouse", false, "capture the mouse (it blocks selecting text to copy)")
}

func runTUI(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "tui", "open the reviewer's screen against the configured server",
		"instruct --server https://instruct.example.gouv.fr --token ins_…   (or run instruct login first)")
	var s settings
	var t tuiFlags
	clientFlags(fs, &s)
	t.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := t.resolve(e.getenv); err != nil {
		return err
	}
	st, fresh, err := openNewCache(ctx, e, &s, ".log")
	if err != nil {
		return err
	}
	return fresh.close(ctx, st, screenOn(ctx, e, st, s, t))
}

// screenOn runs the screen on the open cache st. On a cache that never
// synced, a failed first sync stops it with what to do.
func screenOn(ctx context.Context, e *env, st *store.Store, s settings, t tuiFlags) error {
	warnPlainHTTP(e.stderr, s.server)
	log, closeLog, err := fileLogger(s.cache + ".log")
	if err != nil {
		return err
	}
	defer closeLog()
	first, err := neverSynced(ctx, st)
	if err != nil {
		return err
	}
	stopOn := ""
	if first {
		stopOn = s.server
	}
	return runScreen(ctx, e, st, newEngine(st, s, log), s, t, log, stopOn)
}

// runScreen runs the sync engine beside the TUI until the reviewer quits.
// With firstOf, the server of a cache's first start, a first sync that
// fails ends the screen with a firstSyncError: an empty queue would only
// hide that the token or the server is wrong.
func runScreen(ctx context.Context, e *env, st *store.Store, engine *replica.Engine, s settings, t tuiFlags, log *slog.Logger, firstOf string) error {
	limitMemory(e.getenv)
	ctx, cancel := context.WithCancel(ctx)
	warmed := make(chan struct{})
	go func() { warm(ctx, st, log); close(warmed) }()
	defer func() { cancel(); <-warmed }()
	api := newDocumentAPI(s, log)
	opts := ui.Options{Cache: st, Syncer: engine, Lang: language(t.lang, e.getenv), Location: t.loc,
		Logger: log, Mouse: t.mouse, NoColor: e.getenv("NO_COLOR") != "", Context: ctx, Recovery: st.Recovery(),
		Documents: documentSource{st: st, api: api}}
	if d := engine.Deliveries(); d != nil {
		opts.Deliveries = d
	}
	if !remoteTerminal(e.getenv) {
		v, remove, err := newViewer(api)
		if err != nil {
			return err
		}
		defer remove()
		opts.OpenDocument = v.Open
	}
	model := ui.New(opts)
	program := tea.NewProgram(model, tea.WithContext(ctx))
	var firstErr error // written before done closes
	done := make(chan struct{})
	go func() {
		defer close(done)
		if firstOf != "" {
			if err := engine.Sync(ctx); err != nil && ctx.Err() == nil {
				firstErr = firstSyncError{server: firstOf, err: err}
				program.Quit()
				return
			}
		}
		engine.Run(ctx)
	}()
	_, err := program.Run()
	interrupted := errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil
	cancel()
	<-done
	switch {
	case firstErr != nil:
		return firstErr
	case interrupted:
		return nil
	}
	return err
}

// warm loads the cache's in-memory queue beside the first screen, which
// reads its first window with SQL meanwhile: the screen loads windows of
// rows as the cursor moves and never the whole queue, which used to load
// it.
func warm(ctx context.Context, st *store.Store, log *slog.Logger) {
	if err := st.Warm(ctx); err != nil && ctx.Err() == nil {
		log.Warn("load the in-memory queue", "err", err)
	}
}

// screenMemoryLimit is the soft limit of the Go heap while the screen
// runs: with 100,000 requests cached the live heap is about 60 MB, and
// the collector's default headroom would let the process double that.
const screenMemoryLimit = 96 << 20

// limitMemory sets the screen's soft memory limit, unless GOMEMLIMIT
// chose one.
func limitMemory(getenv func(string) string) {
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(screenMemoryLimit)
	}
}

// language picks the screen's language: the flag, else the one the
// locale asks for (see package locale).
func language(flag string, getenv func(string) string) string {
	if flag != "" {
		return flag
	}
	return locale.Language(getenv)
}

// fileLogger returns a JSON logger writing to path (0600), since the
// screen owns the terminal.
func fileLogger(path string) (*slog.Logger, func(), error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, nil, fmt.Errorf("create log directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("open log file: %w", err)
	}
	return slog.New(slog.NewJSONHandler(f, nil)), func() { f.Close() }, nil
}
