package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

func TestResizeKeepsEveryLayoutWhole(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st}, 200, 50)
	d.selectRequest(f.flagged)
	d.keys("enter")
	tests := []struct {
		name string
		w, h int
		want []string
	}{
		{"wide", 200, 50, []string{"File · ", "1 Demande", "2 Cadre juridique", "3 Données demandées"}},
		{"wide edge", 160, 30, []string{"File · ", "1 Demande", "3 Données demandées"}},
		{"medium with strip", 159, 40, []string{"File · ", "1 Demande", "3 Données demandées"}},
		{"medium short", 120, 30, []string{"1 Demande", "3 Données demandées"}},
		{"medium edge", 100, 24, []string{"1 Demande", "2 Cadre juridique"}},
		{"narrow", 99, 30, []string{"[1 Demande]", "2 Cadre juridique", "3 Données demandées"}},
		{"minimum", 80, 24, []string{"[1 Demande]"}},
		{"too narrow", 79, 24, []string{"80×24"}},
		{"too short", 120, 23, []string{"80×24"}},
		{"back to wide", 200, 50, []string{"File · ", "1 Demande"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d.send(tea.WindowSizeMsg{Width: tc.w, Height: tc.h})
			screen := d.screen()
			if d.m.class() != tooSmall {
				checkFrame(t, screen, tc.w, tc.h)
			}
			for _, want := range tc.want {
				if !strings.Contains(screen, want) {
					t.Errorf("at %dx%d the screen lacks %q:\n%s", tc.w, tc.h, want, screen)
				}
			}
		})
	}
}

func TestNarrowShowsOnePaneAtATime(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 80, 24)
	d.selectRequest(f.flagged)
	d.keys("enter", "3")
	if s := d.screen(); !strings.Contains(s, "[3 Data requested]") || strings.Contains(s, "Legal basis ─") {
		t.Errorf("after 3 the narrow review does not show the data pane alone:\n%s", s)
	}
	d.keys("tab")
	if !strings.Contains(d.screen(), "[1 Request]") {
		t.Errorf("tab after the last pane did not come back to the first")
	}
	d.keys("esc")
	if !strings.Contains(d.screen(), "Queue · ") {
		t.Errorf("esc did not go back to the queue")
	}
}

// syncer stands for the sync engine: statuses go out on a channel, and
// Trigger counts the syncs asked for.
type syncer struct {
	ch       chan instruct.SyncStatus
	triggers atomic.Int32
}

func (s *syncer) Trigger()                            { s.triggers.Add(1) }
func (s *syncer) Updates() <-chan instruct.SyncStatus { return s.ch }

func TestStatusBarFollowsSyncEngine(t *testing.T) {
	f := newFixture(t)
	s := &syncer{ch: make(chan instruct.SyncStatus, 1)}
	t.Cleanup(func() { close(s.ch) })
	s.ch <- instruct.SyncStatus{Online: true, LastSync: testNow.Add(-4 * time.Second), Pending: 2, Conflicts: 1,
		LastError: "le serveur a répondu 503\x1b[2J"}
	d := newDriver(t, Options{Cache: f.st, Syncer: s}, 200, 50)
	bar := strings.Split(d.screen(), "\n")[0]
	for _, want := range []string{"Marie Dupont", "● en ligne", "synchronisé il y a 4 s", "2 en attente", "1 conflit", "erreur de synchronisation : erreur interne"} {
		if !strings.Contains(bar, want) {
			t.Errorf("the status bar %q lacks %q", bar, want)
		}
	}
	if strings.Contains(bar, "503") || strings.ContainsRune(bar, '\x1b') {
		t.Errorf("the status bar %q shows the server's text, not the reviewer's words", bar)
	}
	d.keys("r")
	if n := s.triggers.Load(); n != 1 {
		t.Errorf("after r the sync engine was triggered %d times, want 1", n)
	}
}

func TestDecisionTriggersSync(t *testing.T) {
	f := newFixture(t)
	s := &syncer{ch: make(chan instruct.SyncStatus)}
	t.Cleanup(func() { close(s.ch) })
	d := newDriver(t, Options{Cache: f.st, Syncer: s}, 120, 40)
	d.selectRequest(f.decidable)
	d.keys("a", "ctrl+s", "y")
	if n := s.triggers.Load(); n != 1 {
		t.Errorf("after recording a decision the sync engine was triggered %d times, want 1", n)
	}
}

// TestWaitingToSyncGoesOnceSent: the notice that a decision waits to be
// sent stays while the sync engine still holds it (syncing, or offline
// with it pending), and goes as soon as a sync has emptied the outbox,
// with no key pressed.
func TestWaitingToSyncGoesOnceSent(t *testing.T) {
	f := newFixture(t)
	s := &syncer{ch: make(chan instruct.SyncStatus)}
	t.Cleanup(func() { close(s.ch) })
	d := newDriver(t, Options{Cache: f.st, Syncer: s}, 120, 40)
	d.send(syncMsg{status: instruct.SyncStatus{Online: true, LastSync: testNow.Add(-time.Minute)}})
	d.selectRequest(f.decidable)
	d.keys("a", "ctrl+s", "y")
	waiting := i18n.French().Recorded(instruct.KindApprove, f.decidable.String())
	if foot := lastLine(d.screen()); !strings.Contains(foot, waiting) {
		t.Fatalf("after recording, the footer reads %q, want %q", foot, waiting)
	}
	if bar, _, _ := strings.Cut(d.screen(), "\n"); !strings.Contains(bar, "1 en attente") {
		t.Errorf("after recording, the status bar reads %q, want the decision counted at once", bar)
	}
	for _, st := range []instruct.SyncStatus{
		{Online: true, Syncing: true, Pending: 1},
		{Online: false, Pending: 1, LastError: "offline", LastErrorCode: instruct.CodeUnavailable},
	} {
		d.send(syncMsg{status: st})
		if foot := lastLine(d.screen()); !strings.Contains(foot, waiting) {
			t.Errorf("with the sync status %+v the footer reads %q, want still %q", st, foot, waiting)
		}
	}
	d.send(syncMsg{status: instruct.SyncStatus{Online: true, LastSync: testNow, Pending: 0}})
	screen := d.screen()
	if strings.Contains(screen, "en attente") {
		t.Errorf("after a sync that emptied the outbox the screen still says it waits:\n%s", screen)
	}
}

func TestHostileTextIsShownNotObeyed(t *testing.T) {
	st := openStore(t, 0)
	h := hostileHistory(t)
	if err := st.ApplyPage(context.Background(), []instruct.FeedItem{{Seq: 2, Request: h.Request, Events: h.Events}}, "2"); err != nil {
		t.Fatalf("ApplyPage: %v", err)
	}
	d := newDriver(t, Options{Cache: st}, 200, 50)
	d.keys("enter")
	review := d.screen()
	d.keys("t")
	history := d.screen()
	for name, screen := range map[string]string{"review": review, "timeline": history} {
		if strings.ContainsAny(screen, "\x1b\x07\u009b\u202e\r") {
			t.Errorf("the %s passes control characters to the terminal: %q", name, screen)
		}
	}
	for _, want := range []string{"^[]52;c;", `\u202e`, "^[[2J"} {
		if !strings.Contains(review, want) {
			t.Errorf("the review does not show %q visibly", want)
		}
	}
	if !strings.Contains(history, `\u009b`) {
		t.Errorf("the timeline does not show the C1 control of the comment visibly")
	}
	d.keys("esc", "1", "G")
	if !strings.Contains(d.screen(), sanitize.Ellipsis) {
		t.Errorf("the end of the 5 MB description is not marked as cut")
	}
}

// hostileHistory is a submitted request whose applicant typed terminal
// escapes everywhere, and a 5 MB description.
func hostileHistory(t testing.TB) instruct.History {
	submitted := testNow.Add(-48 * time.Hour)
	r := instruct.Request{ID: 9001, Definition: "api_particulier", Status: instruct.StatusSubmitted, Version: 2,
		Title:        "Cantine\x1b]52;c;cm0gLXJmIH4=\x07 scolaire",
		Description:  "Début\x1b[2J" + strings.Repeat("Une description très longue. ", 5<<20/30),
		Organization: instruct.Organization{SIRET: "21690123100011", Name: "Ville de \u202eNOYL", City: "Lyon\r"},
		Applicant:    instruct.Person{Name: "A\u009b31mB", Email: "a@lyon.fr"},
		LegalBasis:   instruct.LegalBasis{Nature: "Article L114-8 du CRPA\x1bP+q\x1b\\", URL: "https://legifrance.gouv.fr"},
		Scopes:       []string{"cnaf_quotient_familial"}, RetentionMonths: 12,
		TermsAccepted: true, DPOInformed: true, CreatedAt: submitted, SubmittedAt: &submitted, UpdatedAt: submitted}
	actor := instruct.Actor{ID: demo.ApplicantID, Name: "Camille\x1b[1A Martin"}
	events := []instruct.Event{{Seq: 1, RequestID: r.ID, Kind: instruct.KindCreate, Actor: actor, At: submitted},
		{Seq: 2, RequestID: r.ID, Kind: instruct.KindSubmit, Actor: actor, Comment: "Voir\u009b2J la pièce", At: submitted}}
	return instruct.History{Request: r, CreatedBy: demo.ApplicantID, Events: events}
}

func TestSyncRefreshesQueueKeepingCursor(t *testing.T) {
	f := newFixture(t)
	s := &syncer{ch: make(chan instruct.SyncStatus)}
	t.Cleanup(func() { close(s.ch) })
	d := newDriver(t, Options{Cache: f.st, Syncer: s}, 120, 40)
	d.keys("j", "j", "j")
	selected := d.m.queue.SelectedID()
	first := d.m.queue.Items()[0].ID

	ctx := context.Background()
	r, err := f.st.Request(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	r.Organization.Name, r.Version, r.UpdatedAt = "Commune renommée", r.Version+1, testNow
	if err := f.st.ApplyPage(ctx, []instruct.FeedItem{{Seq: 1 << 41, Request: r}}, "next"); err != nil {
		t.Fatalf("ApplyPage: %v", err)
	}
	d.send(syncMsg{status: instruct.SyncStatus{Online: true, LastSync: testNow}})
	if got := d.m.queue.SelectedID(); got != selected {
		t.Errorf("after a sync the cursor is on %s, want it kept on %s", got, selected)
	}
	if !strings.Contains(d.screen(), "Commune renommée") {
		t.Errorf("after a sync the queue does not show the change it brought")
	}
}

// TestCursorMovedDuringRefreshStays moves the cursor while the queue a
// sync asked for is still being read: when the rows arrive, the cursor
// stays where the reviewer put it instead of going back.
func TestCursorMovedDuringRefreshStays(t *testing.T) {
	f := newFixture(t)
	s := &syncer{ch: make(chan instruct.SyncStatus)}
	t.Cleanup(func() { close(s.ch) })
	d := newDriver(t, Options{Cache: f.st, Syncer: s}, 120, 40)
	d.keys("j")

	next, refresh := d.m.Update(syncMsg{status: instruct.SyncStatus{Online: true, LastSync: testNow}})
	d.m = next.(Model)
	d.keys("j", "j")
	moved := d.m.queue.SelectedID()
	d.run(refresh)
	if got := d.m.queue.SelectedID(); got != moved {
		t.Errorf("after the refresh landed the cursor is on %s, want it left on %s where the reviewer moved it", got, moved)
	}
}

// TestScreenSaysTheCacheWasReplaced: a cache replaced as it opened, or
// healed later by the sync engine, is told in one line of the footer, in
// the reviewer's language: why, what was saved and lost, where the old
// file went.
func TestScreenSaysTheCacheWasReplaced(t *testing.T) {
	f := newFixture(t)
	atOpen := &instruct.CacheRecovery{Problem: instruct.CacheNotSQLite, MovedTo: "/home/marie/.cache/instruct/a.db.broken-1764650000", Saved: 2, Lost: 1}
	s := &syncer{ch: make(chan instruct.SyncStatus, 1)}
	t.Cleanup(func() { close(s.ch) })
	d := newDriver(t, Options{Cache: f.st, Syncer: s, Recovery: atOpen}, 200, 50)
	want := "Cache illisible (en-tête endommagé ou autre fichier), remplacé : 2 décisions en attente sauvées, 1 perdue ; l'ancien fichier est /home/marie/.cache/instruct/a.db.broken-1764650000"
	if footer := lastLine(d.screen()); !strings.Contains(footer, want) {
		t.Errorf("the footer %q does not say how the cache was replaced at open (%q)", footer, want)
	}
	healed := &instruct.CacheRecovery{Problem: instruct.CacheDamaged, MovedTo: "/home/marie/.cache/instruct/a.db.broken-1764653600", Saved: 1}
	d.send(syncMsg{status: instruct.SyncStatus{Online: true, LastSync: testNow, Recovery: healed}})
	want = "Cache endommagé, remplacé : 1 décision en attente sauvée, 0 perdue ; l'ancien fichier est /home/marie/.cache/instruct/a.db.broken-1764653600"
	if footer := lastLine(d.screen()); !strings.Contains(footer, want) {
		t.Errorf("the footer %q does not say how the sync engine healed the cache (%q)", footer, want)
	}
}
