package main

// End-to-end tests of what issue 10 asks a reader to see: a reporter's
// read-only screen over OpenSSH, and a resubmission's diff in the history
// of the demo, each in a real terminal (tmux).

import (
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/compare"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/timeline"
)

// TestSSHServeOpenSSHReporterScreenIsReadOnly: a support reporter who
// connects with OpenSSH sees a screen that says it is read-only in its
// header, its footer and its help, and offers no decision key anywhere.
func TestSSHServeOpenSSHReporterScreenIsReadOnly(t *testing.T) {
	requireOpenSSH(t)
	srv := startSSHServeProc(t, newSandbox(t))
	key, line := srv.userKey(t, "id_reporter")
	srv.bindKey(t, demo.ReporterID, line)
	scr := srv.ssh(t, key, 120, 40, "LANG=fr_FR.UTF-8")
	screen := scr.waitText("instruct · Julien Moreau · accès en lecture seule : toutes les API", "[À instruire")
	decisionKeys := []string{"a valider", "x refuser", "c demander", "n note", "R révoquer", "z archiver"}
	checkReadOnly := func(where, screen string) {
		t.Helper()
		footer := lastLine(screen)
		if !strings.Contains(footer, "lecture seule") {
			t.Errorf("%s: the footer does not say the screen is read-only: %q", where, footer)
		}
		for _, k := range decisionKeys {
			if strings.Contains(screen, k) {
				t.Errorf("%s: the screen offers the decision key %q:\n%s", where, k, screen)
			}
		}
	}
	checkReadOnly("queue", screen)
	scr.keys("Enter")
	checkReadOnly("review", scr.waitFor("the review", func(s string) bool { return strings.Contains(s, "Cadre juridique") }))
	scr.keys("?")
	help := scr.waitText("Accès en lecture seule aux demandes", "pas décider")
	checkReadOnly("help", help)
	scr.keys("q", "q") // the first closes the help

	srv.waitLog(t, "ssh logout", map[string]string{"user": demo.ReporterID, "reason": "quit"})
}

// lastLine returns the last line of screen that is not blank.
func lastLine(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n "), "\n")
	return lines[len(lines)-1]
}

// TestDemoHistoryShowsTheResubmissionDiff: in "instruct demo", the
// history of a request resubmitted after a request for changes shows what
// the applicant changed, field by field as package compare explains it.
func TestDemoHistoryShowsTheResubmissionDiff(t *testing.T) {
	id, fields := demoResubmission(t)
	msgs := i18n.English()
	box := newSandbox(t)
	scr := startScreen(t, box, 200, 50, "demo", "--lang", "en")
	scr.waitFor("the demo queue", func(s string) bool { return strings.Contains(s, selected+"D") })
	scr.keys("/")
	scr.typeText(id)
	scr.waitText(selected + id)
	scr.keys("Enter", "t")
	screen := scr.waitText("History of "+id, msgs.ChangedSince)
	for _, want := range changeLines(fields, &msgs) {
		if !strings.Contains(screen, want) {
			t.Errorf("the history of %s lacks %q:\n%s", id, want, screen)
		}
	}
	if strings.Contains(screen, "]8;;") {
		t.Errorf("a hyperlink's escape shows as text:\n%s", screen)
	}
}

// demoResubmission finds in the demo data, as "instruct demo" seeds it,
// a request waiting for the demo instructor whose last event is a
// resubmission changing contacts or scopes, and returns its ID and what
// the resubmission changed.
func demoResubmission(t *testing.T) (string, []compare.Field) {
	t.Helper()
	defs, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]instruct.Definition{}
	for _, d := range defs {
		byID[d.ID] = d
	}
	var me instruct.User
	for _, u := range demo.Users() {
		if u.ID == demo.InstructorID {
			me = u
		}
	}
	g := demo.New(demoSeed, defs, time.Now())
	for i := range demoCount {
		h := g.History(i)
		r, events := h.Request, h.Events
		if r.Status != instruct.StatusSubmitted || !me.CanDecide(r.Definition) {
			continue
		}
		changes := timeline.Resubmissions(events, byID[r.Definition])
		last, ok := changes[len(events)-1]
		if ok && hasKind(last, compare.Roles, compare.Set) {
			return r.ID.String(), last
		}
	}
	t.Fatal("the demo data has no resubmission of contacts or scopes waiting for the demo instructor")
	return "", nil
}

func hasKind(fields []compare.Field, kinds ...compare.Kind) bool {
	for _, f := range fields {
		for _, k := range kinds {
			if f.Kind == k {
				return true
			}
		}
	}
	return false
}

// changeLines returns the start of each line the history draws for
// fields, short enough not to be wrapped in any layout.
func changeLines(fields []compare.Field, msgs *i18n.Messages) []string {
	var out []string
	for _, f := range fields {
		label := msgs.Field(f.Name)
		if f.Part != "" {
			label += " › " + msgs.Field(f.Part)
		}
		out = append(out, label+":")
		for _, c := range f.Contacts {
			out = append(out, msgs.ContactRole(c.Role)+": "+firstWords(c.Old))
		}
		for _, it := range f.Added {
			out = append(out, "+ "+it.Label)
		}
		for _, it := range f.Removed {
			out = append(out, "− "+it.Label)
		}
	}
	return out
}

// firstWords returns the first two words of s, or "—" for nothing.
func firstWords(s string) string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return "—"
	}
	return strings.Join(words[:min(2, len(words))], " ")
}
