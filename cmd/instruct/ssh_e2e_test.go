package main

// End-to-end tests of ssh-serve with OpenSSH's own client: the real
// binary serves, keys are bound with "instruct admin ssh-key add", and
// /usr/bin/ssh runs in a real terminal (tmux), as a support agent would.

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/e2e"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/sshd/sshdtest"
)

// requireOpenSSH skips a test that needs tmux or OpenSSH's client when
// one is missing, unless INSTRUCT_REQUIRE_E2E=1, where that is a failure.
func requireOpenSSH(t *testing.T) {
	t.Helper()
	requireTmux(t)
	e2e.Command(t, "ssh", "OpenSSH's ssh")
}

// sshServeProc is a running "instruct ssh-serve --demo" child process.
type sshServeProc struct {
	*serverProc
	box  *sandbox
	port string
}

// startSSHServeProc starts ssh-serve on a new demo database, on a port
// the kernel picks, and waits until it says where it listens; extra
// flags follow the others.
func startSSHServeProc(t *testing.T, box *sandbox, extra ...string) *sshServeProc {
	t.Helper()
	db := box.path("server.db")
	s := &serverProc{db: db, logDir: t.TempDir(), exited: make(chan struct{})}
	if err := s.start(append([]string{"ssh-serve", "--demo", "--db", db, "--addr", "127.0.0.1:0"}, extra...)); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.cleanup(t) })
	var addr string
	ok := waitUntil(serverStartTimeout, func() bool {
		addr = sshServingAddr(s.stderr())
		return addr != ""
	})
	if !ok {
		t.Fatalf("ssh-serve did not start:\n%s", tail(s.stderr(), 4096))
	}
	s.addr = addr
	_, port, _ := strings.Cut(addr, ":")
	return &sshServeProc{serverProc: s, box: box, port: port}
}

// sshServingAddr finds the address in the "ssh serving" log line.
func sshServingAddr(log string) string {
	for _, line := range strings.Split(log, "\n") {
		var entry struct{ Msg, Addr string }
		if json.Unmarshal([]byte(line), &entry) == nil && entry.Msg == "ssh serving" {
			return entry.Addr
		}
	}
	return ""
}

// userKey writes a new private key file for OpenSSH (mode 0600) and
// returns its path and public key line.
func (p *sshServeProc) userKey(t *testing.T, name string) (string, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, name)
	if err != nil {
		t.Fatal(err)
	}
	path := p.box.path(name)
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	pub, err := gossh.NewPublicKey(priv.Public())
	if err != nil {
		t.Fatal(err)
	}
	return path, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(pub)))
}

// bindKey runs "instruct admin ssh-key add" against the running server's
// database, as an administrator would.
func (p *sshServeProc) bindKey(t *testing.T, userID, line string) {
	t.Helper()
	p.box.must("admin", "ssh-key", "add", "--db", p.db, "--email", demoEmail(t, userID), "--key", line)
}

// knownHosts writes a known_hosts file holding the server's host key, so
// that ssh checks it strictly, and returns its path.
func (p *sshServeProc) knownHosts(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(p.db + ".ssh/" + hostKeyFile)
	if err != nil {
		t.Fatalf("read the host key: %v", err)
	}
	signer, err := gossh.ParsePrivateKey(data)
	if err != nil {
		t.Fatal(err)
	}
	path := p.box.path("known_hosts")
	line := knownhosts.Line([]string{knownhosts.Normalize(p.addr)}, signer.PublicKey()) + "\n"
	if err := os.WriteFile(path, []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// ssh runs OpenSSH's client with key in a width×height tmux terminal;
// env is the terminal's environment, whose LANG ssh sends to the server.
func (p *sshServeProc) ssh(t *testing.T, key string, width, height int, env ...string) *tmuxScreen {
	t.Helper()
	requireOpenSSH(t)
	command := shellQuote(append([]string{"ssh"}, p.sshArgs(t, key)...))
	return startTmux(t, p.box.with(env...), width, height, command)
}

// sshArgs are the arguments of ssh to connect with key: no configuration
// file, no agent, the server's host key checked strictly, LANG sent.
func (p *sshServeProc) sshArgs(t *testing.T, key string) []string {
	return []string{"-F", "/dev/null", "-p", p.port, "-i", key,
		"-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
		"-o", "StrictHostKeyChecking=yes", "-o", "UserKnownHostsFile=" + p.knownHosts(t),
		"-o", "SendEnv=LANG", "-o", "ConnectTimeout=20", "127.0.0.1"}
}

// startTmux runs command in a new width×height terminal of a private
// tmux server, killed when the test ends.
func startTmux(t *testing.T, b *sandbox, width, height int, command string) *tmuxScreen {
	t.Helper()
	conf := filepath.Join(t.TempDir(), "tmux.conf")
	settings := "set -g status off\nset -g remain-on-exit on\nset -s escape-time 0\nset -g history-limit 0\n"
	if err := os.WriteFile(conf, []byte(settings), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &tmuxScreen{t: t, socket: fmt.Sprintf("instruct-ssh-%d-%d", os.Getpid(), time.Now().UnixNano()), env: b.env}
	t.Cleanup(s.close)
	if out, err := s.tmux("-f", conf, "new-session", "-d", "-s", tmuxSession,
		"-x", strconv.Itoa(width), "-y", strconv.Itoa(height), "-c", b.dir, command); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	return s
}

// waitLog waits for a JSON log line of the server with message msg and
// attributes want.
func (p *sshServeProc) waitLog(t *testing.T, msg string, want map[string]string) {
	t.Helper()
	found := waitUntil(screenTimeout, func() bool {
		for _, line := range strings.Split(p.stderr(), "\n") {
			var entry map[string]any
			if json.Unmarshal([]byte(line), &entry) == nil && entry["msg"] == msg && sshMatches(entry, want) {
				return true
			}
		}
		return false
	})
	if !found {
		t.Fatalf("no log line %q with %v:\n%s", msg, want, tail(p.stderr(), 4096))
	}
}

func TestSSHServeOpenSSHRefusesAnUnknownKey(t *testing.T) {
	requireOpenSSH(t)
	srv := startSSHServeProc(t, newSandbox(t))
	key, line := srv.userKey(t, "id_stranger")
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ssh", srv.sshArgs(t, key)...)
	cmd.Env = srv.box.env
	out, err := cmd.CombinedOutput()
	if code := exitStatus(err); code != 255 || !strings.Contains(string(out), "Permission denied (publickey)") {
		t.Errorf("ssh with an unknown key = exit %d, %q; want 255 and permission denied", code, out)
	}
	pub, _, _, _, err := gossh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		t.Fatal(err)
	}
	srv.waitLog(t, "ssh refused", map[string]string{"reason": "unknown_key", "fingerprint": gossh.FingerprintSHA256(pub)})
}

func TestSSHServeOpenSSHReporterCannotDecide(t *testing.T) {
	requireOpenSSH(t)
	srv := startSSHServeProc(t, newSandbox(t))
	key, line := srv.userKey(t, "id_reporter")
	srv.bindKey(t, demo.ReporterID, line)
	scr := srv.ssh(t, key, 120, 40, "LANG=fr_FR.UTF-8")
	scr.waitText("instruct · Julien Moreau", "[À instruire")
	scr.keys("x")
	scr.waitText("Vous n'avez qu'un accès en lecture aux demandes")
	if screen := scr.capture(); strings.Contains(screen, "ctrl+s") {
		t.Errorf("a reporter got a decision form:\n%s", screen)
	}
	scr.keys("q")
	srv.waitLog(t, "ssh logout", map[string]string{"user": demo.ReporterID, "reason": "quit"})
}

func TestSSHServeOpenSSHInstructorRefusesOnce(t *testing.T) {
	requireOpenSSH(t)
	srv := startSSHServeProc(t, newSandbox(t))
	key, line := srv.userKey(t, "id_instructor")
	srv.bindKey(t, demo.InstructorID, line)
	scr := srv.ssh(t, key, 120, 40)
	const comment = "Le traitement décrit ne relève pas du cadre juridique cité."
	id := sshRefuseSelected(t, scr, comment)
	l := openLedgerOf(t, srv.db)
	sshWaitRefusals(t, l, id, comment, 1)
	scr.keys("r")
	time.Sleep(time.Second) // a second sync: a duplicate push, if any, would land now
	if n := sshRefusals(t, l, id, comment); n != 1 {
		t.Errorf("refusals of %s on the server = %d, want 1", id, n)
	}
}

// TestSSHServeOpenSSHOpensNoHTTPPort: with a session open and a decision
// made, the ssh-serve process listens on its SSH port and nothing else
// (no loopback API), and its data directory holds no token.
func TestSSHServeOpenSSHOpensNoHTTPPort(t *testing.T) {
	requireOpenSSH(t)
	srv := startSSHServeProc(t, newSandbox(t))
	key, line := srv.userKey(t, "id_instructor")
	srv.bindKey(t, demo.InstructorID, line)
	scr := srv.ssh(t, key, 120, 40)
	const comment = "Le traitement décrit ne relève pas du cadre juridique cité."
	id := sshRefuseSelected(t, scr, comment)
	sshWaitRefusals(t, openLedgerOf(t, srv.db), id, comment, 1)
	ports := listeningPorts(t, srv.cmd.Process.Pid)
	if len(ports) != 1 || ports[0] != srv.port {
		t.Errorf("ssh-serve listens on TCP ports %v, want only its SSH port %s", ports, srv.port)
	}
	if _, err := os.Stat(srv.db + ".ssh/tokens"); !os.IsNotExist(err) {
		t.Errorf("stat of the data directory's tokens = %v, want none", err)
	}
}

// sshRefuseSelected waits, in Marie Dupont's English session scr, for a
// request selected in the queue, refuses it with comment, confirms, and
// returns its ID.
func sshRefuseSelected(t *testing.T, scr *tmuxScreen, comment string) string {
	t.Helper()
	id := sshSelectedID(scr.waitFor("a request selected", func(s string) bool {
		return strings.Contains(s, "instruct · Marie Dupont") && sshSelectedID(s) != ""
	}))
	scr.keys("x")
	scr.waitText("Refuse · " + id)
	scr.typeText(comment)
	scr.waitText(comment)
	scr.keys("C-s")
	scr.waitText("Refuse request " + id)
	scr.keys("y")
	return id
}

// listeningPorts returns the TCP ports process pid listens on, from
// /proc: the sockets among its open files that are in the LISTEN state.
func listeningPorts(t *testing.T, pid int) []string {
	t.Helper()
	fds, err := os.ReadDir(fmt.Sprintf("/proc/%d/fd", pid))
	if err != nil {
		t.Skipf("no /proc to list the server's sockets: %v", err)
	}
	owned := map[string]bool{}
	for _, fd := range fds {
		target, err := os.Readlink(fmt.Sprintf("/proc/%d/fd/%s", pid, fd.Name()))
		if inode, ok := strings.CutPrefix(target, "socket:["); err == nil && ok {
			owned[strings.TrimSuffix(inode, "]")] = true
		}
	}
	var ports []string
	for _, table := range []string{"tcp", "tcp6"} {
		data, err := os.ReadFile(fmt.Sprintf("/proc/%d/net/%s", pid, table))
		if err != nil {
			continue
		}
		for _, row := range strings.Split(string(data), "\n")[1:] {
			f := strings.Fields(row)
			const listen = "0A"
			if len(f) > 9 && f[3] == listen && owned[f[9]] {
				_, hexPort, _ := strings.Cut(f[1], ":")
				port, _ := strconv.ParseInt(hexPort, 16, 32)
				ports = append(ports, strconv.FormatInt(port, 10))
			}
		}
	}
	return ports
}

// openLedgerOf opens the database of a running server, beside it.
func openLedgerOf(t *testing.T, db string) *ledger.Ledger {
	t.Helper()
	l, err := ledger.Open(context.Background(), db)
	if err != nil {
		t.Fatalf("open %s: %v", db, err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestSSHServeOpenSSHResizeAndCtrlZ(t *testing.T) {
	requireOpenSSH(t)
	srv := startSSHServeProc(t, newSandbox(t))
	key, line := srv.userKey(t, "id_instructor")
	srv.bindKey(t, demo.InstructorID, line)
	scr := srv.ssh(t, key, 120, 40)
	scr.waitFor("the queue 120 wide", func(s string) bool { return sshBoxWidth(s) == 120 })
	scr.resize(90, 30)
	scr.waitFor("the queue 90 wide", func(s string) bool { return sshBoxWidth(s) == 90 })
	scr.resize(70, 20)
	scr.waitText("Window too small: 70×20")
	scr.resize(100, 30)
	scr.waitFor("the queue 100 wide, synced", func(s string) bool {
		return sshBoxWidth(s) == 100 && strings.Contains(s, "● online") && !strings.Contains(s, "syncing")
	})
	time.Sleep(300 * time.Millisecond) // no reload under way that would put the cursor back
	first := sshSelectedID(scr.capture())
	scr.keys("C-z", "j")
	scr.waitFor("the cursor on the next row", func(s string) bool {
		id := sshSelectedID(s)
		return id != "" && id != first
	})
	select {
	case <-srv.exited:
		t.Fatalf("ssh-serve exited after ctrl+z:\n%s", tail(srv.stderr(), 4096))
	default:
	}
}

// sshBenchServer is the ssh-serve binary on a prepared demo database,
// for benchmarks that measure the server process on its own.
type sshBenchServer struct {
	cmd  *exec.Cmd
	addr string
	// keys holds one key per user, each a reporter of every API.
	keys []gossh.Signer
	logs *sshLog
	done chan struct{}
}

// startSSHBenchServer prepares a demo database with users support
// agents, each with a key, and serves it with the binary.
func startSSHBenchServer(b *testing.B, users int) *sshBenchServer {
	b.Helper()
	db := filepath.Join(b.TempDir(), "server.db")
	s := &sshBenchServer{logs: &sshLog{}, done: make(chan struct{})}
	s.keys = sshPrepareAgents(b, db, users)
	s.cmd = exec.Command(e2eBinary, "ssh-serve", "--db", db, "--addr", "127.0.0.1:0")
	s.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.TempDir()}
	s.cmd.Stderr = s.logs
	if err := s.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	b.Cleanup(s.stop)
	if !waitUntil(serverStartTimeout, func() bool { s.addr = sshServingAddr(s.logs.String()); return s.addr != "" }) {
		b.Fatalf("ssh-serve did not start:\n%s", s.logs.String())
	}
	return s
}

// sshPrepareAgents seeds db with the demo data and users agents, each a
// reporter of every API with a registered key, and returns the keys.
func sshPrepareAgents(b *testing.B, db string, users int) []gossh.Signer {
	b.Helper()
	ctx := context.Background()
	l, err := ledger.Open(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	defer l.Close()
	defs, err := catalog.Default()
	if err == nil {
		err = seedDemo(ctx, l, defs, demoCount, io.Discard)
	}
	if err != nil {
		b.Fatal(err)
	}
	keys := make([]gossh.Signer, users)
	for i := range keys {
		id := fmt.Sprintf("agent-%03d", i)
		if _, err := l.AddUser(ctx, instruct.User{ID: id, Name: "Agent " + id, Email: id + "@support.example.gouv.fr",
			Roles: []instruct.Grant{{Definition: instruct.AllDefinitions, Role: instruct.RoleReporter}}}); err != nil {
			b.Fatal(err)
		}
		signer, line := sshNewKey(b)
		if _, err := l.AddSSHKey(ctx, id, line); err != nil {
			b.Fatal(err)
		}
		keys[i] = signer
	}
	return keys
}

// stop ends the server with SIGTERM, as an operator would.
func (s *sshBenchServer) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(time.Minute):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// rssKB returns the server process's resident memory in KB.
func (s *sshBenchServer) rssKB(b *testing.B) int64 {
	b.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		b.Skipf("no /proc to read the server's memory: %v", err)
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err == nil {
				return kb
			}
		}
	}
	b.Fatalf("no VmRSS in /proc/%d/status", s.cmd.Process.Pid)
	return 0
}

// open opens n sessions, at most 8 connecting at once, the i-th as user
// i modulo the number of users, and waits for each to show its queue.
func (s *sshBenchServer) open(b *testing.B, n int) []*sshdtest.Terminal {
	b.Helper()
	terms := make([]*sshdtest.Terminal, n)
	slots := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range terms {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			tb := sshGoroutineTB{b}
			term, err := sshdtest.Dial(s.addr, []gossh.Signer{s.keys[i%len(s.keys)]}, sshdtest.Options{Width: 120, Height: 40})
			if err != nil {
				tb.Fatalf("session %d: %v", i, err)
			}
			b.Cleanup(func() { term.Close() })
			if screen, err := term.WaitFor(time.Minute, func(s string) bool { return len(sshQueueIDs(s)) > 0 }); err != nil {
				tb.Fatalf("session %d shows no queue: %v\n%s", i, err, screen)
			}
			terms[i] = term
		})
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	return terms
}

// BenchmarkSSHSessionMemory measures the resident memory of the ssh-serve
// process per session, once one session is open: 50 more sessions of the
// same user, and 50 sessions of 50 other users (a screen and a view of
// the shared read model each; scripts/ssh-memory.sh does it over 100,000
// requests with distinct role sets).
//
//	go test ./cmd/instruct -run '^$' -bench SSHSessionMemory -benchtime 1x
func BenchmarkSSHSessionMemory(b *testing.B) {
	const sessions = 50
	for _, tc := range []struct {
		name  string
		users int
	}{{"same-user", 1}, {"own-user", sessions + 1}} {
		b.Run(tc.name, func(b *testing.B) {
			for range b.N {
				srv := startSSHBenchServer(b, tc.users)
				srv.open(b, 1)
				time.Sleep(2 * time.Second)
				before := srv.rssKB(b)
				terms := srv.open(b, sessions+1)[1:]
				time.Sleep(2 * time.Second)
				after := srv.rssKB(b)
				b.ReportMetric(float64(after-before)/float64(len(terms)), "KB/session")
				b.ReportMetric(float64(after)/1024, "MB-total")
			}
		})
	}
}

// BenchmarkSSHKeyLatency measures, with n sessions open over 50 users,
// how long a key press takes to bring the first byte of the next frame
// back, each session pressing a key every 200 ms on average; a 2-core
// machine holds n sessions when the p99 stays under 50 ms. The clients
// run in the benchmark's process, on the same cores as the server.
//
//	go test ./cmd/instruct -run '^$' -bench SSHKeyLatency -benchtime 20x
func BenchmarkSSHKeyLatency(b *testing.B) {
	for _, n := range []int{25, 50, 75, 100, 200} {
		b.Run(fmt.Sprintf("sessions=%d", n), func(b *testing.B) {
			srv := startSSHBenchServer(b, min(n, 50))
			terms := srv.open(b, n)
			time.Sleep(3 * time.Second) // first syncs over, screens settled
			var lat []time.Duration
			b.ResetTimer()
			for round := range b.N {
				lat = append(lat, sshPressRound(b, terms, round)...)
			}
			b.StopTimer()
			slices.Sort(lat)
			pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))]) / 1e6 }
			b.ReportMetric(pct(0.5), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(pct(1), "max-ms")
		})
	}
}

// sshPressRound has every session press j (k on odd rounds) at a random
// moment within 200 ms, and returns how long each waited for the answer.
func sshPressRound(b *testing.B, terms []*sshdtest.Terminal, round int) []time.Duration {
	key := "j"
	if round%2 == 1 {
		key = "k"
	}
	lat := make([]time.Duration, len(terms))
	var wg sync.WaitGroup
	for i, term := range terms {
		wg.Go(func() {
			time.Sleep(time.Duration(mrand.Int64N(int64(200 * time.Millisecond))))
			before := term.Received()
			start := time.Now()
			term.Press(key)
			if err := term.WaitReceived(before, sshWait); err != nil {
				b.Errorf("session %d: no answer to %q: %v", i, key, err)
			}
			lat[i] = time.Since(start)
		})
	}
	wg.Wait()
	return lat
}
