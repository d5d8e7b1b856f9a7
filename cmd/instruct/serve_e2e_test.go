package main

import (
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/demo"
)

// TestServerFilesArePrivate starts "instruct serve" and "instruct
// ssh-serve" on databases in directories that do not exist yet, under
// a umask that lets the group read and write (002): the database, its
// -wal and -shm files and the SSH host key are 0600, the directories
// created 0700.
func TestServerFilesArePrivate(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "serve", "data", "instruct.db")
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	srv := &serverProc{URL: "http://" + addr, addr: addr, db: db, logDir: t.TempDir(), exited: make(chan struct{}), umask: "002"}
	if err := srv.start([]string{"serve", "--addr", addr, "--db", db, "--demo"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.cleanup(t) })
	if err := srv.waitHealthy(); err != nil {
		t.Fatal(err)
	}
	srv.tokens = parseTokens(srv.stdout())
	if _, err := srv.client(t, demo.InstructorID).Me(t.Context()); err != nil {
		t.Fatal(err)
	}
	checkModes(t, map[string]fs.FileMode{
		filepath.Join(dir, "serve"): 0o700, filepath.Dir(db): 0o700,
		db: 0o600, db + "-wal": 0o600, db + "-shm": 0o600,
	})

	sshDB := filepath.Join(dir, "ssh", "instruct.db")
	sshd := &serverProc{db: sshDB, logDir: t.TempDir(), exited: make(chan struct{}), umask: "002"}
	if err := sshd.start([]string{"ssh-serve", "--db", sshDB, "--addr", "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sshd.cleanup(t) })
	if !waitUntil(serverStartTimeout, func() bool { return sshServingAddr(sshd.stderr()) != "" }) {
		t.Fatalf("ssh-serve did not start:\n%s", tail(sshd.stderr(), 4096))
	}
	checkModes(t, map[string]fs.FileMode{
		filepath.Join(dir, "ssh"): 0o700, sshDB + ".ssh": 0o700, filepath.Join(sshDB+".ssh", hostKeyFile): 0o600,
		sshDB: 0o600, sshDB + "-wal": 0o600, sshDB + "-shm": 0o600,
	})
}

// checkModes checks the permission bits of each path.
func checkModes(t *testing.T, want map[string]fs.FileMode) {
	t.Helper()
	for path, mode := range want {
		info, err := os.Stat(path)
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		if got := info.Mode().Perm(); got != mode {
			t.Errorf("%s has mode %04o, want %04o", path, got, mode)
		}
	}
}

// TestServeRefusesOversizedHeaders: the real server answers 431 to
// headers over 64 KB, before reading the token.
func TestServeRefusesOversizedHeaders(t *testing.T) {
	srv := runDemoServer(t)
	req, err := http.NewRequest("GET", srv.URL+"/api/v1/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Padding", strings.Repeat("a", 100<<10))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("GET /me with 100 KB of headers = %d, want 431", res.StatusCode)
	}
}
