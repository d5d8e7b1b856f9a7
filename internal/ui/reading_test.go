package ui

import (
	"context"
	"reflect"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// events returns the cached history of request id.
func events(t *testing.T, f fixture, id instruct.RequestID) []instruct.Event {
	t.Helper()
	evs, err := f.st.Events(context.Background(), id)
	if err != nil {
		t.Fatalf("Events(%s): %v", id, err)
	}
	return evs
}

// TestReviewHeaderNamesFirstSubmission: a resubmitted request's header
// says its status and the date of its first submission, from its history,
// not only how long ago it was last submitted.
func TestReviewHeaderNamesFirstSubmission(t *testing.T) {
	f := newFixture(t)
	first := firstSubmission(events(t, f, f.resubmitted))
	if first == nil {
		t.Fatalf("%s has no submission in its history", f.resubmitted)
	}
	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 200, 50)
	d.selectRequest(f.resubmitted)
	d.keys("enter")
	header := strings.Split(d.screen(), "\n")[2]
	for _, want := range []string{"Status: submitted", "first submitted " + first.Format("2006-01-02") + ", again "} {
		if !strings.Contains(header, want) {
			t.Errorf("the review header of %s = %q, want %q", f.resubmitted, header, want)
		}
	}
}

// TestClearingSearchKeepsTheRequestFound: Esc on a search leaves the
// request found selected in the whole tab.
func TestClearingSearchKeepsTheRequestFound(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 120, 40)
	d.keys("/")
	d.typeText("cantine")
	d.keys("down")
	found := d.m.queue.SelectedID()
	if found == 0 || d.m.queue.Cursor() == 0 {
		t.Fatalf("the search found too little to move in: %d rows", d.m.queue.Len())
	}
	d.keys("esc")
	if got := d.m.queue.SelectedID(); got != found || d.m.query.text != "" {
		t.Errorf("after clearing the search the selected request is %s (search %q), want %s", got, d.m.query.text, found)
	}
}

// TestEveryFooterWithAWayBackShowsEsc: at 80 columns, every screen that
// Esc leaves says so in its footer.
func TestEveryFooterWithAWayBackShowsEsc(t *testing.T) {
	f := newFixture(t)
	for _, lang := range []string{"en", "fr"} {
		for _, sc := range []struct {
			name  string
			reach func(d *driver)
		}{
			{"review", func(d *driver) { d.selectRequest(f.flagged); d.keys("enter") }},
			{"history", func(d *driver) { d.selectRequest(f.flagged); d.keys("t") }},
			{"form", func(d *driver) { d.selectRequest(f.flagged); d.keys("enter", "x") }},
			{"confirmation", func(d *driver) { d.selectRequest(f.flagged); d.keys("x"); d.typeText("Motif."); d.keys("ctrl+s") }},
			{"search", func(d *driver) { d.keys("/") }},
			{"help", func(d *driver) { d.keys("?") }},
		} {
			d := newDriver(t, Options{Cache: f.st, Lang: lang}, 80, 24)
			sc.reach(d)
			lines := strings.Split(d.screen(), "\n")
			if footer := lines[len(lines)-1]; !strings.Contains(footer, "esc") {
				t.Errorf("%s %s: the footer does not offer esc: %q", lang, sc.name, footer)
			}
			d.keys("esc")
		}
	}
}

// clipboard presses y and returns what the command it returns puts in
// the terminal's clipboard (OSC 52), or "".
func clipboard(t *testing.T, d *driver) string {
	t.Helper()
	next, cmd := d.m.Update(keyPress("y"))
	d.m = next.(Model)
	var found string
	var walk func(c tea.Cmd)
	walk = func(c tea.Cmd) {
		if c == nil {
			return
		}
		switch msg := c().(type) {
		case tea.BatchMsg:
			for _, c := range msg {
				walk(c)
			}
		default:
			if v := reflect.ValueOf(msg); v.IsValid() && v.Type().Name() == "setClipboardMsg" {
				found = v.String()
			}
		}
	}
	walk(cmd)
	return found
}

// TestYCopiesTheIDOrTheCommentInView: y copies the selected request's ID,
// and in the history the comment being read, as the screen shows it.
func TestYCopiesTheIDOrTheCommentInView(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 120, 40)
	d.selectRequest(f.resubmitted)
	if got := clipboard(t, d); got != f.resubmitted.String() {
		t.Errorf("y in the queue copies %q, want the ID %s", got, f.resubmitted)
	}
	if !strings.Contains(d.screen(), f.resubmitted.String()+" copied") {
		t.Errorf("y does not say what it copied:\n%s", d.screen())
	}
	d.keys("t", "g")
	var want instruct.Event
	for _, e := range events(t, f, f.resubmitted) {
		if strings.TrimSpace(e.Comment) != "" {
			want = e
			break
		}
	}
	if got := clipboard(t, d); got != sanitize.Text(want.Comment) || got == "" {
		t.Errorf("y at the top of the history copies %q, want the first comment %q", got, want.Comment)
	}
}

// TestSearchSaysWhichTabsHoldItsMatches: a search with no match in the
// current tab says how many requests match in which other tabs, in the
// reviewer's language, and Enter goes to the first of them, the search
// kept and the match selected.
func TestSearchSaysWhichTabsHoldItsMatches(t *testing.T) {
	f := newFixture(t)
	approved := firstWithStatus(t, f, instruct.StatusValidated)
	wants := map[string]string{
		"en": "No match in this tab · 1 in Approved · enter: go to Approved",
		"fr": "Aucun résultat dans cet onglet · 1 dans « Validées » · entrée : aller à « Validées »",
	}
	for lang, want := range wants {
		d := newDriver(t, Options{Cache: f.st, Lang: lang}, 120, 40)
		d.keys("/")
		d.typeText(approved.String())
		if d.m.queue.Len() != 0 {
			t.Fatalf("%s: searching %s in the first tab found %d requests, want none", lang, approved, d.m.queue.Len())
		}
		if screen := d.screen(); !strings.Contains(screen, want) {
			t.Errorf("%s: the empty search result does not say %q:\n%s", lang, want, screen)
		}
		d.keys("enter")
		if d.m.query.tab != 2 || d.m.queue.SelectedID() != approved || d.m.query.text != approved.String() {
			t.Errorf("%s: after enter the tab is %d with %s selected (search %q), want tab 2 with %s and the search kept",
				lang, d.m.query.tab, d.m.queue.SelectedID(), d.m.query.text, approved)
		}
	}
}
