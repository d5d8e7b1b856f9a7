package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/ui"
)

// opener writes a program that stands for xdg-open: it notes the path it
// is given in a file, and ends with status.
func opener(t *testing.T, status string) (command, noted string) {
	t.Helper()
	dir := t.TempDir()
	command, noted = filepath.Join(dir, "opener"), filepath.Join(dir, "noted")
	script := "#!/bin/sh\nprintf '%s' \"$1\" > " + noted + "\nexit " + status + "\n"
	if err := os.WriteFile(command, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	return command, noted
}

// The file o opens is the document's, whole, in a file only the reviewer
// can read, named after the type the server found, not the applicant's
// name.
func TestViewerOpensAPrivateCopyOfTheFile(t *testing.T) {
	srv := newDocServer(t, "texte")
	doc := srv.pdfDoc
	doc.Name = "../../.bashrc\x1b[2J.desktop"
	v, remove, err := newViewer(client.New(srv.URL, "ins_doc", client.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	var noted string
	v.command, noted = opener(t, "0")
	if err := v.Open(context.Background(), 4242, doc); err != nil {
		t.Fatalf("Open = %v", err)
	}
	data, err := os.ReadFile(noted)
	if err != nil {
		t.Fatalf("the opener was not run: %v", err)
	}
	path := string(data)
	if !strings.HasPrefix(path, v.dir+string(filepath.Separator)) || filepath.Ext(path) != ".pdf" || strings.Contains(filepath.Base(path), "\x1b") {
		t.Errorf("the opener got %q, want a .pdf file under %s with a safe name", path, v.dir)
	}
	checkSaved(t, path, srv.pdf)
	if info, err := os.Stat(v.dir); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("the documents' directory: %v, %v; want mode 0700", info.Mode().Perm(), err)
	}
	remove()
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the file stays after the screen ends: %v", err)
	}
}

func TestViewerSaysWhenNothingOpensFiles(t *testing.T) {
	srv := newDocServer(t, "texte")
	v, remove, err := newViewer(client.New(srv.URL, "ins_doc", client.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	v.command, _ = opener(t, "3") // xdg-open: no program for this type
	if err := v.Open(context.Background(), 4242, srv.pdfDoc); !errors.Is(err, ui.ErrNoViewer) {
		t.Errorf("Open with xdg-open ending 3 = %v, want ErrNoViewer", err)
	}
	v.command = filepath.Join(t.TempDir(), "xdg-open-missing")
	if err := v.Open(context.Background(), 4242, srv.pdfDoc); !errors.Is(err, ui.ErrNoViewer) {
		t.Errorf("Open without an opener = %v, want ErrNoViewer", err)
	}
}

// A file that is not the one the request lists is never opened.
func TestViewerRefusesAFileOfAnotherSHA256(t *testing.T) {
	srv := newDocServer(t, "texte")
	doc := srv.pdfDoc
	doc.SHA256 = hexSHA([]byte("another file"))
	v, remove, err := newViewer(client.New(srv.URL, "ins_doc", client.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	defer remove()
	var noted string
	v.command, noted = opener(t, "0")
	if err := v.Open(context.Background(), 4242, doc); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("Open of a file whose SHA-256 differs = %v, want it refused", err)
	}
	time.Sleep(10 * time.Millisecond)
	if _, err := os.Stat(noted); !os.IsNotExist(err) {
		t.Error("the opener ran on a file whose SHA-256 differs")
	}
}
