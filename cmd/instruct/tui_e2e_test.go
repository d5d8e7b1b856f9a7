package main

import (
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// selected is how the queue marks the row under the cursor.
const selected = "▶ "

// pendingMark is how the queue marks a decision waiting for the server.
const pendingMark = "⧗"

// TestTUIRefusesARequestInTmux drives the real TUI in a real terminal
// through a review: search a request, read its details, legal basis and
// scopes side by side, refuse it with a comment, answer the confirmation
// (Enter never confirms, y does), see the decision pending and then
// synced, and find exactly one refusal with that comment on the server.
func TestTUIRefusesARequestInTmux(t *testing.T) {
	requireTmux(t)
	srv := runDemoServer(t)
	marie := srv.client(t, demo.InstructorID)
	req := pickSubmitted(t, marie, "api_particulier")
	labels := scopeLabels(t, req)
	box := newSandbox(t)
	cache := box.path("cache.db")
	firstSync(t, box, srv, cache)
	scr := startScreen(t, box, 200, 50, tuiArgs(srv, t, cache)...)
	fr := i18n.French()

	openBySearch(scr, fr, req.ID.String())
	scr.waitCheck("details, legal basis and scopes of "+req.ID.String()+" on one screen", func(screen string) error {
		return checkWideReview(screen, req, labels)
	})

	comment := "Le cadre juridique cité ne couvre pas les données demandées (test de bout en bout)."
	scr.keys("x")
	scr.waitText(fr.FormHint(instruct.KindRefuse))
	scr.typeText(comment)
	scr.waitText(comment)
	scr.keys("C-s")
	confirm := fr.Confirm(instruct.KindRefuse, req.ID.String(), req.Organization.Name)
	scr.waitText(confirm, fr.ConfirmHint)

	// Enter must not confirm: had it recorded the refusal, the form would
	// be gone and n would open a note instead of going back to the comment.
	scr.keys("Enter")
	scr.keys("n")
	scr.waitFor("the refusal's comment again, after Enter and n", func(s string) bool {
		return containsAll(s, fr.FormHint(instruct.KindRefuse), comment) && !strings.Contains(s, confirm)
	})
	if n := outboxSize(t, cache); n != 0 {
		t.Fatalf("after Enter at the confirmation the outbox holds %d operations, want 0", n)
	}

	// With the server paused, the push waits, so the decision stays
	// pending on screen until the server runs again.
	scr.keys("C-s")
	scr.waitText(confirm)
	srv.pause(t)
	scr.keys("y")
	scr.waitText(fr.Recorded(instruct.KindRefuse, req.ID.String()))
	scr.keys("Escape")
	scr.waitText(fr.Keys.NextTab)
	scr.keys("Tab", "Tab", "Tab") // À instruire → Modifs demandées → Validées → Refusées
	scr.waitFor(req.ID.String()+" marked pending in the refused tab", func(s string) bool {
		return strings.Contains(lineWith(s, selected+req.ID.String()), pendingMark)
	})
	srv.resume(t)
	scr.waitFor(req.ID.String()+" synced: no longer pending", func(s string) bool {
		row := lineWith(s, selected+req.ID.String())
		return row != "" && !strings.Contains(row, pendingMark)
	})

	evs := eventsOf(t, marie, req.ID)
	if n := countEvents(evs, instruct.KindRefuse, comment); n != 1 {
		t.Errorf("events of %s hold %d refusals with the comment, want exactly 1: %+v", req.ID, n, evs)
	}
	if n := countKind(evs, instruct.KindRefuse); n != 1 {
		t.Errorf("events of %s hold %d refusals, want 1", req.ID, n)
	}
	if got := requestOf(t, marie, req.ID); got.Status != instruct.StatusRefused {
		t.Errorf("status of %s on the server = %s, want %s", req.ID, got.Status, instruct.StatusRefused)
	}
}

// TestTUIWaitingToSyncGoesOnceSent: a decision recorded while the server
// does not answer says it waits to be sent, in the footer and the status
// bar; once the server answers and the sync engine has sent it, both go,
// with no key pressed.
func TestTUIWaitingToSyncGoesOnceSent(t *testing.T) {
	requireTmux(t)
	srv := runDemoServer(t)
	marie := srv.client(t, demo.InstructorID)
	req := pickSubmitted(t, marie, "api_entreprise")
	box := newSandbox(t)
	cache := box.path("cache.db")
	firstSync(t, box, srv, cache)
	scr := startScreen(t, box, 200, 50, tuiArgs(srv, t, cache)...)
	fr := i18n.French()

	openBySearch(scr, fr, req.ID.String())
	scr.keys("a")
	scr.waitText(fr.FormHint(instruct.KindApprove))
	scr.keys("C-s")
	scr.waitText(fr.Confirm(instruct.KindApprove, req.ID.String(), req.Organization.Name))
	srv.pause(t)
	scr.keys("y")
	waiting := fr.Recorded(instruct.KindApprove, req.ID.String())
	scr.waitText(waiting, fr.PendingN(1))
	srv.resume(t)
	scr.waitFor("the decision sent: no notice or count of it waiting", func(s string) bool {
		bar, _, _ := strings.Cut(s, "\n")
		return !strings.Contains(s, waiting) && !strings.Contains(bar, fr.PendingN(1))
	})
	if got := requestOf(t, marie, req.ID); got.Status != instruct.StatusValidated {
		t.Errorf("status of %s on the server = %s, want %s", req.ID, got.Status, instruct.StatusValidated)
	}
}

// TestTUIAt80x24AndAfterResizes checks the smallest supported terminal:
// the queue, then one review pane at a time; then the wide layout after
// the window grows, the "too small" message when it shrinks below
// 80×24, and a working screen at 100×30.
func TestTUIAt80x24AndAfterResizes(t *testing.T) {
	requireTmux(t)
	srv := runDemoServer(t)
	marie := srv.client(t, demo.InstructorID)
	req := pickSubmitted(t, marie, "api_particulier")
	labels := scopeLabels(t, req)
	box := newSandbox(t)
	firstSync(t, box, srv, box.path("cache.db"))
	scr := startScreen(t, box, 80, 24, tuiArgs(srv, t, box.path("cache.db"))...)
	fr := i18n.French()

	queue := scr.waitFor("the queue at 80×24", func(s string) bool { return strings.Contains(s, selected+"D") })
	if !strings.Contains(queue, fr.TabShort(instruct.StatusSubmitted)) {
		t.Errorf("the tabs at 80 columns lack the short label %q:\n%s", fr.TabShort(instruct.StatusSubmitted), queue)
	}
	if strings.Contains(squeeze(queue), squeeze(fr.PaneLegal)) {
		t.Errorf("the queue at 80 columns shows the review beside it:\n%s", queue)
	}

	openBySearch(scr, fr, req.ID.String())
	title, legal := squeeze(req.Title), squeeze(req.LegalBasis.Nature)
	scr.waitCheck("the details pane alone", func(s string) error {
		return onePane(s, fr, title, legal)
	})
	scr.keys("2")
	scr.waitCheck("the legal basis pane alone", func(s string) error {
		return onePane(s, fr, legal, title)
	})

	scr.resize(200, 50)
	scr.waitCheck("the wide layout after growing to 200×50", func(s string) error {
		return checkWideReview(s, req, labels)
	})

	scr.resize(60, 15)
	tooSmall := squeeze(fr.TooSmall(60, 15, 80, 24))
	scr.waitFor("the too-small message at 60×15", func(s string) bool { return strings.Contains(squeeze(s), tooSmall) })

	scr.resize(100, 30)
	scr.waitCheck("the three panes at 100×30", func(s string) error {
		cols := boxColumns(s, 3)
		if !strings.Contains(cols[0], title) || !strings.Contains(cols[1], legal) {
			return errors.New("details and legal basis not side by side")
		}
		return nil
	})
	scr.keys("Escape")
	scr.waitText(fr.QueueTitle(1), selected+req.ID.String())
}

// TestTUIFirstRunShowsCatalogueAndUser starts the TUI on an empty cache
// while the server cannot answer yet, as on a first run over a slow
// network: once the first sync brings the catalogue and the signed-in
// user, the screen must show them (the API's name, the scopes' catalogue
// labels, the reviewer's name) without a restart.
func TestTUIFirstRunShowsCatalogueAndUser(t *testing.T) {
	requireTmux(t)
	srv := runDemoServer(t)
	marie := srv.client(t, demo.InstructorID)
	req := pickSubmitted(t, marie, "api_particulier")
	labels := scopeLabels(t, req)
	me, err := marie.Me(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	box := newSandbox(t)
	fr := i18n.French()
	srv.pause(t)
	scr := startScreen(t, box, 200, 50, tuiArgs(srv, t, box.path("cache.db"))...)
	scr.waitText(fr.QueueTitle(0))
	srv.resume(t)
	openBySearch(scr, fr, req.ID.String())
	scr.waitCheck("the catalogue and the user after the first sync", func(screen string) error {
		if err := checkWideReview(screen, req, labels); err != nil {
			return err
		}
		if !strings.Contains(screen, me.Name) {
			return fmt.Errorf("the reviewer's name %q is not shown", me.Name)
		}
		return nil
	})
}

// firstSync fills the cache with one "instruct sync", as a reviewer does
// after "instruct login".
func firstSync(t *testing.T, box *sandbox, srv *serverProc, cache string) {
	t.Helper()
	box.must(append([]string{"sync"}, connFlags(srv.URL, srv.token(t, demo.InstructorID), cache)...)...)
}

// tuiArgs are the arguments of "instruct tui" for the demo instructor.
func tuiArgs(srv *serverProc, t *testing.T, cache string) []string {
	args := append([]string{"tui"}, connFlags(srv.URL, srv.token(t, demo.InstructorID), cache)...)
	return append(args, "--lang", "fr")
}

// openBySearch waits for the queue, searches request id by its ID and
// opens it.
func openBySearch(scr *tmuxScreen, fr i18n.Messages, id string) {
	scr.t.Helper()
	scr.waitFor("the queue after the first sync", func(s string) bool { return strings.Contains(s, selected+"D") })
	scr.keys("/")
	scr.typeText(id)
	scr.waitText(fr.QueueTitle(1), selected+id)
	scr.keys("Enter") // keep the search
	scr.keys("Enter") // open the request
}

// checkWideReview checks that the screen shows the queue and the three
// review panes side by side, holding the request's ID, its title and
// organisation, its legal basis and the catalogue labels of its scopes.
func checkWideReview(screen string, req instruct.Request, labels []string) error {
	cols := boxColumns(screen, 4)
	var missing []string
	need := func(col, pane, text string) {
		if !strings.Contains(col, squeeze(text)) {
			missing = append(missing, fmt.Sprintf("%s lacks %q", pane, text))
		}
	}
	if lineWith(screen, selected+req.ID.String()) == "" {
		missing = append(missing, "no queue row for "+req.ID.String())
	}
	need(cols[1], "details", req.Title)
	need(cols[1], "details", req.Organization.Name)
	need(cols[2], "legal basis", req.LegalBasis.Nature)
	for _, l := range labels {
		need(cols[3], "scopes", l)
	}
	if len(missing) > 0 {
		return errors.New(strings.Join(missing, "; "))
	}
	return nil
}

// onePane checks that the screen shows the review's pane tabs and want,
// but not other: the narrow layout shows one pane at a time.
func onePane(screen string, fr i18n.Messages, want, other string) error {
	flat := boxColumns(screen, 1)[0]
	tabs := squeeze(lineWith(screen, fr.PaneScopes))
	switch {
	case !strings.Contains(tabs, squeeze(fr.PaneDetails)) || !strings.Contains(tabs, squeeze(fr.PaneLegal)):
		return errors.New("no line with the three pane tabs")
	case !strings.Contains(flat, want):
		return fmt.Errorf("%q not shown", want)
	case strings.Contains(flat, other):
		return fmt.Errorf("%q shown too", other)
	}
	return nil
}

// pickSubmitted returns the first submitted request of definition that c
// sees.
func pickSubmitted(t *testing.T, c *client.Client, definition string) instruct.Request {
	t.Helper()
	for _, r := range listRequests(t, c, instruct.StatusSubmitted, definition) {
		if len(r.Scopes) > 0 && r.LegalBasis.Nature != "" {
			return r
		}
	}
	t.Fatalf("the demo data has no submitted %s request", definition)
	return instruct.Request{}
}

// scopeLabels returns the catalogue labels of the request's scopes.
func scopeLabels(t *testing.T, r instruct.Request) []string {
	t.Helper()
	defs, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		if d.ID != r.Definition {
			continue
		}
		var labels []string
		for _, id := range r.Scopes {
			if s, ok := d.Scope(id); ok {
				labels = append(labels, s.Label)
			}
		}
		if len(labels) == 0 {
			t.Fatalf("no scope of %s is in the catalogue: %v", r.ID, r.Scopes)
		}
		return labels
	}
	t.Fatalf("definition %s is not in the default catalogue", r.Definition)
	return nil
}

// outboxSize counts the operations of a cache's outbox, read-only, while
// the TUI has the cache open.
func outboxSize(t *testing.T, cache string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+cache+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT count(*) FROM outbox").Scan(&n); err != nil {
		t.Fatalf("count the outbox of %s: %v", cache, err)
	}
	return n
}

func countKind(evs []instruct.Event, kind instruct.Kind) int {
	n := 0
	for _, e := range evs {
		if e.Kind == kind {
			n++
		}
	}
	return n
}

// TestTUIResizeKeepsTheReviewOnTheHighlightedRequest reads a request at
// 120×40, goes back to the queue, moves the cursor two rows down and
// widens the window to 200×50: the review beside the queue must show the
// highlighted request, not the one read before, and a must decide on it.
func TestTUIResizeKeepsTheReviewOnTheHighlightedRequest(t *testing.T) {
	requireTmux(t)
	srv := runDemoServer(t)
	box := newSandbox(t)
	cache := box.path("cache.db")
	firstSync(t, box, srv, cache)
	scr := startScreen(t, box, 120, 40, tuiArgs(srv, t, cache)...)
	fr := i18n.French()

	first := highlighted(scr.waitFor("the queue", func(s string) bool { return highlighted(s) != "" }))
	scr.keys("Enter")
	scr.waitFor("the review of "+first, func(s string) bool { return reviewHeader(s) == first })
	scr.keys("Escape")
	scr.waitFor("the queue alone", func(s string) bool { return !strings.Contains(s, fr.PaneLegal) })
	scr.keys("j", "j")
	moved := highlighted(scr.waitFor("the cursor two rows down", func(s string) bool {
		return highlighted(s) != "" && highlighted(s) != first && !strings.Contains(s, fr.PaneLegal)
	}))
	scr.resize(200, 50)
	scr.waitCheck("the review of "+moved+" beside the queue", func(s string) error {
		if h, hl := reviewHeader(s), highlighted(s); h != moved || hl != moved {
			return fmt.Errorf("the header names %q and the queue highlights %q, want %s", h, hl, moved)
		}
		return nil
	})
	scr.keys("a")
	scr.waitText(fr.Decision(instruct.KindApprove) + " · " + moved + " · ")
	scr.keys("Escape")
}

// highlighted returns the ID of the queue's highlighted row, or "".
func highlighted(screen string) string {
	row := lineWith(screen, selected+"D")
	_, rest, _ := strings.Cut(row, selected)
	if f := strings.Fields(rest); len(f) > 0 {
		return f[0]
	}
	return ""
}

// reviewHeaderRE finds the review's header: a request ID at the left edge
// of the review area, the screen's or right of the queue's box.
var reviewHeaderRE = regexp.MustCompile(`(?m)(?:^|[┃│┓┐])(D\d+) · `)

// reviewHeader returns the ID the review's header names, or "".
func reviewHeader(screen string) string {
	if m := reviewHeaderRE.FindStringSubmatch(screen); m != nil {
		return m[1]
	}
	return ""
}
