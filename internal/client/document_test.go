package client

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// These tests run the client against an httptest server that serves the
// documents' contract of design/LIFECYCLE.md: a real HTTP exchange.

func TestDocumentTextReadsThePlainText(t *testing.T) {
	text := "Délibération n° 2026-061\nLe conseil municipal…"
	var got sent
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		got = sent{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization")}
		if r.Header.Get("Accept") == "application/json" {
			t.Errorf("Accept = %q, want text", r.Header.Get("Accept"))
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, text)
	}, Options{})
	res, err := c.DocumentText(context.Background(), "doc_7f3a")
	if err != nil {
		t.Fatalf("DocumentText = %v", err)
	}
	if res.Text != text || res.Cut {
		t.Errorf("DocumentText = %q (cut %v), want %q whole", res.Text, res.Cut, text)
	}
	want := sent{Method: "GET", Path: "/api/v1/documents/doc_7f3a/text", Auth: "Bearer secret-token"}
	if got != want {
		t.Errorf("sent %+v, want %+v", got, want)
	}
}

func TestDocumentTextWithoutTextIsNotFound(t *testing.T) {
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusNotFound, instruct.CodeNotFound, "this document has no text")
	}, Options{})
	_, err := c.DocumentText(context.Background(), "doc_img")
	if instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("DocumentText of an image = %v, want code not_found", err)
	}
}

// An applicant cannot make the client hold more than MaxDocumentText of a
// text: a longer one is cut there, between two characters, and says so.
func TestDocumentTextIsCutAtTheBound(t *testing.T) {
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		chunk := []byte(strings.Repeat("é", 4096)) // 2 bytes each
		for range MaxDocumentText/len(chunk) + 4 {
			if _, err := w.Write(append([]byte("a"), chunk...)); err != nil {
				return
			}
		}
	}, Options{})
	res, err := c.DocumentText(context.Background(), "doc_big")
	if err != nil {
		t.Fatalf("DocumentText = %v", err)
	}
	if !res.Cut || len(res.Text) > MaxDocumentText || len(res.Text) < MaxDocumentText-utf8.UTFMax {
		t.Errorf("DocumentText: %d bytes, cut %v; want cut at %d", len(res.Text), res.Cut, MaxDocumentText)
	}
	if !utf8.ValidString(res.Text) {
		t.Error("the cut text ends inside a character")
	}
}

func TestDocumentFileReturnsTheBytes(t *testing.T) {
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 0xff, 'x'}, 1000)...)
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/documents/doc_7f3a" {
			t.Errorf("path %s", r.URL.Path)
		}
		w.Header().Set("Content-Type", instruct.ContentTypePDF)
		w.Header().Set("Content-Disposition", `attachment; filename="d.pdf"`)
		w.Write(pdf)
	}, Options{})
	got, err := c.DocumentFile(context.Background(), "doc_7f3a")
	if err != nil {
		t.Fatalf("DocumentFile = %v", err)
	}
	if sha(got) != sha(pdf) {
		t.Errorf("DocumentFile returned other bytes (%d, want %d)", len(got), len(pdf))
	}
}

func TestDocumentFileRefusesMoreThanADocumentHolds(t *testing.T) {
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		chunk := make([]byte, 1<<20)
		for range instruct.MaxDocumentBytes>>20 + 2 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}, Options{MaxRetries: -1})
	_, err := c.DocumentFile(context.Background(), "doc_huge")
	if instruct.ErrorCode(err) != instruct.CodeTooLarge {
		t.Errorf("DocumentFile of 22 MiB = %v, want code too_large", err)
	}
}

// An upload is one multipart part, file, with the Idempotency-Key; after a
// 503 it is sent again with the same key, so it lands once.
func TestUploadDocumentSendsOneFilePart(t *testing.T) {
	pdf := []byte("%PDF-1.4 délibération")
	var tries attempts
	keys := map[string]bool{}
	s := &sleeps{}
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		keys[r.Header.Get(api.HeaderIdempotencyKey)] = true
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/requests/D1042/documents" {
			t.Errorf("sent %s %s", r.Method, r.URL.Path)
		}
		f, h, err := r.FormFile("file")
		if err != nil {
			t.Fatalf("no file part: %v", err)
		}
		data, _ := io.ReadAll(f)
		if !bytes.Equal(data, pdf) || h.Filename != "Délibération 2026-061.pdf" {
			t.Errorf("part %q: %q, want the file", h.Filename, data)
		}
		if tries.next() == 1 {
			writeProblem(w, http.StatusServiceUnavailable, instruct.CodeUnavailable, "disk full")
			return
		}
		writeJSON(w, http.StatusCreated, map[string]instruct.Document{"document": {ID: "doc_1", Name: h.Filename,
			ContentType: instruct.ContentTypePDF, Size: int64(len(data)), SHA256: sha(data), Pages: 1,
			Text: instruct.DocumentTextAvailable, CreatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}})
	}, testOptions(s))
	doc, err := c.UploadDocument(context.Background(), "k-upload", 1042, "Délibération 2026-061.pdf", pdf)
	if err != nil {
		t.Fatalf("UploadDocument = %v", err)
	}
	if doc.ID != "doc_1" || doc.SHA256 != sha(pdf) || tries.count() != 2 {
		t.Errorf("UploadDocument = %+v after %d tries, want doc_1 after 2", doc, tries.count())
	}
	if len(keys) != 1 || !keys["k-upload"] {
		t.Errorf("Idempotency-Keys sent: %v, want k-upload each time", keys)
	}
}

func sha(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// A file that is not a PDF, PNG or JPEG is refused by its content: the
// server's 415 reads as unsupported_media_type.
func TestUploadDocumentOfAnotherTypeIsRefused(t *testing.T) {
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusUnsupportedMediaType, instruct.CodeUnsupportedMediaType, "not a PDF, PNG or JPEG")
	}, Options{})
	_, err := c.UploadDocument(context.Background(), "k", 1042, "facture.pdf.exe", []byte("MZ\x90\x00"))
	if instruct.ErrorCode(err) != instruct.CodeUnsupportedMediaType {
		t.Errorf("UploadDocument of an executable = %v, want unsupported_media_type", err)
	}
}
