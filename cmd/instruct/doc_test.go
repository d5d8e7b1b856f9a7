package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// docServer serves the documents' contract of design/LIFECYCLE.md for
// the tests of instruct doc, over real HTTP: two documents, the PDF's
// text, and their bytes.
type docServer struct {
	*httptest.Server
	pdf, png       []byte
	pdfDoc, pngDoc instruct.Document
	text           string
	texts          atomic.Int32
}

func newDocServer(t *testing.T, text string) *docServer {
	t.Helper()
	s := &docServer{text: text, pdf: append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 1, 0xfe, 'x'}, 5000)...),
		png: append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{7}, 3000)...)}
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	s.pdfDoc = instruct.Document{ID: "doc_7f3a", Name: "Délibération\x1b[2J n° 2026-061.pdf", ContentType: instruct.ContentTypePDF,
		Size: int64(len(s.pdf)), SHA256: hexSHA(s.pdf), Pages: 3, Text: instruct.DocumentTextAvailable, CreatedAt: at}
	s.pngDoc = instruct.Document{ID: "doc_9c1e", Name: "plan.png", ContentType: instruct.ContentTypePNG,
		Size: int64(len(s.png)), SHA256: hexSHA(s.png), Text: instruct.DocumentTextNone, CreatedAt: at}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer ins_doc" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/api/v1/documents/doc_7f3a/text":
			s.texts.Add(1)
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, s.text)
		case "/api/v1/documents/doc_7f3a":
			w.Header().Set("Content-Type", instruct.ContentTypePDF)
			w.Write(s.pdf)
		case "/api/v1/documents/doc_9c1e":
			w.Header().Set("Content-Type", instruct.ContentTypePNG)
			w.Write(s.png)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func hexSHA(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// docCache seeds a cache with request D4242, which cites the PDF of srv
// and holds its PNG too.
func docCache(t *testing.T, box *sandbox, srv *docServer) string {
	cache := box.path("cache.db")
	r := hostileRequest(4242)
	r.Documents = []instruct.Document{srv.pngDoc, srv.pdfDoc}
	r.LegalBasis.Document = &srv.pdfDoc.ID
	seedCache(t, cache, r)
	return cache
}

func TestDocListsPrintsAndSavesDocuments(t *testing.T) {
	srv := newDocServer(t, "LE CONSEIL MUNICIPAL,\nVu le code\x1b]52;c;cm0gLXJmIH4K\x07 général des collectivités territoriales,\fDÉLIBÈRE")
	box := newSandbox(t)
	cache := docCache(t, box, srv)
	flags := []string{"--cache", cache, "--server", srv.URL, "--token", "ins_doc"}
	doc := func(args ...string) result { return box.run(append(append([]string{"doc"}, args...), flags...)...) }

	list := doc("D4242")
	for _, want := range []string{"doc_7f3a", "Délibération^[[2J n° 2026-061.pdf (cited)", "application/pdf", "20 KB", "available",
		"doc_9c1e", "plan.png", "image/png", "none"} {
		if !strings.Contains(list.stdout, want) {
			t.Errorf("doc D4242 lacks %q:\n%s", want, list)
		}
	}
	text := doc("D4242", "--text")
	if text.code != 0 || !strings.Contains(text.stdout, "Vu le code^[]52;c;cm0gLXJmIH4K^G général") || !strings.Contains(text.stdout, "(no text: image)") {
		t.Errorf("doc --text = %s", text)
	}
	if r, at := unsafeRune(text.stdout + list.stdout); at >= 0 {
		t.Errorf("doc prints %U raw", r)
	}

	one := box.path("deliberation.pdf")
	if saved := doc("D4242", "doc_7f3a", "--out", one); saved.code != 0 {
		t.Fatalf("doc D4242 doc_7f3a --out = %s", saved)
	}
	checkSaved(t, one, srv.pdf)
	if both := doc("D4242", "--out", one); both.code != 2 || !strings.Contains(both.stderr, "has 2 documents: name one") {
		t.Errorf("doc --out FILE with two documents = %s, want exit 2 saying to name one", both)
	}
	dir := box.path("documents")
	os.Mkdir(dir, 0o700)
	if saved := doc("D4242", "--out", dir); saved.code != 0 {
		t.Fatalf("doc --out DIR = %s", saved)
	}
	checkSaved(t, filepath.Join(dir, "Délibération__2J n° 2026-061.pdf"), srv.pdf)
	checkSaved(t, filepath.Join(dir, "plan.png"), srv.png)

	var listed listedDocuments
	if out := doc("D4242", "--json"); json.Unmarshal([]byte(out.stdout), &listed) != nil || len(listed.Documents) != 2 {
		t.Errorf("doc --json = %s", out)
	}

	// Offline: the text read once comes from the cache; files do not.
	srv.Close()
	again := doc("D4242", "--text")
	if again.code != 0 || !strings.Contains(again.stdout, "DÉLIBÈRE") || srv.texts.Load() != 1 {
		t.Errorf("doc --text offline = %s (server asked %d times), want the cached text", again, srv.texts.Load())
	}
	if off := doc("D4242", "doc_7f3a", "--out", box.path("x.pdf")); off.code != 1 || !strings.Contains(off.stderr, "out of reach") {
		t.Errorf("doc --out offline = %s, want exit 1 saying the server is out of reach", off)
	}
}

// Offline, --text prints what the cache holds and names what it lacks.
func TestDocTextOfflineSaysWhatItLacks(t *testing.T) {
	srv := newDocServer(t, "texte")
	srv.Close()
	box := newSandbox(t)
	cache := docCache(t, box, srv)
	res := box.run("doc", "D4242", "--text", "--cache", cache, "--server", srv.URL, "--token", "ins_doc")
	if res.code != 1 || !strings.Contains(res.stderr, "doc_7f3a") || !strings.Contains(res.stderr, "not in the cache, and the server is out of reach") ||
		!strings.Contains(res.stdout, "== plan.png (doc_9c1e) ==") {
		t.Errorf("doc --text offline, nothing cached = %s", res)
	}
	alone := box.run("doc", "D4242", "--text", "--cache", cache)
	if alone.code != 1 || !strings.Contains(alone.stderr, "no server is configured") {
		t.Errorf("doc --text with a cache and no server = %s", alone)
	}
}

// checkSaved fails unless path holds want, readable by its owner only.
func checkSaved(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	if hexSHA(got) != hexSHA(want) {
		t.Errorf("%s: SHA-256 %s, want %s", path, hexSHA(got), hexSHA(want))
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, want 0600", path, info.Mode().Perm())
	}
}
