package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	gossh "golang.org/x/crypto/ssh"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/sshd/sshdtest"
)

// sshWait bounds every wait for a screen, a log line or the server; it is
// generous for the race detector on a small machine, and only a failing
// test ever waits that long.
const sshWait = 20 * time.Second

// sshWorld is ssh-serve running in-process on a fresh demo database, with
// an SSH key registered to each demo user.
type sshWorld struct {
	tb   testing.TB
	svc  *sshService
	logs *sshLog
	keys map[string]gossh.Signer
}

// startSSHWorld starts ssh-serve --demo on a loopback port, with extra
// flags, and stops it at the end of the test.
func startSSHWorld(tb testing.TB, extra ...string) *sshWorld {
	tb.Helper()
	dir := tb.TempDir()
	logs := &sshLog{}
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: logs, getenv: func(string) string { return "" }}
	args := append([]string{"--db", filepath.Join(dir, "server.db"), "--addr", "127.0.0.1:0", "--demo"}, extra...)
	svc, err := startSSHServe(ctx, e, args)
	if err != nil {
		cancel()
		tb.Fatalf("startSSHServe(%q) = %v", args, err)
	}
	tb.Cleanup(func() {
		cancel()
		if err := <-svc.done; err != nil {
			tb.Errorf("ssh-serve ended with %v", err)
		}
		if tb.Failed() {
			tb.Logf("ssh-serve log (last 4 KB):\n%s", tail(logs.String(), 4096))
		}
	})
	w := &sshWorld{tb: tb, svc: svc, logs: logs, keys: map[string]gossh.Signer{}}
	for _, u := range demo.Users() {
		w.register(u.ID)
	}
	return w
}

// register binds a new key to user id and returns it.
func (w *sshWorld) register(id string) gossh.Signer {
	w.tb.Helper()
	signer, line := sshNewKey(w.tb)
	if _, err := w.svc.ledger.AddSSHKey(context.Background(), id, line); err != nil {
		w.tb.Fatalf("AddSSHKey(%s) = %v", id, err)
	}
	w.keys[id] = signer
	return signer
}

// addUser creates a user with roles and a registered key.
func (w *sshWorld) addUser(id, name string, roles ...instruct.Grant) instruct.User {
	w.tb.Helper()
	u, err := w.svc.ledger.AddUser(context.Background(), instruct.User{ID: id, Name: name,
		Email: id + "@support.example.gouv.fr", Roles: roles})
	if err != nil {
		w.tb.Fatalf("AddUser(%s) = %v", id, err)
	}
	w.register(id)
	return u
}

// dial opens a session as user id.
func (w *sshWorld) dial(tb testing.TB, id string, opts sshdtest.Options) *sshdtest.Terminal {
	tb.Helper()
	term, err := w.dialWith([]gossh.Signer{w.keys[id]}, opts)
	if err != nil {
		tb.Fatalf("dial as %s: %v", id, err)
	}
	return term
}

// sshGoroutineTB lets helpers that stop a test at the first failure run in
// goroutines of the test: a fatal failure is reported and ends only its
// goroutine (deferred calls run).
type sshGoroutineTB struct{ testing.TB }

func (g sshGoroutineTB) Fatalf(format string, args ...any) {
	g.Helper()
	g.Errorf(format, args...)
	runtime.Goexit()
}

func (g sshGoroutineTB) Fatal(args ...any) {
	g.Helper()
	g.Error(args...)
	runtime.Goexit()
}

func (g sshGoroutineTB) FailNow() {
	g.Fail()
	runtime.Goexit()
}

// dialWith opens a session authenticating with signers, in order.
func (w *sshWorld) dialWith(signers []gossh.Signer, opts sshdtest.Options) (*sshdtest.Terminal, error) {
	opts.HostKey = w.svc.hostKey
	term, err := sshdtest.Dial(w.svc.addr, signers, opts)
	if err == nil {
		w.tb.Cleanup(func() { term.Close() })
	}
	return term, err
}

// sshNewKey returns a new Ed25519 key and its authorized_keys line.
func sshNewKey(tb testing.TB) (gossh.Signer, string) {
	tb.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	signer, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		tb.Fatal(err)
	}
	return signer, string(gossh.MarshalAuthorizedKey(signer.PublicKey()))
}

// sshLog is ssh-serve's stderr: JSON log lines, safe for concurrent use.
type sshLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *sshLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *sshLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// entries returns the log lines with message msg whose attributes
// include want.
func (l *sshLog) entries(msg string, want map[string]string) []map[string]any {
	var out []map[string]any
	for _, line := range strings.Split(l.String(), "\n") {
		var entry map[string]any
		if json.Unmarshal([]byte(line), &entry) != nil || entry["msg"] != msg {
			continue
		}
		if sshMatches(entry, want) {
			out = append(out, entry)
		}
	}
	return out
}

func sshMatches(entry map[string]any, want map[string]string) bool {
	for k, v := range want {
		if fmt.Sprint(entry[k]) != v {
			return false
		}
	}
	return true
}

// waitEntry waits for a log line with message msg and attributes want.
func (l *sshLog) waitEntry(tb testing.TB, msg string, want map[string]string) map[string]any {
	tb.Helper()
	for end := time.Now().Add(sshWait); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if got := l.entries(msg, want); len(got) > 0 {
			return got[0]
		}
	}
	tb.Fatalf("no log line %q with %v in:\n%s", msg, want, l.String())
	return nil
}

// sshWaitText waits for texts on term's screen, failing the test with the
// screen when they don't come.
func sshWaitText(tb testing.TB, term *sshdtest.Terminal, texts ...string) string {
	tb.Helper()
	screen, err := term.WaitText(sshWait, texts...)
	if err != nil {
		tb.Fatalf("waiting for %q: %v; the screen shows:\n%s", texts, err, screen)
	}
	return screen
}

// sshSettle waits until the first syncs are over and the screen stopped
// changing, so that a key pressed next is not undone by a reload that
// was under way, and returns the screen.
func sshSettle(tb testing.TB, term *sshdtest.Terminal) string {
	tb.Helper()
	screen, err := term.WaitFor(sshWait, func(s string) bool {
		return strings.Contains(s, "● online") && !strings.Contains(s, "syncing")
	})
	if err != nil {
		tb.Fatalf("the first sync does not end: %v\n%s", err, screen)
	}
	if _, err := term.Quiet(300*time.Millisecond, sshWait); err != nil {
		tb.Fatal(err)
	}
	return term.Screen()
}

// sshFingerprint returns the SHA256 fingerprint of signer's key.
func sshFingerprint(signer gossh.Signer) string { return gossh.FingerprintSHA256(signer.PublicKey()) }

func TestSSHServeRefusesAnUnknownKey(t *testing.T) {
	w := startSSHWorld(t)
	stranger, _ := sshNewKey(t)
	_, err := w.dialWith([]gossh.Signer{stranger}, sshdtest.Options{})
	if err == nil || !strings.Contains(err.Error(), "unable to authenticate") {
		t.Fatalf("dial with an unknown key = %v, want an authentication failure", err)
	}
	w.logs.waitEntry(t, "ssh refused", map[string]string{"reason": "unknown_key", "fingerprint": sshFingerprint(stranger)})
	if got := w.logs.entries("ssh login", nil); len(got) != 0 {
		t.Errorf("logins after an unknown key = %v, want none", got)
	}
}

func TestSSHServeTakesIdentityFromTheProvedKeyOnly(t *testing.T) {
	w := startSSHWorld(t)
	instructorKey, reporterKey := w.keys[demo.InstructorID], w.keys[demo.ReporterID]
	stranger, _ := sshNewKey(t)
	tests := []struct {
		name    string
		signers []gossh.Signer
		// wantUser is who the session must belong to; "" means refused.
		wantUser, wantName string
	}{
		{"offers the instructor's key, proves an unregistered one",
			[]gossh.Signer{sshdtest.Impostor(instructorKey.PublicKey()), stranger}, "", ""},
		{"offers the instructor's key, proves nothing",
			[]gossh.Signer{sshdtest.Impostor(instructorKey.PublicKey())}, "", ""},
		{"offers the instructor's key, proves the reporter's",
			[]gossh.Signer{sshdtest.Impostor(instructorKey.PublicKey()), reporterKey},
			demo.ReporterID, "Julien Moreau"},
		{"offers the reporter's key and the instructor's, proves the reporter's",
			[]gossh.Signer{sshdtest.Impostor(reporterKey.PublicKey()), sshdtest.Impostor(instructorKey.PublicKey()), reporterKey},
			demo.ReporterID, "Julien Moreau"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			term, err := w.dialWith(tc.signers, sshdtest.Options{})
			if tc.wantUser == "" {
				if err == nil {
					t.Fatalf("dial = a session showing:\n%s\nwant refused", term.Screen())
				}
				return
			}
			if err != nil {
				t.Fatalf("dial = %v, want a session as %s", err, tc.wantUser)
			}
			screen := sshWaitText(t, term, "instruct · "+tc.wantName)
			// The header names the session's user (the queue may name
			// Marie Dupont as a request's holder).
			if strings.Contains(lineWith(screen, "instruct · "), "Marie Dupont") {
				t.Errorf("the session shows the offered key's user:\n%s", screen)
			}
		})
	}
	if got := w.logs.entries("ssh login", map[string]string{"user": demo.InstructorID}); len(got) != 0 {
		t.Errorf("logins as the instructor = %v, want none", got)
	}
	w.logs.waitEntry(t, "ssh login", map[string]string{"user": demo.ReporterID, "fingerprint": sshFingerprint(reporterKey)})
}

func TestSSHServeNeedsAPTY(t *testing.T) {
	w := startSSHWorld(t)
	term := w.dial(t, demo.InstructorID, sshdtest.Options{NoPTY: true})
	err := term.Wait(sshWait)
	var exit *gossh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Fatalf("session without a PTY ended with %v, want exit status 1", err)
	}
	if got := term.Stderr(); !strings.Contains(got, "instruct needs a terminal: connect with ssh -t") {
		t.Errorf("stderr = %q, want the advice to use ssh -t", got)
	}
	w.logs.waitEntry(t, "ssh refused", map[string]string{"reason": "no_pty", "user": demo.InstructorID})
}

func TestSSHServeRefusesUsersWithoutARole(t *testing.T) {
	w := startSSHWorld(t)
	term := w.dial(t, demo.ApplicantID, sshdtest.Options{})
	err := term.Wait(sshWait)
	var exit *gossh.ExitError
	if !errors.As(err, &exit) || exit.ExitStatus() != 1 {
		t.Fatalf("an applicant's session ended with %v, want exit status 1", err)
	}
	if got := term.Stderr(); !strings.Contains(got, "no role on any API") {
		t.Errorf("stderr = %q, want the reason", got)
	}
	w.logs.waitEntry(t, "ssh refused", map[string]string{"reason": "no_role", "user": demo.ApplicantID})
}

// sshRowID matches a queue row and captures its request ID.
var sshRowID = regexp.MustCompile(`^┃[▶ ] (D\d+) `)

// sshQueueIDs returns the IDs of the queue rows on screen.
func sshQueueIDs(screen string) []string {
	var ids []string
	for _, line := range strings.Split(screen, "\n") {
		if m := sshRowID.FindStringSubmatch(line); m != nil {
			ids = append(ids, m[1])
		}
	}
	return ids
}

// sshSelectedID returns the ID of the queue row under the cursor.
func sshSelectedID(screen string) string {
	for _, line := range strings.Split(screen, "\n") {
		if m := sshRowID.FindStringSubmatch(line); m != nil && strings.HasPrefix(line, "┃▶") {
			return m[1]
		}
	}
	return ""
}

// sshSubmittedCount is how many submitted requests u may see on the server.
func sshSubmittedCount(tb testing.TB, l *ledger.Ledger, u instruct.User) int {
	tb.Helper()
	rs, err := l.Requests(context.Background(), instruct.ListQuery{Viewer: u.Viewer(),
		Statuses: []instruct.Status{instruct.StatusSubmitted}, Limit: 100000})
	if err != nil {
		tb.Fatal(err)
	}
	return len(rs)
}

// sshDefinitionOf returns the definition of request id on the server.
func sshDefinitionOf(tb testing.TB, l *ledger.Ledger, id string) string {
	tb.Helper()
	n, err := instruct.ParseRequestID(id)
	if err != nil {
		tb.Fatal(err)
	}
	r, _, err := l.Request(context.Background(), n)
	if err != nil {
		tb.Fatalf("Request(%s) = %v", id, err)
	}
	return r.Definition
}

// sshAPIName returns the catalogue's name of definition def, as the
// screen names it.
func sshAPIName(tb testing.TB, def string) string {
	tb.Helper()
	defs, err := catalog.Default()
	if err != nil {
		tb.Fatal(err)
	}
	for _, d := range defs {
		if d.ID == def {
			return d.Name
		}
	}
	tb.Fatalf("definition %s is not in the default catalogue", def)
	return ""
}

// sshBusiestDefinition returns the definition with the most submitted
// requests in the demo data.
func sshBusiestDefinition(tb testing.TB, l *ledger.Ledger) string {
	tb.Helper()
	defs, err := catalog.Default()
	if err != nil {
		tb.Fatal(err)
	}
	best, most := "", 0
	for _, d := range defs {
		u := instruct.User{ID: "probe", Roles: []instruct.Grant{{Definition: d.ID, Role: instruct.RoleReporter}}}
		if n := sshSubmittedCount(tb, l, u); n > most {
			best, most = d.ID, n
		}
	}
	return best
}

// sshCheckOwnQueue checks that term shows u's name, the number of requests
// to review u may see, and only requests of definitions u may see.
func sshCheckOwnQueue(tb testing.TB, l *ledger.Ledger, term *sshdtest.Terminal, u instruct.User) {
	tb.Helper()
	want := fmt.Sprintf("[To review %d]", sshSubmittedCount(tb, l, u))
	screen, err := term.WaitFor(sshWait, func(s string) bool {
		return strings.Contains(s, "instruct · "+u.Name) && strings.Contains(s, want) && len(sshQueueIDs(s)) > 0
	})
	if err != nil {
		tb.Fatalf("%s's screen, waiting for their name, %q and queue rows: %v\n%s", u.ID, want, err, screen)
	}
	for _, id := range sshQueueIDs(screen) {
		if def := sshDefinitionOf(tb, l, id); !u.CanSee(def) {
			tb.Errorf("%s sees %s of %s, which they have no role on", u.ID, id, def)
		}
	}
}

func TestSSHServeReporterSeesTheQueueAndCannotDecide(t *testing.T) {
	w := startSSHWorld(t)
	def := sshBusiestDefinition(t, w.svc.ledger)
	scoped := w.addUser("support-scoped", "Léa Fontaine", instruct.Grant{Definition: def, Role: instruct.RoleReporter})
	everything, err := w.svc.ledger.UserByID(context.Background(), demo.ReporterID)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []instruct.User{everything, scoped} {
		t.Run(u.Name, func(t *testing.T) {
			term := w.dial(t, u.ID, sshdtest.Options{})
			sshCheckOwnQueue(t, w.svc.ledger, term, u)
			id := sshSelectedID(term.Screen())
			for _, key := range []string{"a", "x", "c", "n", "m", "R", "z"} {
				term.Press(key)
				screen := sshWaitText(t, term, "You have read-only access to "+sshAPIName(t, sshDefinitionOf(t, w.svc.ledger, id))+" requests.")
				if strings.Contains(screen, "ctrl+s send") {
					t.Errorf("after %q a reporter sees a decision form:\n%s", key, screen)
				}
				term.Press("j")
				term.WaitFor(sshWait, func(s string) bool { return !strings.Contains(s, "read-only access") })
				term.Press("k")
			}
		})
	}
}

func TestSSHServeInstructorRefusalLandsOnceOnTheServer(t *testing.T) {
	w := startSSHWorld(t)
	term := w.dial(t, demo.InstructorID, sshdtest.Options{})
	screen, err := term.WaitFor(sshWait, func(s string) bool {
		return strings.Contains(s, "instruct · Marie Dupont") && sshSelectedID(s) != ""
	})
	if err != nil {
		t.Fatalf("no request selected: %v\n%s", err, screen)
	}
	id := sshSelectedID(screen)
	const comment = "La base légale citée ne couvre pas les données demandées."
	term.Press("x")
	sshWaitText(t, term, "Refuse · "+id)
	term.Send(comment)
	sshWaitText(t, term, comment)
	term.Press("ctrl+s")
	sshWaitText(t, term, "Refuse request "+id)
	term.Press("y")
	sshWaitRefusals(t, w.svc.ledger, id, comment, 1)
	if screen, err := term.WaitFor(sshWait, func(s string) bool { return !strings.Contains(s, "pending") }); err != nil {
		t.Fatalf("the decision stays pending: %v\n%s", err, screen)
	}
	term.Press("r")
	time.Sleep(time.Second) // a second sync: a duplicate push, if any, would land now
	if n := sshRefusals(t, w.svc.ledger, id, comment); n != 1 {
		t.Errorf("refusals of %s on the server = %d, want 1", id, n)
	}
}

// sshRefusals counts the refusals of request id by the demo instructor with
// comment on the server.
func sshRefusals(tb testing.TB, l *ledger.Ledger, id, comment string) int {
	tb.Helper()
	n, err := instruct.ParseRequestID(id)
	if err != nil {
		tb.Fatal(err)
	}
	events, err := l.Events(context.Background(), n)
	if err != nil {
		tb.Fatalf("Events(%s) = %v", id, err)
	}
	count := 0
	for _, e := range events {
		if e.Kind == instruct.KindRefuse && e.Actor.ID == demo.InstructorID && e.Comment == comment {
			count++
		}
	}
	return count
}

// sshWaitRefusals waits until request id has want refusals with comment.
func sshWaitRefusals(tb testing.TB, l *ledger.Ledger, id, comment string, want int) {
	tb.Helper()
	for end := time.Now().Add(sshWait); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if sshRefusals(tb, l, id, comment) == want {
			return
		}
	}
	tb.Fatalf("refusals of %s on the server = %d, want %d", id, sshRefusals(tb, l, id, comment), want)
}

// sshBoxWidth returns the width of the queue's frame on screen, 0 if none.
func sshBoxWidth(screen string) int {
	for _, line := range strings.Split(screen, "\n") {
		if strings.HasPrefix(line, "┏") {
			return utf8.RuneCountInString(line)
		}
	}
	return 0
}

func TestSSHServeHonoursResizes(t *testing.T) {
	w := startSSHWorld(t)
	term := w.dial(t, demo.InstructorID, sshdtest.Options{Width: 120, Height: 40})
	screen := sshWaitText(t, term, "[To review", "Changes requested")
	if got := sshBoxWidth(screen); got != 120 {
		t.Fatalf("queue frame at 120×40 is %d wide, want 120:\n%s", got, screen)
	}
	sizes := []struct {
		name          string
		width, height int
		want          func(string) bool
	}{
		{"narrower", 90, 30, func(s string) bool { return sshBoxWidth(s) == 90 && strings.Contains(s, "Changes requested 2") }},
		{"too small", 70, 20, func(s string) bool { return strings.Contains(s, "Window too small: 70×20") }},
		{"wide again", 120, 40, func(s string) bool { return sshBoxWidth(s) == 120 && strings.Contains(s, "Changes requested") }},
	}
	for _, size := range sizes {
		if err := term.Resize(size.width, size.height); err != nil {
			t.Fatalf("Resize(%d, %d) = %v", size.width, size.height, err)
		}
		if screen, err := term.WaitFor(sshWait, size.want); err != nil {
			t.Fatalf("%s (%d×%d): %v; the screen shows:\n%s", size.name, size.width, size.height, err, screen)
		}
	}
}

func TestSSHServeCtrlZSuspendsNothing(t *testing.T) {
	w := startSSHWorld(t)
	term := w.dial(t, demo.InstructorID, sshdtest.Options{})
	sshWaitText(t, term, "[To review", " 1/")
	first := sshSelectedID(sshSettle(t, term))
	term.Press("ctrl+z")
	term.Press("j")
	screen := sshWaitText(t, term, " 2/")
	if got := sshSelectedID(screen); got == first || got == "" {
		t.Errorf("after ctrl+z then j the cursor is on %q, want the row after %s", got, first)
	}
}

func TestSSHServeEndsIdleSessions(t *testing.T) {
	w := startSSHWorld(t, "--idle-timeout", "1s")
	term := w.dial(t, demo.InstructorID, sshdtest.Options{})
	sshWaitText(t, term, "[To review")
	if err := term.Wait(sshWait); err != nil {
		t.Fatalf("idle session ended with %v, want exit status 0", err)
	}
	if got := term.Screen(); !strings.Contains(got, "Session closed after 1s without activity.") {
		t.Errorf("screen after the idle timeout:\n%s\nwant the reason", got)
	}
	w.logs.waitEntry(t, "ssh logout", map[string]string{"user": demo.InstructorID, "reason": "idle"})
}

// sshColours matches the colour parameters of SGR sequences.
var sshColours = regexp.MustCompile(`\x1b\[[0-9;:]*[34]8[;:][0-9;:]*m`)

func TestSSHServeColourAndBackgroundPerSession(t *testing.T) {
	w := startSSHWorld(t)
	dark := w.dial(t, demo.InstructorID, sshdtest.Options{Record: true, Background: "rgb:0000/0000/0000"})
	light := w.dial(t, demo.InstructorID, sshdtest.Options{Record: true, Background: "rgb:ffff/ffff/ffff"})
	plain := w.dial(t, demo.InstructorID, sshdtest.Options{Record: true, Env: map[string]string{"NO_COLOR": "1"}})
	for _, term := range []*sshdtest.Terminal{dark, light, plain} {
		sshWaitText(t, term, "[To review")
		if _, err := term.Quiet(300*time.Millisecond, sshWait); err != nil {
			t.Fatal(err)
		}
	}
	if got := sshColours.FindAll(plain.Raw(), -1); len(got) != 0 {
		t.Errorf("the NO_COLOR session got colours: %q", got[:min(3, len(got))])
	}
	darkColours, lightColours := sshColours.FindAll(dark.Raw(), -1), sshColours.FindAll(light.Raw(), -1)
	if len(darkColours) == 0 || len(lightColours) == 0 {
		t.Fatalf("colour sessions got %d and %d colour sequences, want some", len(darkColours), len(lightColours))
	}
	if bytes.Equal(bytes.Join(darkColours, nil), bytes.Join(lightColours, nil)) {
		t.Errorf("dark and light backgrounds drew the same colours: the background was not detected per session")
	}
}

func TestSSHServeLogsWithoutPersonalData(t *testing.T) {
	w := startSSHWorld(t)
	term := w.dial(t, demo.InstructorID, sshdtest.Options{})
	sshWaitText(t, term, "[To review")
	term.Press("q")
	if err := term.Wait(sshWait); err != nil {
		t.Fatalf("quit ended the session with %v", err)
	}
	stranger, _ := sshNewKey(t)
	w.dialWith([]gossh.Signer{stranger}, sshdtest.Options{})
	fp := sshFingerprint(w.keys[demo.InstructorID])
	w.logs.waitEntry(t, "ssh login", map[string]string{"user": demo.InstructorID, "fingerprint": fp})
	w.logs.waitEntry(t, "ssh logout", map[string]string{"user": demo.InstructorID, "fingerprint": fp, "reason": "quit"})
	w.logs.waitEntry(t, "ssh refused", map[string]string{"fingerprint": sshFingerprint(stranger), "reason": "unknown_key"})
	for _, u := range demo.Users() {
		for _, personal := range []string{u.Name, u.Email} {
			if strings.Contains(w.logs.String(), personal) {
				t.Errorf("the log holds %q:\n%s", personal, w.logs.String())
			}
		}
	}
}

func TestSSHServeKeepsItsHostKey(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "server.db")
	first := sshHostKeyOf(t, db)
	second := sshHostKeyOf(t, db)
	if !bytes.Equal(first.Marshal(), second.Marshal()) {
		t.Errorf("host key after a restart = %s, want %s", gossh.FingerprintSHA256(second), gossh.FingerprintSHA256(first))
	}
}

// sshHostKeyOf starts and stops ssh-serve on db and returns its host key.
func sshHostKeyOf(t *testing.T, db string) gossh.PublicKey {
	ctx, cancel := context.WithCancel(context.Background())
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, getenv: func(string) string { return "" }}
	svc, err := startSSHServe(ctx, e, []string{"--db", db, "--addr", "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("startSSHServe = %v", err)
	}
	cancel()
	if err := <-svc.done; err != nil {
		t.Fatalf("ssh-serve ended with %v", err)
	}
	return svc.hostKey
}

func TestSSHServeTwentySessionsOfDifferentUsers(t *testing.T) {
	w := startSSHWorld(t)
	users := sshTwentyUsers(t, w)
	var all, up sync.WaitGroup
	up.Add(len(users))
	for _, u := range users {
		all.Go(func() {
			var once sync.Once
			defer once.Do(up.Done)
			tb := sshGoroutineTB{t}
			term := w.dial(tb, u.ID, sshdtest.Options{Width: 100, Height: 30})
			sshCheckOwnQueue(tb, w.svc.ledger, term, u)
			once.Do(up.Done)
			up.Wait() // every session is open: act at once
			sshCheckRights(tb, term, u)
			term.Press("j", "j", "tab", "shift+tab")
			sshCheckOwnQueue(tb, w.svc.ledger, term, u)
			term.Press("q")
			if err := term.Wait(sshWait); err != nil {
				t.Errorf("%s's session ended with %v", u.ID, err)
			}
		})
	}
	all.Wait()
	for _, u := range users {
		w.logs.waitEntry(t, "ssh logout", map[string]string{"user": u.ID, "reason": "quit"})
	}
}

// sshTwentyUsers adds twenty users, reporters and instructors in turn, each
// on one of the definitions with requests to review.
func sshTwentyUsers(tb testing.TB, w *sshWorld) []instruct.User {
	defs, err := catalog.Default()
	if err != nil {
		tb.Fatal(err)
	}
	var busy []string
	for _, d := range defs {
		probe := instruct.User{ID: "probe", Roles: []instruct.Grant{{Definition: d.ID, Role: instruct.RoleReporter}}}
		if sshSubmittedCount(tb, w.svc.ledger, probe) > 0 {
			busy = append(busy, d.ID)
		}
	}
	users := make([]instruct.User, 20)
	for i := range users {
		role := instruct.RoleReporter
		if i%2 == 1 {
			role = instruct.RoleInstructor
		}
		id := fmt.Sprintf("support-%02d", i)
		users[i] = w.addUser(id, fmt.Sprintf("Agent %02d", i), instruct.Grant{Definition: busy[i%len(busy)], Role: role})
	}
	return users
}

// sshCheckRights presses x on the selected request: an instructor gets the
// refusal form (and leaves it), a reporter is told they can't decide.
func sshCheckRights(tb testing.TB, term *sshdtest.Terminal, u instruct.User) {
	tb.Helper()
	term.Press("x")
	if u.RoleOn(u.Roles[0].Definition) == instruct.RoleReporter {
		sshWaitText(tb, term, "You have read-only access to "+sshAPIName(tb, u.Roles[0].Definition)+" requests.")
		return
	}
	sshWaitText(tb, term, "Refuse · D")
	term.Press("esc")
	term.WaitFor(sshWait, func(s string) bool { return !strings.Contains(s, "Refuse · D") })
}

// sshMoveQuiet is how long the server must stay silent after a key for
// the frame (and any frame a load it started brings) to be complete.
const sshMoveQuiet = 60 * time.Millisecond

// BenchmarkSSHCursorMove measures the bytes an SSH client receives per
// cursor move at 120×40 (QUALITY.md: ≤ 2 KB), in the queue (j/k) and
// between requests in the review (J/K), every frame the move causes
// counted.
//
//	go test ./cmd/instruct -run '^$' -bench SSHCursorMove -benchtime 200x
func BenchmarkSSHCursorMove(b *testing.B) {
	w := startSSHWorld(b)
	modes := []struct {
		name     string
		open     []string
		down, up string
	}{
		{"queue", nil, "j", "k"},
		{"review", []string{"enter"}, "J", "K"},
	}
	for _, mode := range modes {
		b.Run(mode.name, func(b *testing.B) {
			term := w.dial(b, demo.InstructorID, sshdtest.Options{Width: 120, Height: 40})
			defer term.Close()
			sshSettle(b, term)
			term.Press(mode.open...)
			if _, err := term.Quiet(300*time.Millisecond, sshWait); err != nil {
				b.Fatal(err)
			}
			var total int64
			b.ResetTimer()
			for i := range b.N {
				key := mode.down
				if (i/20)%2 == 1 {
					key = mode.up
				}
				total += sshMove(b, term, key)
			}
			b.ReportMetric(float64(total)/float64(b.N), "bytes/move")
		})
	}
}

// sshMove presses key and returns the bytes the server sent for it.
func sshMove(tb testing.TB, term *sshdtest.Terminal, key string) int64 {
	before := term.Received()
	term.Press(key)
	if err := term.WaitReceived(before, sshWait); err != nil {
		tb.Fatalf("no frame after %q: %v", key, err)
	}
	after, err := term.Quiet(sshMoveQuiet, sshWait)
	if err != nil {
		tb.Fatal(err)
	}
	return after - before
}

// TestSSHServeEndsSessionsWhoseAccessIsWithdrawn: a session stays open
// while its key and roles stand; once the administrator removes the key,
// or takes the user's roles away, the session already open ends with the
// reason, within the access-check interval.
func TestSSHServeEndsSessionsWhoseAccessIsWithdrawn(t *testing.T) {
	w := startSSHWorld(t, "--access-check", "100ms")
	ctx := context.Background()
	keyRemoved := w.dial(t, demo.InstructorID, sshdtest.Options{})
	rolesRemoved := w.dial(t, demo.ReporterID, sshdtest.Options{})
	untouched := w.dial(t, demo.AdminID, sshdtest.Options{})
	for _, term := range []*sshdtest.Terminal{keyRemoved, rolesRemoved, untouched} {
		sshWaitText(t, term, "[To review")
	}

	if _, err := w.svc.ledger.RemoveSSHKeys(ctx, demo.InstructorID); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.ledger.SetRoles(ctx, demo.ReporterID, nil); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		term *sshdtest.Terminal
		user string
	}{{keyRemoved, demo.InstructorID}, {rolesRemoved, demo.ReporterID}} {
		if err := c.term.Wait(sshWait); err != nil {
			t.Fatalf("the session of %s ended with %v, want exit status 0 once its access was withdrawn", c.user, err)
		}
		if got := c.term.Screen(); !strings.Contains(got, "Your access was withdrawn (key or roles): session closed.") {
			t.Errorf("screen of %s after the withdrawal:\n%s\nwant the reason", c.user, got)
		}
		w.logs.waitEntry(t, "ssh logout", map[string]string{"user": c.user, "reason": "access_withdrawn"})
	}
	if err := untouched.Send("j"); err != nil {
		t.Fatalf("a key to the session whose access stands: %v", err)
	}
	if _, err := untouched.Quiet(300*time.Millisecond, sshWait); err != nil {
		t.Fatalf("the session whose access stands stopped answering: %v", err)
	}
	if len(w.logs.entries("ssh logout", map[string]string{"user": demo.AdminID})) != 0 {
		t.Errorf("the session whose access stands was ended")
	}
}

// TestSSHServeRoleChangeChangesAnOpenSession: an administrator moves a
// support agent from one API to another while their session is open;
// within the access-check interval the session shows the requests of the
// new API, counted as the server counts them, and none of the old.
func TestSSHServeRoleChangeChangesAnOpenSession(t *testing.T) {
	w := startSSHWorld(t, "--access-check", "100ms")
	users := sshTwentyUsers(t, w)
	from, to := users[0].Roles[0].Definition, users[1].Roles[0].Definition
	if from == to {
		t.Fatalf("the demo has one busy API only (%s)", from)
	}
	agent := w.addUser("support-moved", "Hugo Lambert", instruct.Grant{Definition: from, Role: instruct.RoleReporter})
	term := w.dial(t, agent.ID, sshdtest.Options{})
	sshCheckOwnQueue(t, w.svc.ledger, term, agent)

	moved := []instruct.Grant{{Definition: to, Role: instruct.RoleInstructor}}
	if err := w.svc.ledger.SetRoles(context.Background(), agent.ID, moved); err != nil {
		t.Fatal(err)
	}
	agent.Roles = moved
	want := fmt.Sprintf("[To review %d]", sshSubmittedCount(t, w.svc.ledger, agent))
	screen, err := term.WaitFor(sshWait, func(s string) bool {
		ids := sshQueueIDs(s)
		return strings.Contains(s, want) && len(ids) > 0 && sshDefinitionOf(t, w.svc.ledger, ids[0]) == to
	})
	if err != nil {
		t.Fatalf("after the role change, waiting for %q and requests of %s: %v\n%s", want, to, err, screen)
	}
	sshCheckOwnQueue(t, w.svc.ledger, term, agent)
	sshCheckRights(t, term, agent)
	w.logs.waitEntry(t, "ssh roles changed", map[string]string{"user": agent.ID})
}

// TestSSHServeTimeZonePerSession: each session dates the history in the
// zone its client sends (SendEnv TZ), and names it; --tz sets one zone
// for every session, whatever the client sends.
func TestSSHServeTimeZonePerSession(t *testing.T) {
	history := func(t *testing.T, w *sshWorld, tz, want string) {
		term := w.dial(t, demo.InstructorID, sshdtest.Options{Env: map[string]string{"TZ": tz}})
		sshSettle(t, term)
		term.Press("t")
		sshWaitText(t, term, "time zone: "+want)
	}
	w := startSSHWorld(t)
	history(t, w, "America/Cayenne", "America/Cayenne")
	history(t, w, "Europe/Paris", "Europe/Paris")
	fixed := startSSHWorld(t, "--tz", "UTC")
	history(t, fixed, "America/Cayenne", "UTC")
}
