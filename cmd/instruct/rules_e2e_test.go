package main

import (
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
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
	if ops := operations(t, box, flags, own.ID.String()); len(ops) != 1 || ops[0].ReasonCode != instruct.CodeForbidden {
		t.Errorf("show %s --json gives the operations %+v, want one rejected with the code %q", own.ID, ops, instruct.CodeForbidden)
	}
	show := box.must(append([]string{"show", own.ID.String()}, flags...)...)
	if line := lineStarting(show.stdout, "Your approve: rejected — you filed "+own.ID.String()); !strings.HasSuffix(line, "("+string(instruct.CodeForbidden)+")") {
		t.Errorf("show %s does not give the server's reason and its code:\n%s", own.ID, show.stdout)
	}
	api := srv.client(t, demo.ReporterID)
	if n := countEvents(eventsOf(t, api, own.ID), instruct.KindApprove, ""); n != 0 {
		t.Errorf("%s was approved by the reviewer who filed it (%d approvals)", own.ID, n)
	}
	if r := requestOf(t, api, own.ID); r.Status != instruct.StatusSubmitted || r.Applicant.Email != demoEmail(t, demo.InstructorID) {
		t.Errorf("%s is %s, filed as %q; want submitted, filed as the instructor's account", own.ID, r.Status, r.Applicant.Email)
	}
}

// TestRejectedDecisionSaysWhyInFrench: the real TUI, in French, on the
// cache of a decision the server rejected (one's own request) says why in
// French from the error code, never with the server's English words.
func TestRejectedDecisionSaysWhyInFrench(t *testing.T) {
	requireTmux(t)
	srv := runDemoServer(t)
	own := createSubmittedBy(t, srv, demo.InstructorID, "Demande de test interne", "Ville de Lyon")
	box := newSandbox(t)
	cache := box.path("cache.db")
	flags := connFlags(srv.URL, srv.token(t, demo.InstructorID), cache)
	box.must(append([]string{"sync"}, flags...)...)
	box.must(append([]string{"decide", own.ID.String(), "approve"}, flags...)...)
	box.must(append([]string{"sync"}, flags...)...)
	ops := operations(t, box, flags, own.ID.String())
	if len(ops) != 1 || ops[0].State != instruct.OpRejected || ops[0].Reason == "" {
		t.Fatalf("operations on %s = %+v, want one rejected with the server's reason", own.ID, ops)
	}

	scr := startScreen(t, box, 200, 50, tuiArgs(srv, t, cache)...)
	fr := i18n.French()
	openBySearch(scr, fr, own.ID.String())
	screen := scr.waitText(fr.RejectedTitle, fr.RejectedWhy(instruct.CodeForbidden, own.ID.String()))
	if strings.Contains(squeeze(screen), squeeze(ops[0].Reason)) {
		t.Errorf("the French screen shows the server's English reason %q:\n%s", ops[0].Reason, screen)
	}
}
