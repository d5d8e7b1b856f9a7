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
	"log/slog"
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
// whose SSH key is bound: for the tests that ssh-serve mints no token and
// retires those older versions left.
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

// run starts ssh-serve, opens sessions as the agent, and stops it.
func (rig *sshTokenRig) run(t *testing.T, sessions int) {
	t.Helper()
	svc, stop := rig.start(t)
	defer stop()
	for range sessions {
		rig.session(t, svc)
	}
}

// session opens a session as the agent, checks the agent's queue is
// there and quits.
func (rig *sshTokenRig) session(t *testing.T, svc *sshService) {
	t.Helper()
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

// tokensDir is where older versions of ssh-serve kept the tokens they
// minted.
func (rig *sshTokenRig) tokensDir() string { return filepath.Join(rig.data, "tokens") }

// leave writes a token file as an older version of ssh-serve did.
func (rig *sshTokenRig) leave(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(rig.tokensDir(), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(rig.tokensDir(), name), []byte(content), 0o600); err != nil {
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

// TestSSHServeMintsNoToken: sessions read the shared read model and
// decide through the review service in-process, so no API token is
// minted, and nothing is written where older versions kept one.
func TestSSHServeMintsNoToken(t *testing.T) {
	rig := newSSHTokenRig(t)
	rig.run(t, 2)
	rig.checkTokenCount(t, 0, "after two sessions")
	if _, err := os.Stat(rig.tokensDir()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("stat %s = %v, want no tokens directory", rig.tokensDir(), err)
	}
}

// TestSSHServeRetiresTheTokensOfOlderVersions: the token files an older
// ssh-serve left are deleted at start, with their directory, and the
// tokens they hold are revoked; the user's other tokens, and files that
// hold no token, revoke nothing, and no token reaches the log. Its
// per-user caches are reported, and left to the operator.
func TestSSHServeRetiresTheTokensOfOlderVersions(t *testing.T) {
	rig := newSSHTokenRig(t)
	minted := rig.mintToken(t, rig.user.ID)
	reporters := rig.mintToken(t, demo.ReporterID)
	own := rig.mintToken(t, rig.user.ID) // "instruct admin token create": not ssh-serve's
	revokedSince := rig.mintToken(t, demo.InstructorID)
	if _, err := rig.sqlDB(t).Exec(`DELETE FROM tokens WHERE user_id = ?`, demo.InstructorID); err != nil {
		t.Fatal(err)
	}
	forged := ledger.TokenPrefix + base64.RawURLEncoding.EncodeToString([]byte(rand.Text()))
	rig.leave(t, rig.user.ID+".token", minted+"\n")
	rig.leave(t, demo.ReporterID+".token", reporters+"\n")
	rig.leave(t, demo.InstructorID+".token", revokedSince+"\n")
	rig.leave(t, "forged.token", forged)
	rig.leave(t, "u-0123456789abcdef.token", "\x00\xff not a token \x1b[31m")
	rig.leave(t, ".support-tokens.token.123.tmp", minted)
	oldCache := filepath.Join(rig.data, rig.user.ID+".db")
	if err := os.WriteFile(oldCache, []byte("an older version's cache"), 0o600); err != nil {
		t.Fatal(err)
	}

	rig.run(t, 1)

	if _, err := os.Stat(rig.tokensDir()); !errors.Is(err, fs.ErrNotExist) {
		entries, _ := os.ReadDir(rig.tokensDir())
		t.Errorf("stat %s = %v (holding %d files), want it removed", rig.tokensDir(), err, len(entries))
	}
	for _, token := range []string{minted, reporters, revokedSince, forged} {
		if got := rig.owner(t, token); got != "" {
			t.Errorf("a token an older ssh-serve kept still authenticates %q, want it revoked", got)
		}
	}
	if got := rig.owner(t, own); got != rig.user.ID {
		t.Errorf("the agent's own token authenticates %q, want %q: ssh-serve revokes only the tokens it kept", got, rig.user.ID)
	}
	rig.logs.waitEntry(t, "ssh tokens of an older version retired", map[string]string{})
	rig.checkNotLogged(t, minted, reporters, own, revokedSince, forged)
	rig.logs.waitEntry(t, "ssh caches of an older version are no longer used", map[string]string{})
	if _, err := os.Stat(oldCache); err != nil {
		t.Errorf("an older version's cache after the start: %v, want it left for the operator", err)
	}
}

// TestSSHServeKeepsATokenFileItCouldNotRevoke: while the database can't
// revoke a kept token, its file stays for the next start, which retires
// it.
func TestSSHServeKeepsATokenFileItCouldNotRevoke(t *testing.T) {
	rig := newSSHTokenRig(t)
	minted := rig.mintToken(t, rig.user.ID)
	rig.leave(t, rig.user.ID+".token", minted)
	l, err := ledger.Open(context.Background(), rig.db)
	if err != nil {
		t.Fatal(err)
	}
	l.Close() // a closed database fails every query
	retireSSHTokens(context.Background(), l, rig.data, slog.New(slog.NewJSONHandler(rig.logs, nil)))
	if _, err := os.Stat(filepath.Join(rig.tokensDir(), rig.user.ID+".token")); err != nil {
		t.Fatalf("the token file after a failed revocation: %v, want it kept", err)
	}
	rig.run(t, 0)
	if got := rig.owner(t, minted); got != "" {
		t.Errorf("the kept token authenticates %q after the next start, want it revoked", got)
	}
	rig.checkNotLogged(t, minted)
}
