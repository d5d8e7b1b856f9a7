package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestOfflineDecisionLandsOnceBackOnline: with the server stopped, a
// decision is still recorded; sync fails with a one-line reason and keeps
// it pending; once the server runs again on the same database, sync
// succeeds and the decision is on the server exactly once.
func TestOfflineDecisionLandsOnceBackOnline(t *testing.T) {
	srv := runDemoServer(t)
	marie := srv.client(t, demo.InstructorID)
	req := pickSubmitted(t, marie, "api_entreprise")
	box := newSandbox(t)
	flags := connFlags(srv.URL, srv.token(t, demo.InstructorID), box.path("cache.db"))
	box.must(append([]string{"sync"}, flags...)...)
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM, want 0", code)
	}

	comment := "Les données demandées dépassent la finalité déclarée (hors ligne)."
	decided := box.run(append([]string{"decide", req.ID.String(), "refuse", "--comment", comment}, flags...)...)
	m := recordedLine.FindStringSubmatch(decided.stdout)
	if decided.code != 0 || m == nil {
		t.Fatalf("decide offline = %s, want exit 0 and the decision reported recorded", decided)
	}
	op := m[3]

	failed := box.run(append([]string{"sync"}, flags...)...)
	reason := strings.TrimSpace(failed.stderr)
	if failed.code == 0 {
		t.Fatalf("sync with the server stopped = %s, want a non-zero exit", failed)
	}
	if reason == "" || strings.Contains(reason, "\n") || !strings.Contains(reason, "reach") {
		t.Errorf("sync offline said %q on stderr, want one line saying the server is out of reach", reason)
	}
	if got := opState(t, box, flags, req.ID.String(), op); got != instruct.OpPending {
		t.Errorf("after the failed sync, operation %s is %q, want %q", op, got, instruct.OpPending)
	}

	restarted, err := startServerAt(t, srv.addr, srv.db, false)
	if err != nil {
		t.Fatalf("restart the server on %s: %v", srv.addr, err)
	}
	box.must(append([]string{"sync"}, flags...)...)
	if got := opState(t, box, flags, req.ID.String(), op); got != instruct.OpAccepted {
		t.Errorf("after the sync back online, operation %s is %q, want %q", op, got, instruct.OpAccepted)
	}
	api := restarted.clientWith(srv.token(t, demo.InstructorID))
	if n := countEvents(eventsOf(t, api, req.ID), instruct.KindRefuse, comment); n != 1 {
		t.Errorf("the offline refusal of %s is on the server %d times, want exactly once", req.ID, n)
	}
	box.must(append([]string{"sync"}, flags...)...)
	if n := countEvents(eventsOf(t, api, req.ID), instruct.KindRefuse, comment); n != 1 {
		t.Errorf("after another sync, the refusal of %s is on the server %d times, want exactly once", req.ID, n)
	}
}

// opState returns the state of operation op on request id as
// "instruct show ID --json" reports it, or "" if it is not there.
func opState(t *testing.T, box *sandbox, flags []string, id, op string) instruct.OpState {
	t.Helper()
	for _, o := range operations(t, box, flags, id) {
		if o.ID == op {
			return o.State
		}
	}
	return ""
}

// operations returns the outbox operations on request id, as
// "instruct show ID --json" reports them.
func operations(t *testing.T, box *sandbox, flags []string, id string) []instruct.Operation {
	t.Helper()
	res := box.must(append([]string{"show", id, "--json"}, flags...)...)
	var shown struct {
		Operations []instruct.Operation `json:"operations"`
	}
	if err := json.Unmarshal([]byte(res.stdout), &shown); err != nil {
		t.Fatalf("show %s --json is not JSON: %v\n%s", id, err, res.stdout)
	}
	return shown.Operations
}
