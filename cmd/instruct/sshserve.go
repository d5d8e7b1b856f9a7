package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/replica"
	"github.com/instruct-dev/instruct/internal/server"
	"github.com/instruct-dev/instruct/internal/sshd"
	"github.com/instruct-dev/instruct/internal/store"
)

// hostKeyFile is the name of the SSH host key in the data directory.
const hostKeyFile = "ssh_host_ed25519"

// sshFlags are the flags of ssh-serve besides the database's.
type sshFlags struct {
	addr, data, lang string
	idle, access     time.Duration
	demo             bool
	db               dbFlags
}

func (f *sshFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:2222", "address to listen on for SSH")
	fs.StringVar(&f.data, "data", "", "directory of the host key and of one cache and API token per user (default: the --db path + \".ssh\")")
	fs.StringVar(&f.lang, "lang", "", "fr or en for every session (default: from each client's LANG)")
	fs.DurationVar(&f.idle, "idle-timeout", sshd.DefaultIdleTimeout, "end a session after this long without a key press")
	fs.DurationVar(&f.access, "access-check", sshd.DefaultAccessCheck, "how often an open session checks its key and roles are still granted")
	fs.BoolVar(&f.demo, "demo", false, "seed an empty database with demo users and requests")
	f.db.register(fs)
}

// dataDir returns the data directory the flags name.
func (f sshFlags) dataDir() (string, error) {
	switch {
	case f.data != "":
		return f.data, nil
	case f.db.postgres != "":
		return "", usageError{errors.New("--data is required with --postgres")}
	}
	return f.db.path + ".ssh", nil
}

func runSSHServe(ctx context.Context, e *env, args []string) error {
	svc, err := startSSHServe(ctx, e, args)
	if err != nil {
		return err
	}
	return <-svc.done
}

// sshService is a running ssh-serve: the SSH server, and the API server it
// runs on loopback for the sessions' sync engines.
type sshService struct {
	addr    string
	hostKey gossh.PublicKey
	ledger  *ledger.Ledger
	// done delivers the outcome once ctx ended and everything closed.
	done chan error
}

// startSSHServe starts ssh-serve as args say and returns once it listens;
// it stops when ctx ends.
func startSSHServe(ctx context.Context, e *env, args []string) (*sshService, error) {
	fs := newFlags(e, "ssh-serve", "serve the TUI over SSH to users whose public keys are registered",
		"instruct ssh-serve --addr 0.0.0.0:2222 --db instruct.db   (then: ssh -p 2222 host)")
	var f sshFlags
	f.register(fs)
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	dir, err := f.dataDir()
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	l, err := f.db.open(ctx, log)
	if err != nil {
		return nil, err
	}
	svc, err := startSSHOn(ctx, e, f, dir, l, log)
	if err != nil {
		l.Close()
		return nil, err
	}
	return svc, nil
}

// startSSHOn seeds the demo if asked, starts the loopback API server and
// the SSH server, and stops both when ctx ends.
func startSSHOn(ctx context.Context, e *env, f sshFlags, dir string, l *ledger.Ledger, log *slog.Logger) (*sshService, error) {
	defs, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	if f.demo {
		if err := seedDemo(ctx, l, defs, demoCount, e.stdout); err != nil {
			return nil, err
		}
		fmt.Fprintf(e.stdout, "Bind your SSH key to a demo user, then connect with ssh -p PORT HOST:\n"+
			"  instruct admin ssh-key add --db %s --email marie.dupont@demo.instruct.fr --key \"$(cat ~/.ssh/id_ed25519.pub)\"\n", f.db.path)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	hostKey, err := sshd.HostKey(filepath.Join(dir, hostKeyFile))
	if err != nil {
		return nil, err
	}
	api, err := startLoopbackAPI(l, defs, log)
	if err != nil {
		return nil, err
	}
	desks := &sshDesks{api: api.url, dir: dir, log: log, http: api.http, tokens: newSSHTokens(l, dir, log)}
	srv, err := sshd.New(sshd.Config{Users: l, Open: desks.open, HostKey: hostKey, Logger: log,
		IdleTimeout: f.idle, AccessCheck: f.access, Language: func(getenv func(string) string) string { return language(f.lang, getenv) }})
	var ln net.Listener
	if err == nil {
		ln, err = net.Listen("tcp", f.addr)
	}
	if err != nil {
		api.stop()
		return nil, err
	}
	log.Info("ssh serving", "addr", ln.Addr().String(), "host_key", gossh.FingerprintSHA256(hostKey.PublicKey()))
	svc := &sshService{addr: ln.Addr().String(), hostKey: hostKey.PublicKey(), ledger: l, done: make(chan error, 1)}
	go svc.run(ctx, srv, ln, api, log)
	return svc, nil
}

// run serves until ctx ends or serving fails, then closes the sessions,
// the API server and the database, in that order.
func (svc *sshService) run(ctx context.Context, srv *sshd.Server, ln net.Listener, api *loopbackAPI, log *slog.Logger) {
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	var err error
	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err = <-served:
	}
	closeErr := srv.Close()
	if ctx.Err() != nil {
		err = <-served
	}
	svc.done <- errors.Join(err, closeErr, api.stop(), svc.ledger.Close())
}

// loopbackAPI is the API server ssh-serve runs on 127.0.0.1 for the
// sessions' sync engines, so that their decisions go through the same
// rules as any client's.
type loopbackAPI struct {
	url  string
	http *http.Client
	stop func() error
}

func startLoopbackAPI(l *ledger.Ledger, defs []instruct.Definition, log *slog.Logger) (*loopbackAPI, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen for the loopback API: %w", err)
	}
	// One line per API request would drown the SSH log: only problems.
	quiet := slog.New(&levelHandler{min: slog.LevelWarn, Handler: log.Handler()})
	srv := server.New(server.Config{Storage: l, Catalogue: defs, Logger: quiet})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- serveUntilDone(ctx, ln, srv, quiet) }()
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 64
	stop := func() error {
		cancel()
		err := <-done
		transport.CloseIdleConnections()
		return err
	}
	return &loopbackAPI{url: "http://" + ln.Addr().String(), http: &http.Client{Transport: transport}, stop: stop}, nil
}

// levelHandler drops records below min.
type levelHandler struct {
	min slog.Level
	slog.Handler
}

func (h *levelHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return level >= h.min && h.Handler.Enabled(ctx, level)
}

func (h *levelHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &levelHandler{min: h.min, Handler: h.Handler.WithAttrs(attrs)}
}

func (h *levelHandler) WithGroup(name string) slog.Handler {
	return &levelHandler{min: h.min, Handler: h.Handler.WithGroup(name)}
}

// sshDesks opens users' desks: a cache file per user in dir, synced with
// the loopback API using that user's token, kept in dir across restarts.
type sshDesks struct {
	api    string
	dir    string
	log    *slog.Logger
	http   *http.Client
	tokens *sshTokens
}

// open opens the desk of user u.
func (d *sshDesks) open(ctx context.Context, u instruct.User) (sshd.Desk, error) {
	token, err := d.tokens.token(ctx, u.ID)
	if err != nil {
		return sshd.Desk{}, err
	}
	path := filepath.Join(d.dir, cacheName(u.ID)+".db")
	st, err := store.Open(ctx, path)
	if err != nil {
		return sshd.Desk{}, err
	}
	if st.Recovered() != "" {
		d.log.Warn("ssh cache replaced", "user", u.ID)
	}
	log := d.log.With("user", u.ID)
	api := client.New(d.api, token, client.Options{HTTP: d.http, Logger: log})
	engine := replica.New(st, api, replica.Options{Logger: log, LockPath: path + ".lock"})
	return sshd.Desk{Cache: st, Engine: engine, Close: st.Close}, nil
}

// plainName matches user IDs that are safe as file names.
var plainName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// cacheName is the file name of user id's cache: the ID itself when it is
// a plain name, else a hash of it.
func cacheName(id string) string {
	if plainName.MatchString(id) {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return "u-" + hex.EncodeToString(sum[:16])
}
