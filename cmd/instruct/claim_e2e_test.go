package main

import (
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// TestTUIClaimsInTmux drives C in the real TUI on the demo server: a
// request nobody holds is taken (● on its row), the server records the
// claim once and the colleague sees who holds it; on a request a
// colleague holds, C says who and since when, and takes nothing.
func TestTUIClaimsInTmux(t *testing.T) {
	requireTmux(t)
	srv := runDemoServer(t)
	marie := srv.client(t, demo.InstructorID)
	var free, held instruct.Request
	for _, r := range listRequests(t, marie, instruct.StatusSubmitted, "api_particulier") {
		switch {
		case r.Claim == nil && free.ID == 0:
			free = r
		case r.Claim != nil && r.Claim.User.ID != demo.InstructorID && held.ID == 0:
			held = r
		}
	}
	if free.ID == 0 || held.ID == 0 {
		t.Fatalf("the demo has no free (%q) or colleague-held (%s) submitted request of API Particulier", free.ID, held.ID)
	}
	box := newSandbox(t)
	cache := box.path("cache.db")
	firstSync(t, box, srv, cache)
	scr := startScreen(t, box, 160, 45, tuiArgs(srv, t, cache)...)
	fr := i18n.French()
	claims := fr.Claims()
	freeID, heldID := free.ID.String(), held.ID.String()

	openBySearch(scr, fr, freeID)
	scr.waitText(freeID + " · ")
	scr.keys("C")
	scr.waitText(claims.Taken(freeID))
	scr.waitFor(freeID+" marked ● in the queue and held by the reviewer in the header", func(s string) bool {
		return strings.Contains(lineWith(s, selected+freeID), "●") && strings.Contains(s, "● vous l’avez prise depuis")
	})
	scr.waitFor(freeID+" synced: no longer pending", func(s string) bool {
		row := lineWith(s, selected+freeID)
		return row != "" && !strings.Contains(row, pendingMark)
	})
	if n := countKind(eventsOf(t, marie, free.ID), instruct.KindClaim); n != 1 {
		t.Errorf("events of %s hold %d claims, want exactly 1", free.ID, n)
	}
	thomas := srv.client(t, demo.ManagerID)
	if got := requestOf(t, thomas, free.ID); !got.Claim.HeldBy(demo.InstructorID) {
		t.Errorf("the colleague reads %s held by %+v, want Marie Dupont", free.ID, got.Claim)
	}

	scr.keys("/")
	scr.keys("C-u")
	scr.typeText(heldID)
	scr.waitText(fr.QueueTitle(1), selected+heldID)
	scr.keys("Enter", "C")
	scr.waitText(held.Claim.User.Name+" a pris "+heldID+" depuis", "seul un responsable")
	if got := requestOf(t, marie, held.ID); !got.Claim.HeldBy(held.Claim.User.ID) {
		t.Errorf("after C on %s the server has it held by %+v, want %s still", held.ID, got.Claim, held.Claim.User.Name)
	}
}
