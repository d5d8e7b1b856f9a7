package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/server"
)

func runDemo(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "demo", "try instruct with no set-up: a demo server on loopback, a demo reviewer signed in, the TUI",
		"instruct demo --lang en --tz America/Cayenne")
	var t tuiFlags
	t.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := t.resolve(e.getenv); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "instruct-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	log, closeLog, err := fileLogger(filepath.Join(dir, "instruct.log"))
	if err != nil {
		return err
	}
	defer closeLog()
	s, stop, err := startDemoServer(ctx, dir, log)
	if err != nil {
		return err
	}
	defer stop()
	st, err := openCache(ctx, s)
	if err != nil {
		return err
	}
	defer st.Close()
	engine := newEngine(st, s, log)
	if err := engine.Sync(ctx); err != nil {
		return fmt.Errorf("first sync with the demo server: %w", err)
	}
	return runScreen(ctx, e, st, engine, s, t, log, "")
}

// startDemoServer seeds a fresh database in dir, serves it on a loopback
// port and returns the settings of the demo instructor and a function
// that stops the server.
func startDemoServer(ctx context.Context, dir string, log *slog.Logger) (settings, func(), error) {
	l, err := ledger.Open(ctx, filepath.Join(dir, "server.db"), ledger.WithLogger(log))
	if err != nil {
		return settings{}, nil, err
	}
	defs, err := catalog.Default()
	if err == nil {
		err = seedDemo(ctx, l, defs, demoCount, io.Discard)
	}
	var token string
	if err == nil {
		token, err = l.CreateToken(ctx, demo.InstructorID)
	}
	ln, lerr := net.Listen("tcp", "127.0.0.1:0")
	if err == nil {
		err = lerr
	}
	if err != nil {
		l.Close()
		return settings{}, nil, err
	}
	srvCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	srv := server.New(server.Config{Storage: l, Catalogue: defs, Logger: log, Extract: newExtractor().Extract})
	go func() { done <- serveUntilDone(srvCtx, ln, srv, log) }()
	stop := func() { cancel(); <-done; l.Close() }
	s := settings{server: "http://" + ln.Addr().String(), token: token, user: demo.InstructorID,
		cache: filepath.Join(dir, "cache.db")}
	return s, stop, nil
}
