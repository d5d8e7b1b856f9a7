package sshd

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/review"
	"github.com/instruct-dev/instruct/internal/stats"
	"github.com/instruct-dev/instruct/internal/ui/statsview"
)

// TestSessionStatsKeepToItsUser: over SSH, the statistics a session
// computes from the shared read model are the server's for that user:
// only the APIs they hold a role on, and only those requests waiting.
func TestSessionStatsKeepToItsUser(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	applicant := w.addUser("applicant")
	mine := w.submitted(applicant, "api_particulier", "Cantine")
	w.submitted(applicant, "api_entreprise", "Marchés publics")
	w.caughtUp()
	u := w.addUser("agent", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor})
	v := w.view(u)

	r, err := stats.ParseRange("", "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := stats.Load(ctx, v, "", r)
	if err != nil {
		t.Fatal(err)
	}
	want, err := w.svc.Stats(ctx, u, review.StatsQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("a session's statistics differ from the server's for its user (-server +session):\n%s", diff)
	}
	if len(got.Definitions) != 1 || got.Definitions[0].Definition != "api_particulier" || got.Definitions[0].Backlog != 1 {
		t.Errorf("a session's statistics = %+v, want api_particulier alone with 1 waiting", got.Definitions)
	}
	d, err := statsview.Load(ctx, v, "", time.Now(), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Longest) != 1 || d.Longest[0].ID != mine.ID {
		t.Errorf("the session lists %v waiting, want %s alone", d.Longest, mine.ID)
	}
}
