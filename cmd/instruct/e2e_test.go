package main

// End-to-end tests of the real instruct binary: TestMain builds it once,
// the tests run it as a child process against a real server process, real
// SQLite files and, for the screen, a real terminal (tmux).

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/pdftext"
)

// e2eBinary is the path of the instruct binary TestMain built for this
// run; it is set once, before any test starts, and only read afterwards.
var e2eBinary string

// commandTimeout bounds every run of a one-shot command, so that a hung
// child fails its test instead of the whole run.
const commandTimeout = 2 * time.Minute

// TestMain builds the binary once for the run, from this directory; set
// INSTRUCT_E2E_BINARY to test a binary built elsewhere instead.
func TestMain(m *testing.M) {
	pdftext.ServeChild()
	dir, err := os.MkdirTemp("", "instruct-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "e2e: temporary directory:", err)
		os.Exit(1)
	}
	e2eBinary = os.Getenv("INSTRUCT_E2E_BINARY")
	if e2eBinary == "" {
		e2eBinary = filepath.Join(dir, "instruct")
		build := exec.Command("go", "build", "-o", e2eBinary, ".")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "e2e: build the instruct binary:", err)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// result is what a finished command printed and its exit status.
type result struct {
	stdout, stderr string
	code           int
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
}

// sandbox is a home of its own for the binary: a temporary HOME with its
// config and cache directories, and no INSTRUCT_* variable of the
// caller's environment, so tests neither read nor write the developer's
// files.
type sandbox struct {
	t   *testing.T
	dir string
	env []string
}

func newSandbox(t *testing.T) *sandbox {
	t.Helper()
	dir := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"XDG_CACHE_HOME=" + filepath.Join(dir, "cache"),
		"TMPDIR=" + os.TempDir(),
		"LANG=C.UTF-8",
		"SHELL=/bin/sh",
	}
	return &sandbox{t: t, dir: dir, env: env}
}

// with returns a copy of the sandbox with more environment variables.
func (b *sandbox) with(kv ...string) *sandbox {
	env := append(append([]string(nil), b.env...), kv...)
	return &sandbox{t: b.t, dir: b.dir, env: env}
}

// path returns a path inside the sandbox.
func (b *sandbox) path(elem ...string) string {
	return filepath.Join(append([]string{b.dir}, elem...)...)
}

// command returns the binary run with args in the sandbox.
func (b *sandbox) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, e2eBinary, args...)
	cmd.Env = b.env
	cmd.Dir = b.dir
	return cmd
}

// run runs the binary with args and returns what it did.
func (b *sandbox) run(args ...string) result {
	b.t.Helper()
	return b.runInput("", args...)
}

// runInput runs the binary with args and stdin.
func (b *sandbox) runInput(stdin string, args ...string) result {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := b.command(ctx, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := result{stdout: stdout.String(), stderr: stderr.String(), code: exitStatus(err)}
	if ctx.Err() != nil {
		b.t.Fatalf("instruct %s did not finish in %v:\n%s", strings.Join(args, " "), commandTimeout, res)
	}
	if res.code < 0 {
		b.t.Fatalf("instruct %s: %v", strings.Join(args, " "), err)
	}
	return res
}

// must runs the binary with args and fails the test unless it exits 0.
func (b *sandbox) must(args ...string) result {
	b.t.Helper()
	res := b.run(args...)
	if res.code != 0 {
		b.t.Fatalf("instruct %s = %s, want exit 0", strings.Join(args, " "), res)
	}
	return res
}

// exitStatus returns the exit code of a finished command, or -1 when it
// could not run at all.
func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	return -1
}

// connFlags are the flags that point a client command at srv as the
// user with token, on cache.
func connFlags(url, token, cache string) []string {
	return []string{"--server", url, "--token", token, "--cache", cache}
}

// squeeze removes every white space of s, so that text a screen wrapped
// over several lines compares equal to the text itself.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// waitUntil polls ok every 50 ms until it holds or the timeout passes,
// and reports whether it held.
func waitUntil(timeout time.Duration, ok func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if ok() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(50 * time.Millisecond)
	}
}
