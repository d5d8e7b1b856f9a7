package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/form"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// TestEscAsksBeforeThrowingTheCommentAway: Esc on an empty form closes
// it; on a written comment it asks, n goes back to the comment intact, y
// throws it away and forgets the draft.
func TestEscAsksBeforeThrowingTheCommentAway(t *testing.T) {
	f := newFixture(t)
	fr := i18n.French()
	d := newDriver(t, Options{Cache: f.st}, 120, 40)
	d.selectRequest(f.decidable)
	d.keys("x", "esc")
	if d.m.overlay == overlayForm {
		t.Fatalf("Esc on an empty form left it open")
	}
	const comment = "Le cadre juridique ne couvre pas"
	d.keys("x")
	d.typeText(comment)
	d.keys("esc")
	if d.m.overlay != overlayForm || d.m.form.Stage() != form.Leaving || !strings.Contains(d.screen(), fr.LeaveQuestion) {
		t.Fatalf("Esc on a written comment did not ask first:\n%s", d.screen())
	}
	d.keys("n")
	if d.m.form.Stage() != form.Editing || d.m.form.Comment() != comment {
		t.Fatalf("n after Esc: stage %v, comment %q; want editing %q", d.m.form.Stage(), d.m.form.Comment(), comment)
	}
	d.keys("esc", "y")
	if d.m.overlay == overlayForm {
		t.Fatalf("y after Esc left the form open")
	}
	if _, ok, _ := f.st.Draft(context.Background(), f.decidable); ok {
		t.Errorf("the comment thrown away is still kept as a draft")
	}
}

// TestUnsentCommentIsOfferedAgain writes a comment, quits with ctrl+c and
// starts again on the same cache: the next form on that request starts
// from the comment. Once sent, it is offered no more.
func TestUnsentCommentIsOfferedAgain(t *testing.T) {
	f := newFixture(t)
	fr := i18n.French()
	d := newDriver(t, Options{Cache: f.st}, 120, 40)
	d.selectRequest(f.decidable)
	const comment = "Merci de joindre la délibération.\nSans elle, le cadre juridique manque"
	d.keys("c")
	d.typeText("Merci de joindre la délibération.")
	d.keys("enter")
	d.typeText("Sans elle, le cadre juridique manque")
	d.keys("ctrl+c")
	if !d.quit {
		t.Fatalf("ctrl+c did not quit")
	}

	d = newDriver(t, Options{Cache: f.st}, 120, 40)
	d.selectRequest(f.decidable)
	d.keys("x")
	if got := d.m.form.Comment(); got != comment {
		t.Fatalf("the next form on %s starts from %q, want the unsent comment %q", f.decidable, got, comment)
	}
	if !strings.Contains(d.screen(), fr.DraftRestored) {
		t.Errorf("the form does not say the comment is a draft taken back:\n%s", d.screen())
	}
	d.keys("ctrl+s", "y")
	if ops := operations(t, f, f.decidable); len(ops) != 1 || ops[0].Comment != comment {
		t.Fatalf("Operations(%s) = %+v, want the refusal with the restored comment", f.decidable, ops)
	}
	if _, ok, _ := f.st.Draft(context.Background(), f.decidable); ok {
		t.Errorf("the comment sent is still kept as a draft")
	}
}

// TestDecideAgainStartsFromTheOriginalComment opens a form on a request
// whose decision lost a conflict, from the queue at 80×24 (the review not
// loaded yet) and from the review at 200×50: it replaces the decision in
// conflict and starts from its comment.
func TestDecideAgainStartsFromTheOriginalComment(t *testing.T) {
	f := newFixture(t)
	fr := i18n.French()
	for _, sz := range [][2]int{{80, 24}, {200, 50}} {
		d := newDriver(t, Options{Cache: f.st}, sz[0], sz[1])
		d.selectRequest(f.conflicted)
		if sz[0] > 100 {
			d.keys("enter")
		}
		d.keys("a")
		if got := d.m.form.Comment(); got != conflictComment {
			t.Errorf("at %dx%d deciding again starts from %q, want %q", sz[0], sz[1], got, conflictComment)
		}
		if d.m.form.Target().Replaces == "" || !strings.Contains(d.screen(), fr.ReplacesYours) {
			t.Errorf("at %dx%d the form does not replace the decision in conflict:\n%s", sz[0], sz[1], d.screen())
		}
		d.keys("esc", "y")
	}
}

// TestDiscardLeavesTheConflictCountAtOnce: after D and y, the status bar
// no longer counts the conflict, before the sync engine says anything.
func TestDiscardLeavesTheConflictCountAtOnce(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st, Syncer: closedSyncer()}, 200, 50)
	d.send(syncMsg{status: instruct.SyncStatus{Online: true, LastSync: testNow, Conflicts: 1}})
	if !strings.Contains(d.screen(), "1 conflit") {
		t.Fatalf("the status bar does not count the conflict")
	}
	d.selectRequest(f.conflicted)
	d.keys("D", "y")
	if bar := strings.Split(d.screen(), "\n")[0]; strings.Contains(bar, "conflit") {
		t.Errorf("after discarding, the status bar reads %q, still counting the conflict", bar)
	}
}
