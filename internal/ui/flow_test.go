package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/form"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

func TestSearchNarrowsQueueAsYouType(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st}, 120, 40)
	all := d.m.queue.Len()
	it, _ := d.m.queue.Selected()
	word := strings.Fields(it.Organization)[len(strings.Fields(it.Organization))-1]
	d.keys("/")
	d.typeText(word)
	if n := d.m.queue.Len(); n == 0 || n >= all {
		t.Fatalf("after typing /%s the queue has %d rows, want between 1 and %d", word, n, all-1)
	}
	if d.m.queue.Index(it.ID) < 0 {
		t.Errorf("searching %q lost %s (%s)", word, it.ID, it.Organization)
	}
	if !strings.Contains(d.screen(), "/"+word+"▏") {
		t.Errorf("the tabs line does not show the search being typed")
	}
	d.keys("esc")
	if n := d.m.queue.Len(); n != all {
		t.Errorf("after Esc the queue has %d rows, want all %d back", n, all)
	}
}

func TestRefuseConfirmedWithYOnlyRecordsAndMovesOn(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st}, 120, 40)
	d.selectRequest(f.decidable)
	it, _ := d.m.queue.Selected()
	next := d.m.queue.Items()[d.m.queue.Cursor()+1].ID
	const comment = "Le cadre juridique ne couvre pas les données fiscales.\nMerci de fournir la délibération."

	d.keys("enter", "x")
	d.typeText("Le cadre juridique ne couvre pas les données fiscales.")
	d.keys("enter")
	d.typeText("Merci de fournir la délibération.")
	d.keys("ctrl+s")
	screen := d.screen()
	for _, want := range []string{"Refuser la demande " + it.ID.String(), it.Organization, "Entrée ne confirme pas"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the confirmation does not say %q:\n%s", want, screen)
		}
	}
	d.keys("enter")
	if d.m.form.Stage() != form.Confirming || len(operations(t, f, it.ID)) != 0 {
		t.Fatalf("Enter on the confirmation recorded the decision or left it (stage %v)", d.m.form.Stage())
	}
	d.keys("y")

	ops := operations(t, f, it.ID)
	if len(ops) != 1 || ops[0].Kind != instruct.KindRefuse || ops[0].Comment != comment || ops[0].State != instruct.OpPending {
		t.Fatalf("Operations(%s) = %+v, want one pending refuse with the comment", it.ID, ops)
	}
	if got := d.m.queue.SelectedID(); got != next {
		t.Errorf("after the decision the cursor is on %s, want the next request %s", got, next)
	}
	if d.m.overlay != overlayNone || !strings.Contains(d.screen(), it.ID.String()+" : refus enregistré") {
		t.Errorf("after the decision the form is still open or the notice is missing:\n%s", d.screen())
	}
	d.keys("esc", "tab", "tab", "tab")
	d.selectRequest(it.ID)
	if row := queueRow(d.screen(), it.ID.String()); !strings.Contains(row, "⧗ en attente") {
		t.Errorf("in the Refused tab the decided request reads %q, want it marked pending", row)
	}
}

func TestCommentRequiredToRefuse(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st}, 80, 24)
	d.selectRequest(f.decidable)
	id := f.decidable
	d.keys("x", "ctrl+s")
	if d.m.form.Stage() != form.Editing {
		t.Errorf("ctrl+s with no comment moved the form to stage %v, want editing", d.m.form.Stage())
	}
	if want := "Un commentaire est obligatoire pour refuser une demande."; !strings.Contains(d.screen(), want) {
		t.Errorf("the form does not say %q:\n%s", want, d.screen())
	}
	d.keys("esc")
	if d.m.overlay != overlayNone || len(operations(t, f, id)) != 0 {
		t.Errorf("Esc did not close the form without recording")
	}
}

func TestRecordRefusalShownInForm(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 120, 40)
	d.selectRequest(f.decidable)
	if _, err := f.st.Record(context.Background(), f.decidable, instruct.KindApprove, ""); err != nil {
		t.Fatalf("Record: %v", err)
	}
	d.keys("a", "ctrl+s", "y")
	if d.m.overlay != overlayForm || d.m.form.Stage() != form.Editing {
		t.Fatalf("a second approval while one waits did not return to the form")
	}
	if !strings.Contains(d.m.form.Err(), "Could not record") {
		t.Errorf("form error = %q, want the cache's refusal in plain words", d.m.form.Err())
	}
}

// TestTemplatesPickedFromList: ctrl+t lists the API's refusal templates
// by title with the list's keys in the footer; the one picked goes in as
// a paragraph of its own after what was typed, and is kept as the draft.
func TestTemplatesPickedFromList(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st}, 120, 40)
	d.selectRequest(f.decidable)
	it, _ := d.m.queue.Selected()
	templates := definitions(t, f.st)[it.Definition].TemplatesFor(instruct.KindRefuse)
	if len(templates) < 2 {
		t.Fatalf("%s has %d refusal templates, want 2 or more", it.Definition, len(templates))
	}
	d.keys("x")
	d.typeText("Bonjour,")
	d.keys("ctrl+t")
	screen := d.screen()
	for _, tp := range templates {
		if !strings.Contains(screen, tp.Title) {
			t.Errorf("the list of templates does not show %q:\n%s", tp.Title, screen)
		}
	}
	if foot := lastLine(screen); !strings.Contains(foot, "insérer") {
		t.Errorf("the footer reads %q, want the list's keys", foot)
	}
	d.keys("down", "enter")
	want := "Bonjour,\n\n" + strings.Trim(templates[1].Body, " \n")
	if got := d.m.form.Comment(); got != want {
		t.Errorf("after picking the second template the comment is %q, want %q", got, want)
	}
	if dr, ok, _ := f.st.Draft(context.Background(), f.decidable); !ok || dr.Comment != want {
		t.Errorf("the draft is %q (kept %v), want %q", dr.Comment, ok, want)
	}
}

func TestConflictShowsWinnerAndDiscards(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st}, 200, 50)
	d.selectRequest(f.conflicted)
	if row := queueRow(d.screen(), f.conflicted.String()); !strings.Contains(row, "! conflit") {
		t.Errorf("the queue row of %s reads %q, want it marked in conflict", f.conflicted, row)
	}
	d.keys("enter")
	screen := d.screen()
	for _, want := range []string{"Karim Benali a demandé des modifications", "délibération du conseil municipal", "D : abandonner"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the conflict view does not say %q:\n%s", want, screen)
		}
	}
	d.keys("D")
	if q := lastLine(d.screen()); !strings.Contains(q, "Abandonner votre décision « valider » sur "+f.conflicted.String()+" ?") {
		t.Errorf("D does not ask before discarding; the footer reads %q", q)
	}
	if ops := operations(t, f, f.conflicted); len(ops) != 1 {
		t.Fatalf("D discarded before the answer: Operations(%s) = %+v", f.conflicted, ops)
	}
	d.keys("n")
	if ops := operations(t, f, f.conflicted); len(ops) != 1 {
		t.Fatalf("n to the question discarded: Operations(%s) = %+v", f.conflicted, ops)
	}
	d.keys("D", "y")
	if ops := operations(t, f, f.conflicted); len(ops) != 0 {
		t.Errorf("after D, Operations(%s) = %+v, want none", f.conflicted, ops)
	}
	if strings.Contains(d.screen(), "D : abandonner") {
		t.Errorf("the conflict is still shown after D")
	}
}

func TestDecideAgainOnConflict(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st}, 120, 40)
	d.selectRequest(f.conflicted)
	d.keys("enter", "x")
	if !strings.Contains(d.screen(), "abandonnée au profit de celle-ci") {
		t.Errorf("the form does not say it replaces the decision in conflict:\n%s", d.screen())
	}
	d.typeText("Sans délibération, nous ne pouvons pas accorder l'accès.")
	d.keys("ctrl+s", "y")
	ops := operations(t, f, f.conflicted)
	if len(ops) != 1 || ops[0].Kind != instruct.KindRefuse || ops[0].State != instruct.OpPending {
		t.Errorf("Operations(%s) = %+v, want only the new pending refusal", f.conflicted, ops)
	}
}

func TestReporterCannotDecide(t *testing.T) {
	f := newFixture(t)
	me := reviewer(t)
	me.Roles = []instruct.Grant{{Definition: instruct.AllDefinitions, Role: instruct.RoleReporter}}
	if err := f.st.PutMe(context.Background(), me); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Options{Cache: f.st}, 80, 24)
	d.keys("a")
	if d.m.overlay == overlayForm || !strings.Contains(d.screen(), "lecture") {
		t.Errorf("a reporter pressing a opened the form or got no explanation:\n%s", d.screen())
	}
}

func TestTabsSortAndFilter(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 120, 40)
	d.keys("tab")
	for _, it := range d.m.queue.Items() {
		if it.Status != instruct.StatusChangesRequested {
			t.Fatalf("the Changes requested tab shows %s in status %s", it.ID, it.Status)
		}
	}
	if !strings.Contains(d.screen(), "[Changes requested ") {
		t.Errorf("the active tab is not marked")
	}
	d.keys("shift+tab", "s")
	if !strings.Contains(d.screen(), "sort: last update") {
		t.Errorf("s did not change the sort to last update")
	}
	items := d.m.queue.Items()
	for i := 1; i < len(items); i++ {
		if items[i].UpdatedAt.After(items[i-1].UpdatedAt) {
			t.Fatalf("sorted by update, %s (%v) comes after %s (%v)", items[i].ID, items[i].UpdatedAt, items[i-1].ID, items[i-1].UpdatedAt)
		}
	}
	d.keys("f", "down", "enter")
	api := d.m.query.api
	if api == "" || !strings.Contains(d.screen(), "API: "+shortName(d.m.defByID[api])) {
		t.Fatalf("f did not filter by an API")
	}
	for _, it := range d.m.queue.Items() {
		if it.Definition != api {
			t.Fatalf("filtered by %s, the queue shows %s of %s", api, it.ID, it.Definition)
		}
	}
}

func TestHelpListsTheKeysOfTheScreen(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st}, 200, 50)
	d.keys("enter", "?")
	screen := d.screen()
	for _, group := range d.m.keys.ForReview().FullHelp() {
		for _, b := range group {
			if want := b.Help().Key + " "; !strings.Contains(screen, want) || !strings.Contains(screen, b.Help().Desc) {
				t.Errorf("the help does not list %q %q", b.Help().Key, b.Help().Desc)
			}
		}
	}
	d.keys("?")
	if d.m.overlay != overlayNone {
		t.Errorf("? did not close the help")
	}
}

func TestQuit(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st}, 80, 24)
	d.keys("q")
	if !d.quit {
		t.Errorf("q did not quit")
	}
}

// operations returns the reviewer's operations on request id.
func operations(t *testing.T, f fixture, id instruct.RequestID) []instruct.Operation {
	t.Helper()
	ops, err := f.st.Operations(context.Background(), id)
	if err != nil {
		t.Fatalf("Operations(%s): %v", id, err)
	}
	return ops
}

// queueRow returns the line of the queue's selected row, request id.
func queueRow(screen, id string) string { return lineWith(screen, "▶ "+id) }

// lineWith returns the first line of screen holding s.
func lineWith(screen, s string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

// TestFormKeepsTheRequestInView: while the reviewer writes a refusal, the
// request's legal basis and scopes stay on screen above the form when the
// window has room for both; at 80×24 the form has the area to itself.
func TestFormKeepsTheRequestInView(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		w, h       int
		wantReview bool
	}{{120, 40, true}, {200, 50, true}, {80, 24, false}}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%dx%d", c.w, c.h), func(t *testing.T) {
			d := newDriver(t, Options{Cache: f.st}, c.w, c.h)
			d.selectRequest(f.decidable)
			d.keys("enter", "x")
			d.typeText("Motif")
			screen := d.screen()
			if !strings.Contains(screen, "Refuser · "+f.decidable.String()) {
				t.Fatalf("the refusal form is not open:\n%s", screen)
			}
			for _, pane := range []string{"Cadre juridique", "Données demandées"} {
				if got := strings.Contains(screen, pane); got != c.wantReview {
					t.Errorf("pane %q on screen beside the form = %v, want %v:\n%s", pane, got, c.wantReview, screen)
				}
			}
			x, y, ok := d.m.cursor()
			if !ok || !strings.Contains(strings.Split(screen, "\n")[y], "Motif") || x <= 0 {
				t.Errorf("terminal cursor at (%d,%d) %v, want it on the comment line", x, y, ok)
			}
		})
	}
}

// TestConflictTimesInTheReviewersZone: the conflict view dates what a
// colleague did in the reviewer's zone, with its offset from UTC, and
// names the zone, in French and in English.
func TestConflictTimesInTheReviewersZone(t *testing.T) {
	f := newFixture(t)
	ops := operations(t, f, f.conflicted)
	if len(ops) != 1 || ops[0].Conflict == nil || len(ops[0].Conflict.EventsSince) == 0 {
		t.Fatalf("Operations(%s) = %+v, want one in conflict with what happened since", f.conflicted, ops)
	}
	at := ops[0].Conflict.EventsSince[0].At
	for _, zone := range []string{"Europe/Paris", "America/Cayenne", "UTC"} {
		loc, err := time.LoadLocation(zone)
		if err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"fr", "en"} {
			d := newDriver(t, Options{Cache: f.st, Lang: lang, Location: loc}, 200, 50)
			d.selectRequest(f.conflicted)
			d.keys("enter")
			msgs := i18n.For(lang)
			local := at.In(loc)
			for _, want := range []string{msgs.ZoneNote(zone), msgs.DateTime(local) + " " + i18n.UTCOffset(local)} {
				if !strings.Contains(d.screen(), want) {
					t.Errorf("%s, %s: the conflict view lacks %q:\n%s", zone, lang, want, d.screen())
				}
			}
		}
	}
}

// TestRejectionSaysWhyInTheReviewersLanguage: a decision the server
// rejected shows why from its error code, in French or in English, never
// the server's own (English) words.
func TestRejectionSaysWhyInTheReviewersLanguage(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	op, err := f.st.Record(ctx, f.decidable, instruct.KindApprove, "")
	if err != nil {
		t.Fatal(err)
	}
	const words = "invalid_transition: the request was revoked on the server"
	if err := f.st.Reject(ctx, op.ID, instruct.CodeInvalidTransition, words); err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"fr", "en"} {
		d := newDriver(t, Options{Cache: f.st, Lang: lang}, 200, 50)
		d.selectRequest(f.decidable)
		d.keys("enter")
		msgs := i18n.For(lang)
		screen := d.screen()
		if !strings.Contains(screen, msgs.RejectedWhy(instruct.CodeInvalidTransition, f.decidable.String())) {
			t.Errorf("%s: the rejected decision does not say why in the reviewer's words:\n%s", lang, screen)
		}
		if strings.Contains(screen, "revoked on the server") {
			t.Errorf("%s: the screen shows the server's words:\n%s", lang, screen)
		}
	}
}
