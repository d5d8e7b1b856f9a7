package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/sshd/sshdtest"
)

// sshTokenRig is a database and data directory that ssh-serve is started
// on again and again, as an operator restarts it, with one support agent
// whose SSH key is bound.
type sshTokenRig struct {
	db, data string
	user     instruct.User
	key      gossh.Signer
	// logs is ssh-serve's stderr over every start.
	logs *sshLog
	// seeded is set once the first start seeded the demo.
	seeded bool
}

// newSSHTokenRig seeds the demo database through a first start of
// ssh-serve, then adds the agent with a reporter role on the definition
// with the most requests to review. No session has run yet.
func newSSHTokenRig(t *testing.T) *sshTokenRig {
	t.Helper()
	db := filepath.Join(t.TempDir(), "server.db")
	rig := &sshTokenRig{db: db, data: db + ".ssh", logs: &sshLog{}}
	svc, stop := rig.start(t)
	def := sshBusiestDefinition(t, svc.ledger)
	u, err := svc.ledger.AddUser(context.Background(), instruct.User{ID: "support-tokens", Name: "Inès Garnier",
		Email: "ines.garnier@support.example.gouv.fr", Roles: []instruct.Grant{{Definition: def, Role: instruct.RoleReporter}}})
	if err != nil {
		t.Fatalf("AddUser = %v", err)
	}
	signer, line := sshNewKey(t)
	if _, err := svc.ledger.AddSSHKey(context.Background(), u.ID, line); err != nil {
		t.Fatalf("AddSSHKey = %v", err)
	}
	stop()
	rig.user, rig.key = u, signer
	return rig
}

// start starts ssh-serve on the rig, with --demo the first time only
// (the rig then adds a user of its own, which --demo would refuse), and
// returns it with the function that stops it and waits until it has.
func (rig *sshTokenRig) start(t *testing.T) (*sshService, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: rig.logs, getenv: func(string) string { return "" }}
	args := []string{"--db", rig.db, "--data", rig.data, "--addr", "127.0.0.1:0"}
	if !rig.seeded {
		args = append(args, "--demo")
		rig.seeded = true
	}
	svc, err := startSSHServe(ctx, e, args)
	if err != nil {
		cancel()
		t.Fatalf("startSSHServe(%q) = %v", args, err)
	}
	stop := func() {
		cancel()
		if err := <-svc.done; err != nil {
			t.Errorf("ssh-serve ended with %v", err)
		}
	}
	return svc, stop
}

// run starts ssh-serve, opens sessions sessions as the agent, each proving
// it syncs with the API, and stops ssh-serve.
func (rig *sshTokenRig) run(t *testing.T, sessions int) {
	t.Helper()
	svc, stop := rig.start(t)
	defer stop()
	for range sessions {
		rig.session(t, svc)
	}
}

// session forgets the agent's cache, so that the queue can only come from
// the API, opens a session, checks the agent's queue is there and quits.
func (rig *sshTokenRig) session(t *testing.T, svc *sshService) {
	t.Helper()
	rig.forgetCache(t)
	term, err := sshdtest.Dial(svc.addr, []gossh.Signer{rig.key}, sshdtest.Options{HostKey: svc.hostKey})
	if err != nil {
		t.Fatalf("dial as %s: %v", rig.user.ID, err)
	}
	defer term.Close()
	sshCheckOwnQueue(t, svc.ledger, term, rig.user)
	term.Press("q")
	if err := term.Wait(sshWait); err != nil {
		t.Fatalf("quit ended the session with %v", err)
	}
}

// forgetCache removes the agent's cache files.
func (rig *sshTokenRig) forgetCache(t *testing.T) {
	t.Helper()
	path := filepath.Join(rig.data, cacheName(rig.user.ID)+".db")
	for _, suffix := range []string{"", "-wal", "-shm", ".lock"} {
		if err := os.Remove(path + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
	}
}

// tokenPath is where ssh-serve keeps the agent's token.
func (rig *sshTokenRig) tokenPath() string {
	return filepath.Join(rig.data, "tokens", rig.user.ID+".token")
}

// keptToken returns the token in the agent's token file.
func (rig *sshTokenRig) keptToken(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(rig.tokenPath())
	if err != nil {
		t.Fatalf("the agent's token file: %v", err)
	}
	return strings.TrimSpace(string(b))
}

// keep writes content to the agent's token file, as a broken disk or a
// careless operator might.
func (rig *sshTokenRig) keep(t *testing.T, content string) {
	t.Helper()
	if err := os.WriteFile(rig.tokenPath(), []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// sqlDB opens the rig's database directly, for what the ledger has no
// method for.
func (rig *sshTokenRig) sqlDB(t *testing.T) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", rig.db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// tokenCount counts the tokens of user id in the database.
func (rig *sshTokenRig) tokenCount(t *testing.T, id string) int {
	t.Helper()
	var n int
	if err := rig.sqlDB(t).QueryRow(`SELECT COUNT(*) FROM tokens WHERE user_id = ?`, id).Scan(&n); err != nil {
		t.Fatalf("count the tokens of %s: %v", id, err)
	}
	return n
}

// checkTokenCount fails the test unless the agent has want tokens.
func (rig *sshTokenRig) checkTokenCount(t *testing.T, want int, when string) {
	t.Helper()
	if n := rig.tokenCount(t, rig.user.ID); n != want {
		t.Errorf("tokens of %s %s = %d, want %d", rig.user.ID, when, n, want)
	}
}

// owner returns the ID of the user the ledger authenticates token as, or
// "" when it authenticates nobody.
func (rig *sshTokenRig) owner(t *testing.T, token string) string {
	t.Helper()
	l, err := ledger.Open(context.Background(), rig.db)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	hash := sha256.Sum256([]byte(token))
	u, err := l.UserByTokenHash(context.Background(), hash[:])
	if instruct.ErrorCode(err) == instruct.CodeNotFound {
		return ""
	}
	if err != nil {
		t.Fatalf("UserByTokenHash = %v", err)
	}
	return u.ID
}

// mintToken creates a token for user id, as "instruct admin token create"
// would.
func (rig *sshTokenRig) mintToken(t *testing.T, id string) string {
	t.Helper()
	l, err := ledger.Open(context.Background(), rig.db)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	token, err := l.CreateToken(context.Background(), id)
	if err != nil {
		t.Fatalf("CreateToken(%s) = %v", id, err)
	}
	return token
}

// checkNotLogged fails the test if the log holds any of tokens.
func (rig *sshTokenRig) checkNotLogged(t *testing.T, tokens ...string) {
	t.Helper()
	for _, token := range tokens {
		if token != "" && strings.Contains(rig.logs.String(), token) {
			t.Errorf("the log holds the token %q", token)
		}
	}
}

// checkMode fails the test unless path has permissions want.
func checkMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := info.Mode().Perm(); got != want {
		t.Errorf("mode of %s = %v, want %v", path, got, want)
	}
}

func TestSSHServeKeepsEachUsersTokenAcrossRestarts(t *testing.T) {
	rig := newSSHTokenRig(t)
	// A tokens directory an operator left readable by all is tightened.
	if err := os.MkdirAll(filepath.Dir(rig.tokenPath()), 0o755); err != nil {
		t.Fatal(err)
	}
	rig.run(t, 2)
	rig.checkTokenCount(t, 1, "after a start with two sessions")
	rig.run(t, 1)
	rig.checkTokenCount(t, 1, "after a restart")
	first := rig.keptToken(t)
	rig.run(t, 1)
	rig.checkTokenCount(t, 1, "after a second restart")
	if rig.keptToken(t) != first {
		t.Errorf("the kept token changed at the second restart")
	}
	if got := rig.owner(t, first); got != rig.user.ID {
		t.Errorf("the kept token authenticates %q, want %q", got, rig.user.ID)
	}
	checkMode(t, rig.tokenPath(), 0o600)
	checkMode(t, filepath.Dir(rig.tokenPath()), 0o700)
	rig.checkNotLogged(t, first)
}

func TestSSHServeReplacesATokenItCannotUse(t *testing.T) {
	rig := newSSHTokenRig(t)
	rig.run(t, 1)
	tests := []struct {
		name string
		// spoil breaks the kept token and returns what the file then
		// holds, "" if nothing.
		spoil func(t *testing.T) string
	}{
		{"corrupt file", func(t *testing.T) string {
			rig.keep(t, "\x00\xff not a token \x1b[31m")
			return "\x00\xff not a token \x1b[31m"
		}},
		{"empty file", func(t *testing.T) string {
			rig.keep(t, "")
			return ""
		}},
		{"token the ledger never minted", func(t *testing.T) string {
			forged := ledger.TokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(rand.Text()))
			rig.keep(t, forged+"\n")
			return forged
		}},
		{"token deleted from the ledger", func(t *testing.T) string {
			if _, err := rig.sqlDB(t).Exec(`DELETE FROM tokens WHERE user_id = ?`, rig.user.ID); err != nil {
				t.Fatal(err)
			}
			return rig.keptToken(t)
		}},
		{"another user's token", func(t *testing.T) string {
			theirs := rig.mintToken(t, demo.ReporterID)
			rig.keep(t, theirs)
			return theirs
		}},
		{"missing file", func(t *testing.T) string {
			if err := os.Remove(rig.tokenPath()); err != nil {
				t.Fatal(err)
			}
			return ""
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			spoiled := tc.spoil(t)
			before := rig.tokenCount(t, rig.user.ID)
			rig.run(t, 1)
			kept := rig.keptToken(t)
			if kept == spoiled {
				t.Fatalf("the spoiled token file was kept")
			}
			if got := rig.owner(t, kept); got != rig.user.ID {
				t.Errorf("the new kept token authenticates %q, want %q", got, rig.user.ID)
			}
			if n := rig.tokenCount(t, rig.user.ID); n != before+1 {
				t.Errorf("tokens of %s = %d, want %d: one minted in place of the spoiled one", rig.user.ID, n, before+1)
			}
			checkMode(t, rig.tokenPath(), 0o600)
			rig.checkNotLogged(t, kept, spoiled)
		})
	}
	rig.checkLeftovers(t)
}

// checkLeftovers fails the test if the tokens directory holds anything
// but the agent's token file, such as a temporary file left behind.
func (rig *sshTokenRig) checkLeftovers(t *testing.T) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(rig.tokenPath()))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != filepath.Base(rig.tokenPath()) {
			t.Errorf("the tokens directory holds %s, want only the token file", e.Name())
		}
	}
}

func TestSSHServeReusesATokenItCannotKeep(t *testing.T) {
	rig := newSSHTokenRig(t)
	// A directory where the file should be: it can be neither read nor
	// replaced.
	if err := os.MkdirAll(filepath.Join(rig.tokenPath(), "in-the-way"), 0o700); err != nil {
		t.Fatal(err)
	}
	rig.run(t, 3)
	rig.checkTokenCount(t, 1, "after three sessions")
	rig.logs.waitEntry(t, "ssh token not kept: the next start mints another", map[string]string{"user": rig.user.ID})
}
