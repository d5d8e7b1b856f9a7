package server

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// smallDisk mounts a tmpfs of size bytes on a new temporary directory,
// unmounted when the test ends, so that a test can fill a real disk.
// Mounting needs root (CI runs as root): elsewhere the test is skipped,
// or fails under INSTRUCT_REQUIRE_E2E.
func smallDisk(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0700", size))
	if err != nil {
		msg := fmt.Sprintf("cannot mount a small tmpfs to fill (needs root, uid %d): %v", os.Geteuid(), err)
		if os.Getenv("INSTRUCT_REQUIRE_E2E") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fillDisk writes a ballast file in dir until the disk is full and
// returns its path: removing it gives the space back.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "ballast")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, chunk := range []int{1 << 20, 4 << 10, 512} {
		for {
			if _, err := f.Write(make([]byte, chunk)); err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("fill the disk: %v", err)
				}
				break
			}
		}
	}
	return path
}

// withLedgerAt opens the environment's ledger at path.
func withLedgerAt(path string) envOption { return func(e *testEnv) { e.path = path } }

// TestDiskFull: when the server's disk fills up, a decision is answered
// 503 unavailable with Retry-After (the client keeps it and retries),
// /healthz says the server cannot write, and the log says so once. Once
// space returns, /healthz finds out by itself, the same decision goes
// through without a restart, applied once, and the write-ahead log
// checkpoints again: nothing stayed stuck.
func TestDiskFull(t *testing.T) {
	disk := smallDisk(t, 32<<20)
	e := newEnv(t, withLedgerAt(filepath.Join(disk, "ledger.db")))
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	other := c.applicant.submitted("api_particulier", "Périscolaire")
	health(t, e, http.StatusOK)

	ballast := fillDisk(t, disk)
	k := newKey()
	approve := func() response {
		return c.instructor.do("POST", "/requests/"+r.ID.String()+"/decisions",
			api.DecisionInput{Kind: instruct.KindApprove, Comment: "Cadre juridique conforme."}, key(k), ifMatch(r.Version))
	}
	res := approve()
	p := problem(t, res, http.StatusServiceUnavailable, instruct.CodeUnavailable)
	if s, err := strconv.Atoi(res.header.Get(api.HeaderRetryAfter)); err != nil || s <= 0 {
		t.Errorf("Retry-After = %q, want a number of seconds", res.header.Get(api.HeaderRetryAfter))
	}
	t.Logf("disk full: %s", p.Detail)
	hp := health(t, e, http.StatusServiceUnavailable)
	t.Logf("health: %s", hp.Detail)
	if got := len(e.events(r.ID)); got != 2 {
		t.Errorf("%s has %d events after a refused decision, want 2 (create, submit)", r.ID, got)
	}

	if err := os.Remove(ballast); err != nil {
		t.Fatal(err)
	}
	// Nobody has written since: /healthz finds out by itself.
	waitHealthy(t, e)
	d := decodeAs[api.DecisionResult](t, approve(), http.StatusCreated)
	if d.Request.Status != instruct.StatusValidated {
		t.Errorf("after space returned, %s is %s, want validated", r.ID, d.Request.Status)
	}
	decodeAs[api.DecisionResult](t, c.instructor.decide(other.ID.String(), other.Version, instruct.KindApprove, ""), http.StatusCreated)
	if got := len(e.events(r.ID)); got != 3 {
		t.Errorf("%s has %d events, want 3: the retried decision once", r.ID, got)
	}
	logs := e.logs.String()
	if n := strings.Count(logs, "ledger cannot write"); n != 1 || !strings.Contains(logs, "ledger writes again") {
		t.Errorf("the log should say once that writes stopped (said %d times), and that they started again:\n%s", n, logs)
	}
	// A clean stop checkpoints the whole log, and empties it.
	e.stop()
	if info, err := os.Stat(e.path + "-wal"); err == nil && info.Size() != 0 {
		t.Errorf("the log holds %d bytes after a clean stop, want 0: checkpoints are stuck", info.Size())
	}
}

// health asks /healthz and checks its status; it returns the problem
// when the status is not 200.
func health(t *testing.T, e *testEnv, status int) api.Problem {
	t.Helper()
	res := (&caller{env: e}).do("GET", "/healthz", nil)
	if status == http.StatusOK {
		decodeAs[api.Health](t, res, http.StatusOK)
		return api.Problem{}
	}
	return problem(t, res, status, instruct.CodeUnavailable)
}

// waitHealthy asks /healthz until it answers 200, for a few seconds.
func waitHealthy(t *testing.T, e *testEnv) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		res := (&caller{env: e}).do("GET", "/healthz", nil)
		if res.status == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz still answers %d %s after space returned", res.status, res.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
