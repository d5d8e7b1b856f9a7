package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/charmbracelet/x/term"

	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/replica"
	"github.com/instruct-dev/instruct/internal/store"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// openCache opens the cache the settings name; Recovery tells when a bad
// cache file was set aside.
func openCache(ctx context.Context, s settings) (*store.Store, error) {
	return store.Open(ctx, s.cache)
}

// existingCacheFor resolves the settings of a command that reads the
// cache only and opens the cache they name, which must exist: a command
// with nothing to read creates no file.
func existingCacheFor(ctx context.Context, e *env, s *settings) (*store.Store, error) {
	if err := s.resolveCache(e); err != nil {
		return nil, err
	}
	if !exists(s.cache) {
		return nil, fmt.Errorf("no cache at %s: run \"instruct sync\" first, or name one with --cache", s.cache)
	}
	return openCache(ctx, *s)
}

// newEngine returns a sync engine between st and the configured server.
func newEngine(st *store.Store, s settings, log *slog.Logger) *replica.Engine {
	// Few, short attempts (newAPI); the engine itself tries again later.
	return replica.New(st, newAPI(s, log), replica.Options{Logger: log, LockPath: s.cache + ".lock"})
}

// newAPI returns a client of the configured server that tries a few
// times, briefly: a server that takes connections but never answers is
// reported out of reach within half a minute.
func newAPI(s settings, log *slog.Logger) *client.Client {
	return client.New(s.server, s.token, client.Options{Logger: log, Timeout: 10 * time.Second, MaxRetries: 2})
}

// newDocumentAPI returns a client of the configured server for documents,
// nil when none is configured: a file of 20 MiB may take a minute to come
// over a slow line.
func newDocumentAPI(s settings, log *slog.Logger) *client.Client {
	if s.server == "" || s.token == "" {
		return nil
	}
	return client.New(s.server, s.token, client.Options{Logger: log, Timeout: time.Minute, MaxRetries: 2})
}

func runLogin(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "login", "check a token against a server and store both for the TUI (file mode 0600)",
		"instruct login --server https://instruct.example.gouv.fr   (then paste the token)")
	var s settings
	clientFlags(fs, &s)
	if err := parse(fs, args); err != nil {
		return err
	}
	fromEnv(&s.server, e, "INSTRUCT_SERVER")
	fromEnv(&s.configPath, e, "INSTRUCT_CONFIG")
	if s.server == "" {
		return usageError{errors.New("--server is required")}
	}
	if err := checkServer(s.server); err != nil {
		return usageError{err}
	}
	if s.token == "" {
		token, err := readToken(ctx, e)
		if err != nil {
			return err
		}
		s.token = token
	}
	if !printable(s.token) {
		return usageError{errors.New("the token holds spaces or control characters: paste it again")}
	}
	warnPlainHTTP(e.stderr, s.server)
	me, err := client.New(s.server, s.token, client.Options{MaxRetries: -1}).Me(ctx)
	if err != nil {
		return fmt.Errorf("check the token with %s: %w", s.server, err)
	}
	if s.configPath == "" {
		p, err := defaultConfigPath()
		if err != nil {
			return err
		}
		s.configPath = p
	}
	if err := writeConfig(s.configPath, config{Server: s.server, Token: s.token, User: me.ID}); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "signed in to %s as user %s; token stored in %s\n", s.server, me.ID, s.configPath)
	return nil
}

// readToken reads a token from stdin, one line: from a terminal without
// echoing it, so it never shows on screen (nor in a screen recording or
// a shared terminal); from a pipe as it comes.
func readToken(ctx context.Context, e *env) (string, error) {
	fmt.Fprint(e.stderr, "Token: ")
	var line string
	var err error
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(f.Fd()) {
		line, err = readSecretLine(ctx, f)
		fmt.Fprintln(e.stderr)
	} else {
		line, err = bufio.NewReader(e.stdin).ReadString('\n')
		if errors.Is(err, io.EOF) {
			err = nil
		}
	}
	if err != nil {
		return "", fmt.Errorf("read token: %w", err)
	}
	token := strings.TrimSpace(line)
	if token == "" {
		return "", usageError{errors.New("no token given: pass --token or type it")}
	}
	return token, nil
}

// readSecretLine reads a line from terminal f with echo off. When ctx
// ends first (ctrl+c), it puts the terminal back as it was and returns.
func readSecretLine(ctx context.Context, f *os.File) (string, error) {
	state, err := term.GetState(f.Fd())
	if err != nil {
		return "", err
	}
	type result struct {
		line []byte
		err  error
	}
	got := make(chan result, 1)
	go func() {
		line, err := term.ReadPassword(f.Fd())
		got <- result{line, err}
	}()
	select {
	case r := <-got:
		return string(r.line), r.err
	case <-ctx.Done():
		_ = term.Restore(f.Fd(), state)
		return "", ctx.Err()
	}
}

func runSync(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "sync", "push the outbox, then pull the server's changes; exit 0 only if both succeeded",
		"instruct sync")
	var s settings
	clientFlags(fs, &s)
	if err := parse(fs, args); err != nil {
		return err
	}
	st, fresh, err := openNewCache(ctx, e, &s)
	if err != nil {
		return err
	}
	return fresh.close(ctx, st, syncOnce(ctx, e, st, s))
}

// syncOnce syncs st once and says how it went; the failed first sync of
// a cache says what to do.
func syncOnce(ctx context.Context, e *env, st *store.Store, s settings) error {
	warnPlainHTTP(e.stderr, s.server)
	first, err := neverSynced(ctx, st)
	if err != nil {
		return err
	}
	engine := newEngine(st, s, slog.New(slog.DiscardHandler))
	syncErr := engine.Sync(ctx)
	w := words(e)
	sum, err := st.Summary(ctx)
	if err != nil {
		return err
	}
	var said []string // one line: what happened to the cache, then to the sync
	if rec := cmp.Or(engine.Status().Recovery, st.Recovery()); rec != nil {
		said = append(said, recovered(e, rec))
	}
	if syncErr != nil && first && len(said) == 0 && ctx.Err() == nil && !localFault(syncErr) {
		return firstSyncError{server: s.server, err: syncErr}
	}
	if syncErr != nil {
		return errors.New(strings.Join(append(said, w.SyncFailed(syncReason(w, syncErr), sum.Pending)), w.Then))
	}
	fmt.Fprintln(e.stdout, w.Synced(sum.Pending, sum.Conflicts, sum.Rejected))
	if len(said) > 0 {
		return errors.New(strings.Join(append(said, w.Resynced), w.Then))
	}
	return nil
}

// localFault reports whether err is this computer's, not the server's
// nor the token's: a full disk, a damaged cache.
func localFault(err error) bool {
	f := instruct.FaultOf(err)
	return f == instruct.FaultDiskFull || f == instruct.FaultCacheDamaged
}

// oneLine returns err's user-safe message on one line.
func oneLine(err error) string {
	msg := err.Error()
	if c := instruct.ErrorCode(err); c != instruct.CodeInternal && c != instruct.CodeUnavailable {
		msg = instruct.ErrorMessage(err)
	}
	return strings.Join(strings.Fields(msg), " ")
}

func runDecide(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "decide", "record a decision, or the revocation of one habilitation, in the outbox (works offline; the next sync pushes it)",
		`instruct decide D1042 refuse --comment "La base légale citée ne couvre pas le quotient familial."`)
	var s settings
	clientFlags(fs, &s)
	comment := fs.String("comment", "", "the comment (required to refuse, request changes and revoke)")
	if len(args) >= 2 && isHabilitationID(args[0]) {
		return revokeHabilitation(ctx, e, fs, &s, args, comment)
	}
	id, kind, rest, err := decideArgs(args)
	if err != nil {
		return err
	}
	if err := parse(fs, rest); err != nil {
		return err
	}
	return onCache(ctx, e, &s, func(st *store.Store) error {
		op, err := st.Record(ctx, id, kind, *comment)
		if errors.Is(err, instruct.ErrCacheDamaged) {
			return err
		}
		if err != nil {
			return fmt.Errorf("record %s of %s: %s", kind, id, recordReason(e, err))
		}
		fmt.Fprintf(e.stdout, "%s of %s recorded (operation %s, pending until the next sync)\n", kind, op.RequestID, op.ID)
		return nil
	})
}

// recordReason says why a decision was not recorded: a full disk in the
// user's words, else the error on one line.
func recordReason(e *env, err error) string {
	if instruct.FaultOf(err) == instruct.FaultDiskFull {
		return words(e).Fault(instruct.FaultDiskFull)
	}
	return oneLine(err)
}

// decideArgs takes the ID and the decision from the front of args, so
// flags may follow them.
func decideArgs(args []string) (instruct.RequestID, instruct.Kind, []string, error) {
	if len(args) >= 1 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		return 0, "", args, nil
	}
	if len(args) < 2 || strings.HasPrefix(args[0], "-") || strings.HasPrefix(args[1], "-") {
		return 0, "", nil, usageError{errors.New("usage: instruct decide ID approve|refuse|request_changes|revoke|archive --comment TEXT, or instruct decide H2041 revoke --comment TEXT")}
	}
	kind := instruct.Kind(args[1])
	switch kind {
	case instruct.KindApprove, instruct.KindRefuse, instruct.KindRequestChanges, instruct.KindRevoke, instruct.KindArchive:
	default:
		return 0, "", nil, usageError{fmt.Errorf("%q is not a decision: use approve, refuse or request_changes (or revoke, archive)", args[1])}
	}
	id, err := instruct.ParseRequestIDInput(args[0])
	if err != nil {
		return 0, "", nil, fmt.Errorf("decide: %w", err)
	}
	return id, kind, args[2:], nil
}

// writeJSON writes v as indented JSON whose strings carry no C1 control
// or bidi override raw, so a terminal showing it can't be driven by it.
func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, escapeJSONControls(string(data))+"\n")
	return err
}

// escapeJSONControls rewrites as \u escapes what sanitize would not show
// as it is (C1 and bidi controls, invisible and format characters, private
// use, noncharacters, joiners…) and DEL; encoding/json already escapes C0
// controls, and these runes can only occur inside strings, where the
// escape means the same: the data stays whole, the terminal stays safe.
func escapeJSONControls(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == 0x7f || r >= 0x80 && (sanitize.Escaped(r) || sanitize.Dropped(r)) {
			writeJSONEscape(&b, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// writeJSONEscape writes r as JSON's \u escape: a surrogate pair beyond
// the first plane.
func writeJSONEscape(b *strings.Builder, r rune) {
	if r > 0xffff {
		hi, lo := utf16.EncodeRune(r)
		fmt.Fprintf(b, `\u%04x\u%04x`, hi, lo)
		return
	}
	fmt.Fprintf(b, `\u%04x`, r)
}
