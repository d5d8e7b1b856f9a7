package main

import (
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestDecisionRulesEndToEnd, with the real binary against a real server:
// "instruct decide" refuses a comment made only of Unicode spaces and
// invisible characters and queues nothing; a decision on a request the
// reviewer filed is recorded offline, then rejected by the server on
// sync, and "sync" and "show" say so with the server's reason, while
// nothing is applied.
func TestDecisionRulesEndToEnd(t *testing.T) {
	srv := runDemoServer(t)
	other := createSubmitted(t, srv, "Cantine scolaire", "Ville de Lyon")
	own := createSubmittedBy(t, srv, demo.InstructorID, "Demande de test interne", "Ville de Lyon")
	box := newSandbox(t)
	flags := connFlags(srv.URL, srv.token(t, demo.InstructorID), box.path("cache.db"))
	box.must(append([]string{"sync"}, flags...)...)

	blank := "\u3000\u2003\u00a0\u200b\t\n\u2060"
	refused := box.run(append([]string{"decide", other.ID.String(), "refuse", "--comment", blank}, flags...)...)
	if refused.code == 0 || !strings.Contains(refused.stderr, "comment is required") {
		t.Errorf("decide with a blank comment = %s, want a non-zero exit saying a comment is required", refused)
	}
	if n := len(operations(t, box, flags, other.ID.String())); n != 0 {
		t.Errorf("the outbox holds %d operations on %s after a blank comment, want none", n, other.ID)
	}

	decided := box.must(append([]string{"decide", own.ID.String(), "approve"}, flags...)...)
	m := recordedLine.FindStringSubmatch(decided.stdout)
	if m == nil {
		t.Fatalf("decide %s approve = %s, want it recorded", own.ID, decided)
	}
	synced := box.must(append([]string{"sync"}, flags...)...)
	if !strings.Contains(synced.stdout, "1 rejected") {
		t.Errorf("sync = %s, want it to count the decision rejected", synced)
	}
	if got := opState(t, box, flags, own.ID.String(), m[3]); got != instruct.OpRejected {
		t.Errorf("the approval of one's own %s is %q, want %q", own.ID, got, instruct.OpRejected)
	}
	show := box.must(append([]string{"show", own.ID.String()}, flags...)...)
	if !strings.Contains(show.stdout, "Your approve: rejected — you filed "+own.ID.String()) {
		t.Errorf("show %s does not give the server's reason:\n%s", own.ID, show.stdout)
	}
	api := srv.client(t, demo.ReporterID)
	if n := countEvents(eventsOf(t, api, own.ID), instruct.KindApprove, ""); n != 0 {
		t.Errorf("%s was approved by the reviewer who filed it (%d approvals)", own.ID, n)
	}
	if r := requestOf(t, api, own.ID); r.Status != instruct.StatusSubmitted || r.Applicant.Email != demoEmail(t, demo.InstructorID) {
		t.Errorf("%s is %s, filed as %q; want submitted, filed as the instructor's account", own.ID, r.Status, r.Applicant.Email)
	}
}
