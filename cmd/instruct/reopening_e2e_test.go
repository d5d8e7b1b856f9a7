package main

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// TestTUIReviewsAReopeningInTmux walks a reopening end to end: the
// applicant's request is approved (habilitation H…), the applicant
// reopens it through the API with their own token, drops one scope, adds
// another and submits; the reviewer's real TUI, in a real terminal, heads
// the review "Réouverture de H… (active depuis le …)" and marks each
// scope kept, added or removed with its catalogue label; the reviewer
// approves; on the server the new habilitation is active with the new
// scopes and the old one obsolete. INSTRUCT_CAPTURE names a file to write
// the reopening's screen to (docs/reopening.txt).
func TestTUIReviewsAReopeningInTmux(t *testing.T) {
	requireTmux(t)
	srv := runDemoServer(t)
	marie, camille := srv.client(t, demo.InstructorID), srv.client(t, demo.ApplicantID)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	r := submittedWithScopes(t, camille, "Cantine scolaire – réouverture", "cnaf_quotient_familial", "cnaf_enfants")
	approved, err := marie.Decide(ctx, uuid.NewString(), r.ID, r.Version, api.DecisionInput{Kind: instruct.KindApprove})
	if err != nil {
		t.Fatalf("approve %s: %v", r.ID, err)
	}
	first := approved.Event.HabilitationID
	if first == 0 {
		t.Fatalf("the approval of %s names no habilitation: %+v", r.ID, approved.Event)
	}
	reopened, err := camille.Reopen(ctx, r.ID, approved.Request.Version)
	if err != nil {
		t.Fatalf("reopen %s as the applicant: %v", r.ID, err)
	}
	scopes := []string{"cnaf_quotient_familial", "cnous_statut_boursier"}
	patched, err := camille.Patch(ctx, r.ID, reopened.Version, instruct.RequestPatch{Scopes: &scopes})
	if err != nil {
		t.Fatalf("change the scopes of %s: %v", r.ID, err)
	}
	if _, err := camille.Submit(ctx, r.ID, patched.Version); err != nil {
		t.Fatalf("submit the reopening of %s: %v", r.ID, err)
	}

	box := newSandbox(t)
	cache := box.path("cache.db")
	firstSync(t, box, srv, cache)
	scr := startScreen(t, box, 200, 50, append(tuiArgs(srv, t, cache), "--tz", "UTC")...)
	fr, life := i18n.French(), i18n.French().Life(time.UTC)
	openBySearch(scr, fr, r.ID.String())
	screen := scr.waitCheck("the reopening of "+r.ID.String()+" against "+first.String(), func(s string) error {
		return checkReopening(s, life, first, approved.Event.At)
	})
	if path := os.Getenv("INSTRUCT_CAPTURE"); path != "" {
		if err := os.WriteFile(path, []byte(screen), 0o644); err != nil {
			t.Errorf("write the capture: %v", err)
		}
	}

	scr.keys("a")
	scr.waitText(fr.FormHint(instruct.KindApprove))
	scr.keys("C-s")
	scr.waitText(fr.ConfirmHint)
	scr.keys("y") // the notice it is recorded may go at once: the sync sends it
	ok := waitUntil(30*time.Second, func() bool {
		got := requestOf(t, marie, r.ID)
		return got.Status == instruct.StatusValidated && !got.Reopening
	})
	if !ok {
		t.Fatalf("the approval of the reopening of %s never reached the server", r.ID)
	}
	checkHabilitations(t, marie, r.ID, first, scopes)
}

// submittedWithScopes creates and submits, as the applicant of c, a
// complete api_particulier request of Ville de Lyon asking for scopes.
func submittedWithScopes(t *testing.T, c *client.Client, title string, scopes ...string) instruct.Request {
	t.Helper()
	return submitComplete(t, c, title, "Ville de Lyon", scopes...)
}

// checkReopening checks the review of a reopening: its header names the
// habilitation and since when it is active, and its scopes are marked
// kept, added and removed with their catalogue labels.
func checkReopening(screen string, life i18n.LifeWords, h instruct.HabilitationID, since time.Time) error {
	if !strings.Contains(screen, life.ReopeningOf(h.String(), since)) {
		return errMissing(life.ReopeningOf(h.String(), since))
	}
	scopes := boxColumns(screen, 4)[3] // queue, then the three panes
	for _, want := range []string{
		"= Quotient familial CAF & MSA (cnaf_quotient_familial) · " + life.Kept,
		"+ Statut étudiant boursier (cnous_statut_boursier) · " + life.Added,
		"− Identités enfants (cnaf_enfants) · " + life.Removed,
	} {
		if !strings.Contains(scopes, squeeze(want)) {
			return errMissing(want)
		}
	}
	return nil
}

// errMissing says what the screen lacks.
type errMissing string

func (e errMissing) Error() string { return "the screen lacks " + string(e) }

// checkHabilitations checks on the server that request id holds a new
// active habilitation with scopes and that first is obsolete.
func checkHabilitations(t *testing.T, c *client.Client, id instruct.RequestID, first instruct.HabilitationID, scopes []string) {
	t.Helper()
	ctx := context.Background()
	old, err := c.Habilitation(ctx, first)
	if err != nil || old.Status != instruct.HabilitationObsolete {
		t.Errorf("%s after the reopening's approval = %s, %v; want obsolete", first, old.Status, err)
	}
	r := requestOf(t, c, id)
	if len(r.HabilitationIDs) != 2 || r.HabilitationIDs[0] != first {
		t.Fatalf("habilitations of %s = %v, want %s and a new one", id, r.HabilitationIDs, first)
	}
	h, err := c.Habilitation(ctx, r.HabilitationIDs[1])
	if err != nil || h.Status != instruct.HabilitationActive || strings.Join(h.Scopes, " ") != strings.Join(scopes, " ") {
		t.Errorf("%s = %s with %v, %v; want active with %v", r.HabilitationIDs[1], h.Status, h.Scopes, err, scopes)
	}
}
