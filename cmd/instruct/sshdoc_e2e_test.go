package main

import (
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestSSHServeShowsADocumentsTextAndSaysWhyItDoesNotOpenIt: over a real
// OpenSSH connection, the demo instructor opens a request whose legal
// basis is an attached PDF: the legal pane shows its text, read from the
// review service in-process; o says at once that the file would open on
// the server.
func TestSSHServeShowsADocumentsTextAndSaysWhyItDoesNotOpenIt(t *testing.T) {
	id := demoRequestWithDocument(t)
	srv := startSSHServeProc(t, newSandbox(t))
	key, line := srv.userKey(t, "id_marie")
	srv.bindKey(t, demo.InstructorID, line)
	scr := srv.ssh(t, key, 200, 50, "LANG=en_US.UTF-8")
	scr.waitFor("the queue", func(s string) bool { return strings.Contains(s, selected+"D") })
	scr.keys("/")
	scr.typeText(id)
	scr.waitText(selected + id)
	scr.keys("Enter") // ends the search
	scr.keys("Enter") // opens the request
	scr.keys("2")
	scr.waitFor("the PDF's text in the legal pane", func(s string) bool {
		legal := boxColumns(s, 4)[2]
		return strings.Contains(s, "· cited") && (strings.Contains(legal, squeeze("EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS")) ||
			strings.Contains(legal, squeeze("CONVENTION D'ACCÈS AUX DONNÉES")))
	})
	scr.keys("o")
	scr.waitText("Over SSH the file would open on the server")
	scr.keys("q")
}

// demoRequestWithDocument returns the ID of a demo request waiting for the
// demo instructor whose legal basis is an attached PDF with its text.
func demoRequestWithDocument(t *testing.T) string {
	t.Helper()
	defs, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	var me instruct.User
	for _, u := range demo.Users() {
		if u.ID == demo.InstructorID {
			me = u
		}
	}
	g := demo.New(demoSeed, defs, time.Now())
	for i := range demoCount {
		r := g.History(i).Request
		if r.Status == instruct.StatusSubmitted && me.CanDecide(r.Definition) && len(r.Documents) > 0 &&
			r.Documents[0].Text == instruct.DocumentTextAvailable {
			return r.ID.String()
		}
	}
	t.Fatal("the demo data has no request with a document waiting for the demo instructor")
	return ""
}
