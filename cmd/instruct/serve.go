package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/pdftext"
	"github.com/instruct-dev/instruct/internal/review"
	"github.com/instruct-dev/instruct/internal/server"
)

// demoCount is how many requests --demo seeds.
const demoCount = 400

// demoSeed makes the demo data the same on every run.
const demoSeed = 20191231

// dbFlags are the flags that choose the server database.
type dbFlags struct{ path, postgres string }

func (d *dbFlags) register(fs interface {
	StringVar(*string, string, string, string)
}) {
	fs.StringVar(&d.path, "db", "instruct.db", "SQLite database file of the server")
	fs.StringVar(&d.postgres, "postgres", "", "PostgreSQL DSN (instead of --db)")
}

// open opens the server database the flags name.
func (d dbFlags) open(ctx context.Context, log *slog.Logger, opts ...ledger.Option) (*ledger.Ledger, error) {
	opts = append([]ledger.Option{ledger.WithLogger(log)}, opts...)
	if d.postgres != "" {
		return ledger.OpenPostgres(ctx, d.postgres, opts...)
	}
	return ledger.Open(ctx, d.path, opts...)
}

// openExisting opens the server database for a command that works on
// one already in use (admin, audit): a SQLite file that does not exist is
// refused rather than created empty, which would make a mistyped --db
// look like a database without users, or an audit of nothing pass.
func (d dbFlags) openExisting(ctx context.Context, log *slog.Logger) (*ledger.Ledger, error) {
	if d.postgres == "" {
		if _, err := os.Stat(d.path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no server database at %s: pass --db with the file \"instruct serve\" uses", d.path)
		}
	}
	return d.open(ctx, log)
}

func runServe(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "serve", "run the server",
		"instruct serve --addr 127.0.0.1:8080 --db instruct.db --demo")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	seed := fs.Bool("demo", false, "seed an empty database with demo users and requests, and print their tokens")
	count := fs.Int("demo-count", demoCount, "how many demo requests --demo seeds (100000 for benchmarks)")
	maxConns := fs.Int("max-connections", server.DefaultMaxConnections, "connections served at once; more wait until one closes")
	catalogDir := fs.String("catalog", "", "directory of DataPass definition files (*.yml) to serve instead of the built-in catalogue")
	var db dbFlags
	db.register(fs)
	var out outboxFlags
	out.register(fs, e)
	if err := parse(fs, args); err != nil {
		return err
	}
	mailer, err := out.mailer()
	if err != nil {
		return usageError{err}
	}
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	l, err := db.open(ctx, log, out.ledgerOptions(mailer)...)
	if err != nil {
		return err
	}
	defer l.Close()
	defs, err := loadCatalogue(*catalogDir)
	if err != nil {
		return err
	}
	if mailer != nil {
		log.Info("mails sent", "smtp", mailer.String())
	}
	reviews := review.New(review.Config{Storage: l, Catalogue: defs, Extract: newExtractor().Extract})
	stopDeliveries := startDeliveries(out.worker(l, reviews, mailer, defs, *seed, log))
	defer stopDeliveries()
	stopMaintenance := startMaintenance(l, maintenanceEvery, log)
	defer stopMaintenance()
	if *seed {
		if err := seedDemo(ctx, l, defs, *count, e.stdout); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	log.Info("serving", "addr", ln.Addr().String())
	return serveUntilDone(ctx, ln, server.New(server.Config{Storage: l, Catalogue: defs, Review: reviews, Logger: log,
		Limits: server.Limits{MaxConnections: *maxConns}}), log)
}

// newExtractor returns the PDF text extractor of the server: each file
// read by a child process of this program, two at most at once.
func newExtractor() *pdftext.Extractor {
	return pdftext.NewExtractor(pdftext.DefaultLimits(), 2)
}

// loadCatalogue returns the definitions of every *.yml file of dir
// (DataPass's config/authorization_definitions format), or the built-in
// catalogue when dir is "".
func loadCatalogue(dir string) ([]instruct.Definition, error) {
	if dir == "" {
		return catalog.Default()
	}
	defs, err := catalog.Load(os.DirFS(dir), "*.yml")
	if err != nil {
		return nil, fmt.Errorf("--catalog %s: %w", dir, err)
	}
	return defs, nil
}

// serveUntilDone serves on ln until ctx ends, then ends the streams and
// lets requests in flight finish, so no acknowledged decision is lost.
func serveUntilDone(ctx context.Context, ln net.Listener, srv *server.Server, log *slog.Logger) error {
	hs := srv.HTTPServer(slog.NewLogLogger(log.Handler(), slog.LevelWarn))
	done := make(chan error, 1)
	go func() { done <- hs.Serve(srv.Listener(ln)) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	srv.Close()
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdown); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// seedDemo fills an empty database with the demo users and requests and
// prints a token for each demo user. A database that holds requests
// already is left alone; one that holds anything but demo data is
// refused, since the demo users' tokens would open it to anyone who
// reads them.
func seedDemo(ctx context.Context, l *ledger.Ledger, defs []instruct.Definition, count int, out io.Writer) error {
	empty, err := l.IsEmpty(ctx)
	if err != nil {
		return err
	}
	if err := checkDemoOnly(ctx, l, empty); err != nil {
		return err
	}
	if empty {
		g := demo.New(demoSeed, defs, time.Now())
		if err := importDemo(ctx, l, g, count); err != nil {
			return fmt.Errorf("seed demo requests: %w", err)
		}
	}
	fmt.Fprintln(out, "Demo users and their tokens:")
	for _, u := range demo.Users() {
		token, err := demoToken(ctx, l, u)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "  %-34s %-28s %s\n", u.Email, roleSummary(u), token)
	}
	return nil
}

// checkDemoOnly refuses a database that holds users other than the demo
// users, or requests without any demo user (they were not seeded by
// --demo).
func checkDemoOnly(ctx context.Context, l *ledger.Ledger, empty bool) error {
	users := demo.Users()
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	others, err := l.CountUsersExcept(ctx, ids)
	if err != nil {
		return err
	}
	all, err := l.CountUsersExcept(ctx, nil)
	if err != nil {
		return err
	}
	if others > 0 || (!empty && all == 0) {
		return usageError{errors.New("--demo refused: this database holds data other than the demo's (users or requests), " +
			"and --demo would print tokens that open it; run without --demo, or give --demo a new --db")}
	}
	return nil
}

// importDemo imports count demo histories in batches, so that 100,000
// never sit in memory at once.
func importDemo(ctx context.Context, l *ledger.Ledger, g *demo.Generator, count int) error {
	const batch = 5000
	for start := 0; start < count; start += batch {
		hs := make([]instruct.History, 0, min(batch, count-start))
		for i := start; i < start+cap(hs); i++ {
			hs = append(hs, g.History(i))
		}
		if err := l.Import(ctx, hs); err != nil {
			return err
		}
		if err := importDemoDocuments(ctx, l, g, hs); err != nil {
			return err
		}
	}
	return nil
}

// importDemoDocuments stores the PDFs the demo histories hs attach.
func importDemoDocuments(ctx context.Context, l *ledger.Ledger, g *demo.Generator, hs []instruct.History) error {
	var files []instruct.DocumentFile
	for _, h := range hs {
		files = append(files, g.DocumentFiles(h)...)
	}
	if len(files) == 0 {
		return nil
	}
	return l.ImportDocuments(ctx, files)
}

// demoToken creates u if needed and returns a new token for it.
func demoToken(ctx context.Context, l *ledger.Ledger, u instruct.User) (string, error) {
	if _, err := l.UserByID(ctx, u.ID); instruct.ErrorCode(err) == instruct.CodeNotFound {
		if _, err := l.AddUser(ctx, u); err != nil {
			return "", fmt.Errorf("add demo user %s: %w", u.ID, err)
		}
	} else if err != nil {
		return "", err
	}
	return l.CreateToken(ctx, u.ID)
}

func roleSummary(u instruct.User) string {
	if len(u.Roles) == 0 {
		return "applicant"
	}
	best := u.Roles[0]
	if len(u.Roles) == 1 {
		return best.Definition + ":" + string(best.Role)
	}
	return fmt.Sprintf("%s on %d APIs", best.Role, len(u.Roles))
}
