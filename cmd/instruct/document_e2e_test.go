package main

// End-to-end tests of documents on the reviewer's side (issue 13): the
// real binary in a real terminal (tmux) reads a document's text from the
// server over real HTTP, keeps it, finds in it and opens its file.

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// deliberation is the text the document server serves for the PDF.
const deliberation = "REPUBLIQUE FRANCAISE\nExtrait du registre des deliberations du conseil municipal de Lyon\n" +
	"Seance du 12 janvier 2026\n\nLe conseil municipal,\nVu le code general des collectivites territoriales ;\n" +
	"Considerant que la commune fixe le tarif de la cantine selon le quotient familial,\n\fDELIBERE\n" +
	"Article 1er : la commune recourt a l'API Particulier pour obtenir le quotient familial.\n"

// TestTUIReadsFindsAndOpensADocument: the reviewer opens a request whose
// legal basis is a PDF and reads its text in the legal pane, finds a word
// in it, and opens the file with the system's opener (xdg-open, here a
// program that notes the file it gets). Here the server is an httptest
// server of the documents' contract (the cache was filled beforehand):
// its sync endpoints answer 404, which the status bar shows.
func TestTUIReadsFindsAndOpensADocument(t *testing.T) {
	srv := newDocServer(t, deliberation)
	box := newSandbox(t)
	cache := docCache(t, box, srv)
	bin := box.path("bin")
	os.Mkdir(bin, 0o700)
	noted := box.path("opened")
	script := "#!/bin/sh\ncp \"$1\" " + noted + "\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	box = box.with("PATH=" + bin + ":" + os.Getenv("PATH"))
	scr := startScreen(t, box, 200, 50, "--cache", cache, "--server", srv.URL, "--token", "ins_doc", "--lang", "en")
	scr.waitText(selected + "D4242")
	scr.keys("Enter", "2")
	screen := scr.waitText("PDF · 3 pages · 20 KB", "DELIBERE")
	legal := boxColumns(screen, 4)[2]
	if !strings.Contains(legal, squeeze("Considerant que la commune fixe le tarif de la cantine selon le quotient familial")) {
		t.Errorf("the legal pane lacks the document's text:\n%s", screen)
	}
	scr.keys("/")
	scr.typeText("quotient")
	scr.waitText("Find in the document: quotient", "1 of 2")
	scr.keys("Enter", "C-n")
	scr.waitText("/quotient  2 of 2")
	scr.keys("Escape") // apart from o, which would make alt+o
	scr.waitFor("the find closed", func(s string) bool { return !strings.Contains(s, "/quotient") })
	scr.keys("o")
	scr.waitText("is open in your viewer.")
	if !waitUntil(screenTimeout, func() bool { data, err := os.ReadFile(noted); return err == nil && hexSHA(data) == srv.pdfDoc.SHA256 }) {
		t.Errorf("xdg-open did not get the PDF whole")
	}
	scr.keys("q")
}

// TestTUIOverSSHSaysWhyItDoesNotOpenTheFile: run from an SSH session (the
// reviewer logged in to another machine), o says at once why the file
// is not opened, in French.
func TestTUIOverSSHSaysWhyItDoesNotOpenTheFile(t *testing.T) {
	srv := newDocServer(t, deliberation)
	box := newSandbox(t)
	cache := docCache(t, box, srv)
	box = box.with("SSH_CONNECTION=192.0.2.7 50000 192.0.2.1 22")
	scr := startScreen(t, box, 120, 40, "--cache", cache, "--server", srv.URL, "--token", "ins_doc", "--lang", "fr")
	scr.waitText(selected + "D4242")
	scr.keys("Enter", "o")
	scr.waitText("Par SSH, le fichier s’ouvrirait sur le serveur")
	scr.keys("q")
}
