package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/replica"
	"github.com/instruct-dev/instruct/internal/review"
	"github.com/instruct-dev/instruct/internal/sshd"
	"github.com/instruct-dev/instruct/internal/store"
)

// hostKeyFile is the name of the SSH host key in the data directory.
const hostKeyFile = "ssh_host_ed25519"

// readModelFile is the path, in the data directory, of the read model
// every session shares: a cache of every request. It sits in a directory
// of its own, away from the per-user caches older versions left.
const readModelFile = "read-model/cache.db"

// sshFlags are the flags of ssh-serve besides the database's.
type sshFlags struct {
	addr, data, lang string
	tz               string
	// loc is the zone of --tz, else the server's.
	loc          *time.Location
	idle, access time.Duration
	demo         bool
	db           dbFlags
}

func (f *sshFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:2222", "address to listen on for SSH")
	fs.StringVar(&f.data, "data", "", "directory of the host key and of the sessions' shared read model (default: the --db path + \".ssh\")")
	fs.StringVar(&f.lang, "lang", "", "fr or en for every session (default: from each client's LANG)")
	fs.StringVar(&f.tz, "tz", "", "time zone of every session, an IANA name such as Europe/Paris (default: the TZ each client sends, else the server's)")
	fs.DurationVar(&f.idle, "idle-timeout", sshd.DefaultIdleTimeout, "end a session after this long without a key press")
	fs.DurationVar(&f.access, "access-check", sshd.DefaultAccessCheck, "how often an open session checks its key and roles are still granted")
	fs.BoolVar(&f.demo, "demo", false, "seed an empty database with demo users and requests")
	f.db.register(fs)
}

// sessionZone picks each session's time zone: fixed, the one --tz named;
// else the TZ the client sends (ssh's SendEnv TZ) when it names a zone;
// else server, the zone ssh-serve runs in.
func sessionZone(fixed bool, server *time.Location) func(getenv func(string) string) *time.Location {
	return func(getenv func(string) string) *time.Location {
		if !fixed {
			if loc, ok := namedZone(getenv("TZ")); ok {
				return loc
			}
		}
		return server
	}
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

// sshService is a running ssh-serve: the SSH server over the read model.
type sshService struct {
	addr    string
	hostKey gossh.PublicKey
	ledger  *ledger.Ledger
	// stopDeliveries stops the worker sending the deliveries outbox, once
	// its attempts under way are recorded.
	stopDeliveries func()
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
	var out outboxFlags
	out.register(fs, e)
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	mailer, err := out.mailer()
	if err != nil {
		return nil, usageError{err}
	}
	if f.loc, err = timeZone(f.tz, e.getenv); err != nil {
		return nil, err
	}
	dir, err := f.dataDir()
	if err != nil {
		return nil, err
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	l, err := f.db.open(ctx, log, out.ledgerOptions(mailer)...)
	if err != nil {
		return nil, err
	}
	defs, err := catalog.Default()
	if err != nil {
		l.Close()
		return nil, err
	}
	reviews := review.New(review.Config{Storage: l, Catalogue: defs})
	stopDeliveries := startDeliveries(out.worker(l, reviews, mailer, defs, f.demo, log))
	svc, err := startSSHOn(ctx, e, f, dir, l, reviews, log, stopDeliveries)
	if err != nil {
		stopDeliveries()
		l.Close()
		return nil, err
	}
	return svc, nil
}

// startSSHOn seeds the demo if asked, retires what older versions left,
// opens the read model and starts the SSH server, and stops it when ctx
// ends.
func startSSHOn(ctx context.Context, e *env, f sshFlags, dir string, l *ledger.Ledger, reviews *review.Service, log *slog.Logger, stopDeliveries func()) (*sshService, error) {
	defs := reviews.Catalogue()
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
	retireSSHTokens(ctx, l, dir, log)
	noteOldSSHCaches(dir, log)
	path := filepath.Join(dir, readModelFile)
	model, err := store.Open(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("open the read model: %w", err)
	}
	srv, ln, err := listenSSH(f, l, reviews, readModel{model, path}, hostKey, log)
	if err != nil {
		return nil, errors.Join(err, model.Close())
	}
	log.Info("ssh serving", "addr", ln.Addr().String(), "host_key", gossh.FingerprintSHA256(hostKey.PublicKey()))
	svc := &sshService{addr: ln.Addr().String(), hostKey: hostKey.PublicKey(), ledger: l, stopDeliveries: stopDeliveries,
		done: make(chan error, 1)}
	go svc.run(ctx, srv, ln, model, log)
	return svc, nil
}

// readModel is the open cache of the read model and its path.
type readModel struct {
	*store.Store
	path string
}

// listenSSH builds the SSH server over the read model, whose engine
// follows the review service's feed in-process, and listens for it.
func listenSSH(f sshFlags, l *ledger.Ledger, reviews *review.Service, model readModel, hostKey gossh.Signer, log *slog.Logger) (*sshd.Server, net.Listener, error) {
	engine := replica.Follow(model, sshd.NewFeed(reviews, l, 0), replica.Options{
		Logger: log.With("part", "read_model"), LockPath: model.path + ".lock"})
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return nil, nil, err
	}
	srv, err := sshd.New(sshd.Config{Users: l, Model: model, Engine: engine, Reviews: reviews, HostKey: hostKey,
		Logger: log, IdleTimeout: f.idle, AccessCheck: f.access,
		Language: func(getenv func(string) string) string { return language(f.lang, getenv) },
		Zone:     sessionZone(f.tz != "", f.loc)})
	if err != nil {
		return nil, nil, errors.Join(err, ln.Close())
	}
	return srv, ln, nil
}

// run serves until ctx ends or serving fails, then closes the sessions
// (and the read model's engine), the read model and the database, in that
// order.
func (svc *sshService) run(ctx context.Context, srv *sshd.Server, ln net.Listener, model *store.Store, log *slog.Logger) {
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
	svc.stopDeliveries()
	svc.done <- errors.Join(err, closeErr, model.Close(), svc.ledger.Close())
}
