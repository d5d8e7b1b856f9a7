package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestColleaguesDecisionShowsInTheOpenForm: while the reviewer writes a
// refusal, a sync brings a colleague's approval of the same request with
// its comment; the form says at once who did what, when and why, keeps
// the reviewer's comment, stays on its request, and decides from then on
// on the new version — in French and in English, at 80×24 and 200×50.
func TestColleaguesDecisionShowsInTheOpenForm(t *testing.T) {
	wants := map[string][]string{
		"fr": {"Inès Fontaine a validé il y a 10 s", "Pièces vérifiées", "Échap : abandonner"},
		"en": {"Inès Fontaine approved 10 s ago", "Pièces vérifiées", "esc: discard"},
	}
	for lang, want := range wants {
		for _, sz := range [][2]int{{80, 24}, {200, 50}} {
			f := newFixture(t)
			d := newDriver(t, Options{Cache: f.st, Syncer: closedSyncer(), Lang: lang}, sz[0], sz[1])
			d.selectRequest(f.decidable)
			d.keys("x")
			d.typeText("Le cadre juridique manque.")
			before := d.m.form.Version()
			colleagueApproves(t, f, f.decidable, "Pièces vérifiées, cadre juridique conforme.")
			d.send(syncMsg{status: instruct.SyncStatus{Online: true, LastSync: testNow.Add(time.Second)}})
			screen := d.screen()
			for _, w := range want {
				if !strings.Contains(screen, w) {
					t.Errorf("%s %dx%d: the form does not say %q:\n%s", lang, sz[0], sz[1], w, screen)
				}
			}
			if d.m.overlay != overlayForm || d.m.form.Target().RequestID != f.decidable || d.m.form.Comment() != "Le cadre juridique manque." {
				t.Errorf("%s %dx%d: the form left its request or lost the comment: %q", lang, sz[0], sz[1], d.m.form.Comment())
			}
			if d.m.form.Version() != before+1 {
				t.Errorf("%s %dx%d: the form decides on version %d, want the new %d", lang, sz[0], sz[1], d.m.form.Version(), before+1)
			}
		}
	}
}

// colleagueApproves brings, as a sync would, another reviewer's approval
// of request id with comment, 10 s before the test's now.
func colleagueApproves(t testing.TB, f fixture, id instruct.RequestID, comment string) {
	t.Helper()
	ctx := context.Background()
	r, err := f.st.Request(ctx, id)
	if err != nil {
		t.Fatalf("Request(%s): %v", id, err)
	}
	at := testNow.Add(-10 * time.Second)
	r.Status, r.Version, r.UpdatedAt, r.DecidedAt = instruct.StatusValidated, r.Version+1, at, &at
	e := instruct.Event{Seq: 1 << 42, RequestID: id, Kind: instruct.KindApprove, Comment: comment, At: at,
		Actor: instruct.Actor{ID: "u-ines", Name: "Inès Fontaine"}}
	if err := f.st.ApplyPage(ctx, []instruct.FeedItem{{Seq: 1 << 42, Request: r, Events: []instruct.Event{e}}}, "sync-meanwhile"); err != nil {
		t.Fatalf("ApplyPage: %v", err)
	}
}
