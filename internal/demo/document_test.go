package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/pdftext"
)

// TestDocumentsAttached: the requests whose legal basis is a document
// hold it, name it by ID, and the PDF written for it matches its
// metadata and reads back as a French deliberation or agreement.
func TestDocumentsAttached(t *testing.T) {
	g := New(7, nil, time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC))
	var deliberations, agreements int
	for i := range 300 {
		h := g.History(i)
		lb := h.Request.LegalBasis
		if lb.Document == nil {
			if len(h.Request.Documents) != 0 {
				t.Errorf("%s holds documents its legal basis does not name", h.Request.ID)
			}
			continue
		}
		files := g.DocumentFiles(h)
		if len(files) != 1 || files[0].Document.ID != *lb.Document {
			t.Fatalf("%s: legal_basis.document = %s, documents %+v; want it to name the one document", h.Request.ID, *lb.Document, h.Request.Documents)
		}
		for _, hab := range h.Habilitations {
			if d := hab.LegalBasis.Document; d != nil && *d != *lb.Document && !strings.HasPrefix(*d, "F") {
				t.Errorf("%s: habilitation %s names its document %q, not by ID", h.Request.ID, hab.ID, *d)
			}
			if d := hab.LegalBasis.Document; d != nil && !slices.ContainsFunc(h.Request.Documents, func(doc instruct.Document) bool { return doc.ID == *d }) {
				t.Errorf("%s: habilitation %s names document %s, which the request does not hold (the server keeps it)", h.Request.ID, hab.ID, *d)
			}
		}
		f := files[0]
		sum := sha256.Sum256(f.Bytes)
		if hex.EncodeToString(sum[:]) != f.Document.SHA256 || int64(len(f.Bytes)) != f.Document.Size {
			t.Errorf("%s: the PDF written (%d bytes) does not match its metadata %+v", h.Request.ID, len(f.Bytes), f.Document)
		}
		res := pdftext.Extract(f.Bytes, pdftext.DefaultLimits())
		if res.State != instruct.DocumentTextAvailable || res.Pages != f.Document.Pages || res.Text != f.Text {
			t.Errorf("%s: extraction = %s, %d pages; want the text stored, %d pages", h.Request.ID, res.State, res.Pages, f.Document.Pages)
		}
		text := strings.Join(strings.Fields(res.Text), " ")
		if !strings.Contains(text, h.Request.Organization.Name) || !strings.Contains(text, "Article 1") {
			t.Errorf("%s: text %q does not name %s and its articles", h.Request.ID, text, h.Request.Organization.Name)
		}
		if strings.HasPrefix(f.Document.Name, "Délibération") {
			deliberations++
			if !strings.Contains(text, "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS") || !strings.Contains(text, "DÉCIDE") {
				t.Errorf("%s: deliberation %q", h.Request.ID, text)
			}
		} else {
			agreements++
		}
	}
	if deliberations == 0 || agreements == 0 {
		t.Errorf("%d deliberations, %d agreements in 300 requests; want both", deliberations, agreements)
	}
}

// TestDocumentsDeterministic: the same seed writes the same bytes.
func TestDocumentsDeterministic(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	a, b := New(7, nil, now), New(7, nil, now)
	for i := range 100 {
		fa, fb := a.DocumentFiles(a.History(i)), b.DocumentFiles(b.History(i))
		for j := range fa {
			if !bytes.Equal(fa[j].Bytes, fb[j].Bytes) {
				t.Fatalf("history %d: two generators of one seed wrote different PDFs", i)
			}
		}
	}
}
