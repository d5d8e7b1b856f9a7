package main

// Tests of "instruct admin ssh-key remove": the binary removes keys from
// the database of a running ssh-serve (the binary too), and real SSH
// clients connect to it before and after.

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	gossh "golang.org/x/crypto/ssh"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/sshd/sshdtest"
)

// keyedSSHServe is a running "instruct ssh-serve --demo" child process,
// with the database flags the admin commands need to reach its database.
type keyedSSHServe struct {
	*sshServeProc
	// db is --db PATH or --postgres DSN.
	db      []string
	hostKey gossh.PublicKey
}

// startKeyedSSHServe starts ssh-serve --demo on the database db names
// (--db PATH or --postgres DSN), with its data directory in the sandbox,
// on a port the kernel picks, and waits until it says where it listens.
func startKeyedSSHServe(t *testing.T, box *sandbox, db ...string) *keyedSSHServe {
	t.Helper()
	data := box.path("ssh-data")
	s := &serverProc{logDir: t.TempDir(), exited: make(chan struct{})}
	args := append([]string{"ssh-serve", "--demo", "--addr", "127.0.0.1:0", "--data", data}, db...)
	if err := s.start(args); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.cleanup(t) })
	if !waitUntil(serverStartTimeout, func() bool { s.addr = sshServingAddr(s.stderr()); return s.addr != "" }) {
		t.Fatalf("ssh-serve did not start:\n%s", tail(s.stderr(), 4096))
	}
	_, port, _ := strings.Cut(s.addr, ":")
	return &keyedSSHServe{sshServeProc: &sshServeProc{serverProc: s, box: box, port: port},
		db: db, hostKey: readHostKey(t, filepath.Join(data, hostKeyFile))}
}

// readHostKey returns the public half of the host key file ssh-serve wrote.
func readHostKey(t *testing.T, path string) gossh.PublicKey {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read the host key: %v", err)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		t.Fatal(err)
	}
	return signer.PublicKey()
}

// admin runs "instruct admin ARGS" on the server's database.
func (s *keyedSSHServe) admin(args ...string) result {
	return s.box.run(append(append([]string{"admin"}, args...), s.db...)...)
}

// bind binds the key of an authorized_keys line to the user of that
// e-mail address, as an administrator would.
func (s *keyedSSHServe) bind(t *testing.T, email, line string) {
	t.Helper()
	if res := s.admin("ssh-key", "add", "--email", email, "--key", line); res.code != 0 {
		t.Fatalf("admin ssh-key add = %s, want exit 0", res)
	}
}

// dial opens an SSH session with signer, checking the server's host key.
func (s *keyedSSHServe) dial(t *testing.T, signer gossh.Signer) (*sshdtest.Terminal, error) {
	t.Helper()
	term, err := sshdtest.Dial(s.addr, []gossh.Signer{signer}, sshdtest.Options{HostKey: s.hostKey})
	if err == nil {
		t.Cleanup(func() { term.Close() })
	}
	return term, err
}

// wantScreen fails the test unless a session with signer opens and shows
// the screen of the user of that name.
func (s *keyedSSHServe) wantScreen(t *testing.T, what string, signer gossh.Signer, name string) *sshdtest.Terminal {
	t.Helper()
	term, err := s.dial(t, signer)
	if err != nil {
		t.Fatalf("connecting with %s = %v, want %s's screen", what, err, name)
	}
	if screen, err := term.WaitText(sshWait, "instruct · "+name); err != nil {
		t.Fatalf("connecting with %s: %v, want %s's screen; it shows:\n%s", what, err, name, screen)
	}
	return term
}

// wantRefused fails the test unless a connection with signer is refused
// at authentication, before any screen, as with a key nobody registered.
func (s *keyedSSHServe) wantRefused(t *testing.T, what string, signer gossh.Signer) {
	t.Helper()
	fp := sshFingerprint(signer)
	before := s.unknownKeyRefusals(fp)
	term, err := s.dial(t, signer)
	if err == nil {
		t.Errorf("connecting with %s opened a session showing:\n%s\nwant it refused", what, term.Screen())
		return
	}
	if !strings.Contains(err.Error(), "unable to authenticate") {
		t.Errorf("connecting with %s = %v, want an authentication failure", what, err)
	}
	if !waitUntil(sshWait, func() bool { return s.unknownKeyRefusals(fp) > before }) {
		t.Errorf("connecting with %s: no new \"ssh refused\" unknown_key log line for %s:\n%s", what, fp, tail(s.stderr(), 4096))
	}
}

// unknownKeyRefusals counts the log lines of connections refused because
// the key with that fingerprint is not registered.
func (s *keyedSSHServe) unknownKeyRefusals(fp string) int {
	n := 0
	for _, line := range strings.Split(s.stderr(), "\n") {
		var entry map[string]any
		if json.Unmarshal([]byte(line), &entry) == nil && entry["msg"] == "ssh refused" &&
			sshMatches(entry, map[string]string{"reason": "unknown_key", "fingerprint": fp}) {
			n++
		}
	}
	return n
}

// wantRemoved fails the test unless an "admin ssh-key remove" exited 0,
// naming each removed fingerprint and their count, and shows nothing
// else of the user or their keys.
func wantRemoved(t *testing.T, res result, count string, removed []gossh.Signer, private ...string) {
	t.Helper()
	if res.code != 0 || !strings.Contains(res.stdout, count) {
		t.Errorf("admin ssh-key remove = %s, want exit 0 and %q", res, count)
	}
	for _, signer := range removed {
		if !strings.Contains(res.stdout, sshFingerprint(signer)) {
			t.Errorf("admin ssh-key remove printed %q, want the fingerprint %s", res.stdout, sshFingerprint(signer))
		}
	}
	wantNothingPersonal(t, res, private...)
}

// wantNothingPersonal fails the test when a command's output shows any
// of private: e-mail addresses, names, public keys.
func wantNothingPersonal(t *testing.T, res result, private ...string) {
	t.Helper()
	for _, p := range private {
		if strings.Contains(res.stdout+res.stderr, p) {
			t.Errorf("a command printed %q:\n%s", p, res)
		}
	}
}

// keyBlob returns the base64 part of an authorized_keys line.
func keyBlob(line string) string {
	fields := strings.Fields(line)
	return fields[len(fields)-1]
}

// TestAdminSSHKeyRemoveRefusesTheNextConnection: on the database of a
// running ssh-serve, "admin ssh-key remove" with --key, then with
// --fingerprint, cuts one key off at the next connection while the
// user's other key still opens her screen; --all then removes every key
// she has left, and another user's key still works. The command prints
// the fingerprints and their count, nothing else personal.
func TestAdminSSHKeyRemoveRefusesTheNextConnection(t *testing.T) {
	box := newSandbox(t)
	srv := startKeyedSSHServe(t, box, "--db", box.path("server.db"))
	marie, julien := demoEmail(t, demo.InstructorID), demoEmail(t, demo.ReporterID)
	laptop, laptopLine := sshNewKey(t)
	desktop, desktopLine := sshNewKey(t)
	spare, spareLine := sshNewKey(t)
	juliens, juliensLine := sshNewKey(t)
	for _, line := range []string{laptopLine, desktopLine, spareLine} {
		srv.bind(t, marie, line)
	}
	srv.bind(t, julien, juliensLine)
	private := []string{marie, "Marie", keyBlob(laptopLine), keyBlob(desktopLine), keyBlob(spareLine)}

	open := srv.wantScreen(t, "Marie's laptop key", laptop, "Marie Dupont")
	res := srv.admin("ssh-key", "remove", "--email", marie, "--key", laptopLine)
	wantRemoved(t, res, "1 SSH key of user "+demo.InstructorID+" removed", []gossh.Signer{laptop}, private...)
	srv.wantRefused(t, "the removed laptop key", laptop)
	srv.wantScreen(t, "Marie's desktop key after her laptop key was removed", desktop, "Marie Dupont").Close()

	res = srv.admin("ssh-key", "remove", "--email", marie, "--fingerprint", sshFingerprint(desktop))
	wantRemoved(t, res, "1 SSH key of user "+demo.InstructorID+" removed", []gossh.Signer{desktop}, private...)
	srv.wantRefused(t, "the desktop key removed by fingerprint", desktop)
	srv.wantScreen(t, "Marie's spare key", spare, "Marie Dupont").Close()

	srv.bind(t, marie, laptopLine)
	res = srv.admin("ssh-key", "remove", "--email", marie, "--all")
	wantRemoved(t, res, "2 SSH keys of user "+demo.InstructorID+" removed", []gossh.Signer{laptop, spare}, private...)
	srv.wantRefused(t, "the laptop key bound again, after --all", laptop)
	srv.wantRefused(t, "the spare key, after --all", spare)
	srv.wantScreen(t, "Julien's key after Marie's were all removed", juliens, "Julien Moreau").Close()
	open.Close()
}

// TestAdminSSHKeyRemoveBadInputChangesNothing: a mistake on the command
// line of "admin ssh-key remove" exits 2 (usage) or 1 (no such user, no
// such key, a key of another user) with one line saying what is wrong
// and naming no other user, and every key still opens its user's screen.
func TestAdminSSHKeyRemoveBadInputChangesNothing(t *testing.T) {
	box := newSandbox(t)
	srv := startKeyedSSHServe(t, box, "--db", box.path("server.db"))
	marie, julien := demoEmail(t, demo.InstructorID), demoEmail(t, demo.ReporterID)
	maries, mariesLine := sshNewKey(t)
	juliens, juliensLine := sshNewKey(t)
	srv.bind(t, marie, mariesLine)
	srv.bind(t, julien, juliensLine)
	_, strangersLine := sshNewKey(t)
	remove := []string{"ssh-key", "remove"}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no e-mail", with(remove, "--all"), 2, "--email is required"},
		{"no selector", with(remove, "--email", marie), 2, "exactly one of --key, --fingerprint or --all"},
		{"--all=false alone", with(remove, "--email", marie, "--all=false"), 2, "exactly one of"},
		{"--key and --all", with(remove, "--email", marie, "--key", mariesLine, "--all"), 2, "exactly one of"},
		{"--key and --fingerprint", with(remove, "--email", marie, "--key", mariesLine, "--fingerprint", sshFingerprint(maries)), 2, "exactly one of"},
		{"malformed key", with(remove, "--email", marie, "--key", "ssh-ed25519 pas-une-clé"), 2, "not an SSH public key"},
		{"empty key", with(remove, "--email", marie, "--key", ""), 2, "not an SSH public key"},
		{"malformed fingerprint", with(remove, "--email", marie, "--fingerprint", "SHA256:court"), 2, "not a SHA256 fingerprint"},
		{"ssh-keygen's whole line as fingerprint", with(remove, "--email", marie, "--fingerprint", "256 "+sshFingerprint(maries)+" marie (ED25519)"), 2, "not a SHA256 fingerprint"},
		{"unknown e-mail, --all", with(remove, "--email", "personne@nulle.part", "--all"), 1, "no such user"},
		{"unknown e-mail, her key", with(remove, "--email", "personne@nulle.part", "--key", mariesLine), 1, "no such user"},
		{"Julien's key under Marie", with(remove, "--email", marie, "--key", juliensLine), 1, "belongs to another user"},
		{"Julien's fingerprint under Marie", with(remove, "--email", marie, "--fingerprint", sshFingerprint(juliens)), 1, "belongs to another user"},
		{"a key never added", with(remove, "--email", marie, "--key", strangersLine), 1, "no SSH key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := srv.admin(tc.args...)
			msg := strings.TrimSpace(res.stderr)
			if res.code != tc.code || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") || res.stdout != "" {
				t.Errorf("instruct admin %s = %s, want exit %d and one line saying %q", strings.Join(tc.args, " "), res, tc.code, tc.want)
			}
			wantNothingPersonal(t, res, julien, demo.ReporterID, "Julien", keyBlob(juliensLine), keyBlob(mariesLine))
		})
	}
	srv.wantScreen(t, "Marie's key after the refused commands", maries, "Marie Dupont").Close()
	srv.wantScreen(t, "Julien's key after the refused commands", juliens, "Julien Moreau").Close()
}

// TestAdminSSHKeyRemoveOnPostgres: with --postgres, on the database of a
// running ssh-serve, a removed key is refused at the next connection
// while the user's other key opens her screen, and --all removes it too.
func TestAdminSSHKeyRemoveOnPostgres(t *testing.T) {
	dsn := postgresDatabase(t)
	box := newSandbox(t)
	srv := startKeyedSSHServe(t, box, "--postgres", dsn)
	marie := demoEmail(t, demo.InstructorID)
	lost, lostLine := sshNewKey(t)
	kept, keptLine := sshNewKey(t)
	srv.bind(t, marie, lostLine)
	srv.bind(t, marie, keptLine)
	private := []string{marie, "Marie", keyBlob(lostLine), keyBlob(keptLine)}
	srv.wantScreen(t, "Marie's key about to be lost", lost, "Marie Dupont").Close()

	res := srv.admin("ssh-key", "remove", "--email", marie, "--key", lostLine)
	wantRemoved(t, res, "1 SSH key of user "+demo.InstructorID+" removed", []gossh.Signer{lost}, private...)
	srv.wantRefused(t, "the removed key", lost)
	srv.wantScreen(t, "Marie's other key", kept, "Marie Dupont").Close()

	res = srv.admin("ssh-key", "remove", "--email", marie, "--all")
	wantRemoved(t, res, "1 SSH key of user "+demo.InstructorID+" removed", []gossh.Signer{kept}, private...)
	srv.wantRefused(t, "her last key, after --all", kept)
}

// TestAdminSSHKeyRemoveIsListed: "instruct admin" alone and "instruct
// --help" name ssh-key remove, so an administrator finds it.
func TestAdminSSHKeyRemoveIsListed(t *testing.T) {
	box := newSandbox(t)
	if res := box.run("admin"); res.code != 2 || !strings.Contains(res.stderr, "ssh-key remove") {
		t.Errorf("instruct admin = %s, want exit 2 and a usage naming ssh-key remove", res)
	}
	if res := box.must("--help"); !strings.Contains(res.stdout, "ssh-key remove") {
		t.Errorf("instruct --help = %s, want the admin line naming ssh-key remove", res)
	}
}
