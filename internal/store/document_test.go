package store

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// deliberation is a PDF attached to a request, as the feed describes it.
func deliberation() instruct.Document {
	return instruct.Document{ID: "doc_7f3a", Name: "Délibération n° 2026-061.pdf", ContentType: instruct.ContentTypePDF,
		Size: 48213, SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", Pages: 3,
		Text: instruct.DocumentTextAvailable, CreatedAt: base}
}

// withDocument returns r with doc attached and cited as its legal basis.
func withDocument(r instruct.Request, doc instruct.Document) instruct.Request {
	r.Documents = []instruct.Document{doc}
	r.LegalBasis.Document = &doc.ID
	return r
}

func TestFeedKeepsDocumentMetadata(t *testing.T) {
	s := openTemp(t)
	r := withDocument(request(1042, "Ville de Lyon", 12), deliberation())
	mustApply(t, s, r)
	got, err := s.Request(context.Background(), 1042)
	if err != nil {
		t.Fatalf("Request(1042) = %v", err)
	}
	if diff := cmp.Diff(r.Documents, got.Documents); diff != "" {
		t.Errorf("documents of D1042 (-fed +cached):\n%s", diff)
	}
	if got.LegalBasis.Document == nil || *got.LegalBasis.Document != "doc_7f3a" {
		t.Errorf("legal_basis.document = %v, want doc_7f3a", got.LegalBasis.Document)
	}
}

// A text fetched once reads from the cache after a restart, with no
// server: the reviewer reads it offline.
func TestDocumentTextReadsOfflineAfterARestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "instruct.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	doc := deliberation()
	mustApply(t, s, withDocument(request(1042, "Ville de Lyon", 12), doc))
	if _, ok, err := s.DocumentText(ctx, 1042, doc); ok || err != nil {
		t.Fatalf("DocumentText before any fetch = %v, %v; want not held", ok, err)
	}
	text := instruct.DocumentContent{Text: "LE CONSEIL MUNICIPAL,\nVu le code général des collectivités territoriales…"}
	if err := s.SaveDocumentText(ctx, 1042, doc, text); err != nil {
		t.Fatalf("SaveDocumentText = %v", err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, ok, err := s.DocumentText(ctx, 1042, doc)
	if !ok || err != nil || got != text {
		t.Errorf("DocumentText after reopening = %+v, %v, %v; want %+v", got, ok, err, text)
	}
	other := doc
	other.SHA256 = "0000"
	if _, ok, _ := s.DocumentText(ctx, 1042, other); ok {
		t.Error("DocumentText of another file under the same ID: held, want not held")
	}
}

// A full pull from the start (a role taken away, an expired cursor) keeps
// no text of a request the reviewer may no longer see.
func TestResetFeedDropsDocumentTexts(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	doc := deliberation()
	mustApply(t, s, withDocument(request(1042, "Ville de Lyon", 12), doc))
	if err := s.SaveDocumentText(ctx, 1042, doc, instruct.DocumentContent{Text: "texte"}); err != nil {
		t.Fatal(err)
	}
	if err := s.ResetFeed(ctx); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.read.QueryRowContext(ctx, "SELECT count(*) FROM document_texts").Scan(&n); err != nil || n != 0 {
		t.Errorf("texts kept after ResetFeed: %d, %v; want none", n, err)
	}
}

func TestDocumentTextOfAnUncachedRequestIsRefused(t *testing.T) {
	s := openTemp(t)
	if err := s.SaveDocumentText(context.Background(), 77, deliberation(), instruct.DocumentContent{Text: "x"}); err == nil {
		t.Error("SaveDocumentText of a request the cache lacks = nil, want an error")
	}
}
