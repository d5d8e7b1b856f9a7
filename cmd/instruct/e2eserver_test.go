package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// serverStartTimeout bounds how long a server may take to seed its demo
// data and answer /healthz.
const serverStartTimeout = 60 * time.Second

// serverProc is a running "instruct serve" child process.
type serverProc struct {
	URL    string
	addr   string
	db     string
	cmd    *exec.Cmd
	logDir string
	// tokens maps the e-mail of each demo user to the token it printed.
	tokens map[string]string
	exited chan struct{}
	state  *os.ProcessState
	// umask, when set, is the file mode creation mask the process runs
	// with (through sh), instead of the test's.
	umask string
}

// runDemoServer starts a server seeding a new database with demo data,
// on a free loopback port, and stops it when the test ends.
func runDemoServer(t *testing.T) *serverProc {
	t.Helper()
	return startServer(t, filepath.Join(t.TempDir(), "server.db"), true)
}

// startServer starts "instruct serve" on db, on a free loopback port; a
// port another process took meanwhile is retried with another. extra
// flags follow the others (such as --demo-count).
func startServer(t *testing.T, db string, seed bool, extra ...string) *serverProc {
	t.Helper()
	var lastErr error
	for range 5 {
		addr, err := freeAddr()
		if err != nil {
			t.Fatalf("find a free port: %v", err)
		}
		s, err := startServerAt(t, addr, db, seed, extra...)
		if err == nil {
			return s
		}
		lastErr = err
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	t.Fatalf("start the server: %v", lastErr)
	return nil
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startServerAt starts "instruct serve" on addr and db (a SQLite file, or
// a postgres:// DSN) and waits until it
// answers /healthz. It returns an error if the process exits first.
func startServerAt(t *testing.T, addr, db string, seed bool, extra ...string) (*serverProc, error) {
	t.Helper()
	s := &serverProc{URL: "http://" + addr, addr: addr, db: db, logDir: t.TempDir(), exited: make(chan struct{})}
	dbFlag := "--db"
	if strings.HasPrefix(db, "postgres://") {
		dbFlag = "--postgres"
	}
	args := []string{"serve", "--addr", addr, dbFlag, db}
	if seed {
		args = append(args, "--demo")
	}
	args = append(args, extra...)
	if err := s.start(args); err != nil {
		return nil, err
	}
	t.Cleanup(func() { s.cleanup(t) })
	if err := s.waitHealthy(); err != nil {
		return nil, err
	}
	if seed {
		s.tokens = parseTokens(s.stdout())
	}
	return s, nil
}

func (s *serverProc) start(args []string) error {
	stdout, err := os.Create(filepath.Join(s.logDir, "stdout"))
	if err != nil {
		return err
	}
	stderr, err := os.Create(filepath.Join(s.logDir, "stderr"))
	if err != nil {
		stdout.Close()
		return err
	}
	s.cmd = exec.Command(e2eBinary, args...)
	if s.umask != "" {
		s.cmd = exec.Command("sh", append([]string{"-c", "umask " + s.umask + ` && exec "$0" "$@"`, e2eBinary}, args...)...)
	}
	s.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + s.logDir, "LANG=C.UTF-8"}
	s.cmd.Stdout, s.cmd.Stderr = stdout, stderr
	if err := s.cmd.Start(); err != nil {
		stdout.Close()
		stderr.Close()
		return fmt.Errorf("start instruct serve: %w", err)
	}
	go func() {
		s.cmd.Wait()
		s.state = s.cmd.ProcessState
		stdout.Close()
		stderr.Close()
		close(s.exited)
	}()
	return nil
}

// waitHealthy polls /healthz until it answers 200.
func (s *serverProc) waitHealthy() error {
	hc := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(serverStartTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return fmt.Errorf("instruct serve exited (%v) before answering:\n%s", s.state, s.stderr())
		default:
		}
		resp, err := hc.Get(s.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.kill()
	return fmt.Errorf("instruct serve did not answer /healthz within %v:\n%s", serverStartTimeout, s.stderr())
}

// parseTokens reads the demo users' tokens from the lines
// "  e-mail  roles  token" that serve --demo prints.
func parseTokens(out string) map[string]string {
	tokens := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 3 && strings.Contains(f[0], "@") {
			tokens[f[0]] = f[len(f)-1]
		}
	}
	return tokens
}

func (s *serverProc) stdout() string { return readLog(filepath.Join(s.logDir, "stdout")) }
func (s *serverProc) stderr() string { return readLog(filepath.Join(s.logDir, "stderr")) }

func readLog(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Sprintf("(%v)", err)
	}
	return string(data)
}

// token returns the token serve --demo printed for demo user id.
func (s *serverProc) token(t *testing.T, id string) string {
	t.Helper()
	tok := s.tokens[demoEmail(t, id)]
	if tok == "" {
		t.Fatalf("serve --demo printed no token for %s; stdout:\n%s", id, s.stdout())
	}
	return tok
}

// client returns an API client of demo user id.
func (s *serverProc) client(t *testing.T, id string) *client.Client {
	t.Helper()
	return s.clientWith(s.token(t, id))
}

// clientWith returns an API client of the user with token.
func (s *serverProc) clientWith(token string) *client.Client {
	return client.New(s.URL, token, client.Options{})
}

// demoEmail returns the e-mail of demo user id.
func demoEmail(t *testing.T, id string) string {
	t.Helper()
	for _, u := range demo.Users() {
		if u.ID == id {
			return u.Email
		}
	}
	t.Fatalf("no demo user %s", id)
	return ""
}

// stop sends SIGTERM and waits for the server to exit; it returns the
// exit code.
func (s *serverProc) stop(t *testing.T) int {
	t.Helper()
	s.signal(syscall.SIGCONT)
	s.signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(time.Minute):
		s.kill()
		t.Fatalf("instruct serve did not exit within a minute of SIGTERM:\n%s", s.stderr())
	}
	return s.state.ExitCode()
}

// pause stops the server process (SIGSTOP): it keeps its port, so clients
// connect and then wait for an answer, until resume.
func (s *serverProc) pause(t *testing.T) {
	t.Helper()
	if err := s.signal(syscall.SIGSTOP); err != nil {
		t.Fatalf("pause the server: %v", err)
	}
}

// resume lets a paused server run again.
func (s *serverProc) resume(t *testing.T) {
	t.Helper()
	if err := s.signal(syscall.SIGCONT); err != nil {
		t.Fatalf("resume the server: %v", err)
	}
}

func (s *serverProc) signal(sig syscall.Signal) error {
	select {
	case <-s.exited:
		return nil
	default:
	}
	return s.cmd.Process.Signal(sig)
}

// kill ends the server at once and waits for it.
func (s *serverProc) kill() {
	s.signal(syscall.SIGCONT)
	s.signal(syscall.SIGKILL)
	<-s.exited
}

// cleanup kills a server still running and shows its log when the test
// failed.
func (s *serverProc) cleanup(t *testing.T) {
	s.kill()
	if t.Failed() {
		t.Logf("server %s log (last 4 KB):\n%s", s.URL, tail(s.stderr(), 4096))
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

// mustID reads the request ID s as the CLI prints it (D1042).
func mustID(t *testing.T, s string) instruct.RequestID {
	t.Helper()
	id, err := instruct.ParseRequestID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// eventsOf returns the events of request id through the API.
func eventsOf(t *testing.T, c *client.Client, id instruct.RequestID) []instruct.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	evs, err := c.Events(ctx, id)
	if err != nil {
		t.Fatalf("GET /requests/%s/events: %v", id, err)
	}
	return evs
}

// requestOf returns request id through the API.
func requestOf(t *testing.T, c *client.Client, id instruct.RequestID) instruct.Request {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	r, err := c.Request(ctx, id)
	if err != nil {
		t.Fatalf("GET /requests/%s: %v", id, err)
	}
	return r
}

// listRequests returns every request of status on definition ("" for
// all) that c may see, following the pages.
func listRequests(t *testing.T, c *client.Client, status instruct.Status, definition string) []instruct.Request {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var all []instruct.Request
	q := client.RequestsQuery{Status: status, Definition: definition, Limit: 200}
	for {
		page, err := c.Requests(ctx, q)
		if err != nil {
			t.Fatalf("GET /requests?status=%s&definition=%s: %v", status, definition, err)
		}
		all = append(all, page.Requests...)
		if page.Next == nil || *page.Next == "" {
			return all
		}
		q.After = *page.Next
	}
}

// countEvents counts the events of kind whose comment is comment.
func countEvents(evs []instruct.Event, kind instruct.Kind, comment string) int {
	n := 0
	for _, e := range evs {
		if e.Kind == kind && e.Comment == comment {
			n++
		}
	}
	return n
}
