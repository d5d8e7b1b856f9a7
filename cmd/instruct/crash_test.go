package main

import (
	"bytes"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// defaultCrashSeed makes the kill schedule the same on every run; set
// INSTRUCT_CRASH_SEED to try another one.
const defaultCrashSeed = 20261128

// maxKillDelay bounds the random delay before a child is killed.
const maxKillDelay = 80 * time.Millisecond

// recordedLine is the success line of "instruct decide".
var recordedLine = regexp.MustCompile(`(\w+) of (D\d+) recorded \(operation ([0-9a-f-]+),`)

// attempt is one decision the test asked a child to record.
type attempt struct {
	id      string
	kind    instruct.Kind
	comment string
	// op is the operation ID the child printed; "" when it was killed
	// before it reported the decision recorded.
	op string
}

// crashRun is the state of TestCrashKillsLoseNoDecision: the children's
// sandbox and flags, the random schedule and what happened so far.
type crashRun struct {
	t       *testing.T
	box     *sandbox
	flags   []string
	cache   string
	rng     *rand.Rand
	pool    []instruct.Request
	tried   []attempt
	kills   int
	killsOf map[string]int
	rounds  int
	decided int
}

// TestCrashKillsLoseNoDecision kills the real binary with SIGKILL at
// random points while it records decisions ("instruct decide") and syncs
// ("instruct sync") against a running server, at least 100 times. After
// every kill the cache passes PRAGMA integrity_check; at the end, once a
// sync succeeds, every decision a child reported recorded is on the
// server exactly once, and none of the others more than once.
func TestCrashKillsLoseNoDecision(t *testing.T) {
	wantKills := 100
	if testing.Short() {
		wantKills = 30
	}
	seed := crashSeed(t)
	t.Logf("kill schedule seed %d (set INSTRUCT_CRASH_SEED to change it)", seed)
	srv := runDemoServer(t)
	marie := srv.client(t, demo.InstructorID)
	box := newSandbox(t)
	run := &crashRun{t: t, box: box, cache: box.path("cache.db"), rng: rand.New(rand.NewPCG(seed, seed)), killsOf: map[string]int{}}
	run.flags = connFlags(srv.URL, srv.token(t, demo.InstructorID), run.cache)
	run.pool = append(listRequests(t, marie, instruct.StatusSubmitted, ""),
		listRequests(t, marie, instruct.StatusChangesRequested, "")...)
	box.must(append([]string{"sync"}, run.flags...)...)

	for run.kills < wantKills {
		if run.rounds >= 20*wantKills {
			t.Fatalf("only %d kills landed in %d rounds: the children exit before the kill", run.kills, run.rounds)
		}
		run.round()
	}
	t.Logf("%d rounds, %d kills (%d of decide, %d of sync), %d decisions reported recorded of %d tried",
		run.rounds, run.kills, run.killsOf["decide"], run.killsOf["sync"], run.decided, len(run.tried))
	run.syncUntilDone()
	run.checkServer(marie)
}

// crashSeed returns INSTRUCT_CRASH_SEED, or the default seed.
func crashSeed(t *testing.T) uint64 {
	s := os.Getenv("INSTRUCT_CRASH_SEED")
	if s == "" {
		return defaultCrashSeed
	}
	seed, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("INSTRUCT_CRASH_SEED=%q: %v", s, err)
	}
	return seed
}

// round runs a decide on a fresh request and a sync beside it — only a
// sync once the requests run out — kills each child after its own
// random delay, and checks the cache afterwards.
func (r *crashRun) round() {
	r.rounds++
	var children []*child
	var decide *attempt
	if len(r.pool) > 0 {
		decide = r.nextAttempt()
		children = append(children, r.start("decide", decide.id, string(decide.kind), "--comment", decide.comment))
	}
	children = append(children, r.start("sync"))
	var wg sync.WaitGroup
	for _, c := range children {
		delay := time.Duration(r.rng.Int64N(int64(maxKillDelay)))
		wg.Go(func() { c.killAfter(delay) })
	}
	wg.Wait()
	for _, c := range children {
		r.account(c, decide)
	}
	r.checkIntegrity()
}

// nextAttempt takes a request off the pool and chooses a decision on it
// its status allows.
func (r *crashRun) nextAttempt() *attempt {
	req := r.pool[0]
	r.pool = r.pool[1:]
	kinds := []instruct.Kind{instruct.KindApprove, instruct.KindRefuse}
	if req.Status == instruct.StatusSubmitted {
		kinds = append(kinds, instruct.KindRequestChanges)
	}
	a := attempt{id: req.ID.String(), kind: kinds[r.rng.IntN(len(kinds))],
		comment: fmt.Sprintf("Décision n° %d du test de crash sur %s.", len(r.tried)+1, req.ID)}
	r.tried = append(r.tried, a)
	return &r.tried[len(r.tried)-1]
}

// start starts the binary with args and the run's flags.
func (r *crashRun) start(args ...string) *child {
	r.t.Helper()
	cmd := exec.Command(e2eBinary, append(args, r.flags...)...)
	cmd.Env, cmd.Dir = r.box.env, r.box.dir
	c := &child{cmd: cmd, name: args[0]}
	cmd.Stdout, cmd.Stderr = &c.stdout, &c.stderr
	if err := cmd.Start(); err != nil {
		r.t.Fatalf("start instruct %s: %v", args[0], err)
	}
	return c
}

// account counts a kill and notes the operation a decide child reported.
func (r *crashRun) account(c *child, a *attempt) {
	r.t.Helper()
	if c.killed {
		r.kills++
		r.killsOf[c.name]++
	}
	if c.name == "decide" {
		if m := recordedLine.FindStringSubmatch(c.stdout.String()); m != nil {
			if m[1] != string(a.kind) || m[2] != a.id {
				r.t.Fatalf("decide %s %s reported %q", a.id, a.kind, m[0])
			}
			a.op = m[3]
			r.decided++
		} else if !c.killed {
			r.t.Errorf("decide %s %s exited %v without reporting the decision recorded:\n%s", a.id, a.kind, c.state, c.stderr.String())
		}
	}
	if c.name == "sync" && !c.killed && !c.state.Success() {
		r.t.Logf("sync exited %v: %s", c.state, c.stderr.String())
	}
}

// checkIntegrity runs PRAGMA integrity_check on the cache.
func (r *crashRun) checkIntegrity() {
	r.t.Helper()
	if got := integrityCheck(r.t, r.cache); got != "ok" {
		r.t.Fatalf("after round %d (%d kills), PRAGMA integrity_check on the cache = %q, want ok", r.rounds, r.kills, got)
	}
}

// syncUntilDone runs "instruct sync" until it exits 0.
func (r *crashRun) syncUntilDone() {
	r.t.Helper()
	var last result
	for range 10 {
		last = r.box.run(append([]string{"sync"}, r.flags...)...)
		if last.code == 0 {
			return
		}
	}
	r.t.Fatalf("instruct sync never succeeded after the kills; last run:\n%s", last)
}

// checkServer checks every decision against the server's events: those
// reported recorded are there exactly once, and accepted in the cache;
// the others are there at most once.
func (r *crashRun) checkServer(api *client.Client) {
	r.t.Helper()
	landed := 0
	for _, a := range r.tried {
		n := countEvents(eventsOf(r.t, api, mustID(r.t, a.id)), a.kind, a.comment)
		landed += n
		switch {
		case a.op != "" && n != 1:
			r.t.Errorf("%s of %s, reported recorded as operation %s, is on the server %d times, want exactly once", a.kind, a.id, a.op, n)
		case n > 1:
			r.t.Errorf("%s of %s, killed before it reported, is on the server %d times, want at most once", a.kind, a.id, n)
		}
		if a.op != "" {
			r.checkAccepted(a)
		}
	}
	r.t.Logf("%d decisions on the server: %d reported recorded, %d recorded by children killed before they reported", landed, r.decided, landed-r.decided)
}

// checkAccepted checks with "instruct show --json" that the cache holds
// the reported operation as accepted.
func (r *crashRun) checkAccepted(a attempt) {
	r.t.Helper()
	if got := opState(r.t, r.box, r.flags, a.id, a.op); got != instruct.OpAccepted {
		r.t.Errorf("operation %s (%s of %s) is %q in the cache after a successful sync, want %q", a.op, a.kind, a.id, got, instruct.OpAccepted)
	}
}

// child is a running instruct process of the crash test.
type child struct {
	cmd            *exec.Cmd
	name           string
	stdout, stderr bytes.Buffer
	state          *os.ProcessState
	killed         bool
}

// killAfter sends SIGKILL after delay unless the child exited first, and
// waits for it; killed says whether the signal ended it.
func (c *child) killAfter(delay time.Duration) {
	timer := time.AfterFunc(delay, func() { c.cmd.Process.Signal(syscall.SIGKILL) })
	c.cmd.Wait()
	timer.Stop()
	c.state = c.cmd.ProcessState
	ws, ok := c.state.Sys().(syscall.WaitStatus)
	c.killed = ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// integrityCheck returns the answer of PRAGMA integrity_check on the
// SQLite file at path.
func integrityCheck(t *testing.T, path string) string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var answer string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&answer); err != nil {
		t.Fatalf("PRAGMA integrity_check on %s: %v", path, err)
	}
	return answer
}
