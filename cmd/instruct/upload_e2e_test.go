package main

// The end to end of issue 13: an applicant uploads a PDF through the API
// of the real server, the reviewer reads its text in the TUI in a real
// terminal, and instruct doc --out returns the same bytes.

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/pdfwrite"
)

func TestUploadedPDFIsReadInTheTUIAndSavedWhole(t *testing.T) {
	srv := runDemoServer(t)
	ctx := context.Background()
	applicant := srv.client(t, demo.ApplicantID)
	def, months, yes := "api_particulier", 12, true
	scopes := []string{"cnaf_quotient_familial"}
	r, err := applicant.Create(ctx, instruct.RequestPatch{
		Definition: &def, Title: pointer("Tarification de la cantine (délibération jointe)"),
		Description:  pointer("Tarification sociale de la restauration scolaire."),
		Organization: &instruct.Organization{SIRET: "21690123100011", Name: "Commune de Vénissieux", City: "Vénissieux"},
		LegalBasis:   &instruct.LegalBasis{Nature: "Délibération du conseil municipal du 12 janvier 2026, jointe."},
		Scopes:       &scopes, DataRecipients: pointer("Service éducation"), RetentionMonths: &months,
		TermsAccepted: &yes, DPOInformed: &yes,
	})
	if err != nil {
		t.Fatalf("create a draft as the applicant: %v", err)
	}
	pdf := pdfwrite.Bytes(pdfwrite.Layout([]string{
		"COMMUNE DE VENISSIEUX - Extrait du registre des deliberations du conseil municipal",
		"Seance du 12 janvier 2026. Deliberation n° 2026-061 : tarification de la restauration scolaire.",
		"Le conseil municipal, vu le code general des collectivites territoriales, decide de recourir a l'API Particulier pour obtenir le quotient familial des familles.",
	}))
	// The applicant attaches the town council's deliberation to the
	// draft, cites it as the legal basis and submits.
	doc, err := applicant.UploadDocument(ctx, newKey(t), r.ID, "Délibération 2026-061.pdf", pdf)
	if err != nil {
		t.Fatalf("upload the PDF as the applicant: %v", err)
	}
	if doc.Text != instruct.DocumentTextAvailable || doc.SHA256 != hexSHA(pdf) {
		t.Fatalf("uploaded %+v, want its text available and the SHA-256 of the file", doc)
	}
	current, err := applicant.Request(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	lb := current.LegalBasis
	lb.Document = &doc.ID
	current, err = applicant.Patch(ctx, r.ID, current.Version, instruct.RequestPatch{LegalBasis: &lb})
	if err != nil {
		t.Fatalf("cite the document: %v", err)
	}
	if _, err := applicant.Submit(ctx, r.ID, current.Version); err != nil {
		t.Fatalf("submit: %v", err)
	}

	box := newSandbox(t)
	cache := box.path("marie.db")
	flags := []string{"--server", srv.URL, "--token", srv.token(t, demo.InstructorID), "--cache", cache}
	box.must(append([]string{"sync"}, flags...)...)
	scr := startScreen(t, box, 200, 50, append([]string{"--lang", "en"}, flags...)...)
	scr.waitFor("the queue", func(s string) bool { return strings.Contains(s, selected+"D") })
	scr.keys("/")
	scr.typeText(r.ID.String())
	scr.waitText(selected + r.ID.String())
	scr.keys("Enter") // ends the search
	scr.keys("Enter") // opens the request: its document's text is fetched
	scr.keys("2")
	scr.waitText("Délibération 2026-061.pdf · cited", "PDF · 1 page")
	scr.waitFor("the PDF's text in the legal pane", func(s string) bool {
		return strings.Contains(boxColumns(s, 4)[2], squeeze("decide de recourir a l'API Particulier pour obtenir le quotient familial"))
	})
	scr.keys("q")

	out := box.path("deliberation.pdf")
	saved := box.must(append([]string{"doc", r.ID.String(), doc.ID, "--out", out}, flags...)...)
	got, err := os.ReadFile(out)
	if err != nil || hexSHA(got) != hexSHA(pdf) {
		t.Errorf("doc --out saved %d bytes of SHA-256 %s (%v), want the uploaded file's %s; it said %s", len(got), hexSHA(got), err, hexSHA(pdf), saved)
	}
	text := box.must(append([]string{"doc", r.ID.String(), "--text"}, flags...)...)
	if !strings.Contains(text.stdout, "Deliberation n° 2026-061") {
		t.Errorf("doc --text = %s", text)
	}
}

// newKey returns a fresh Idempotency-Key.
func newKey(t *testing.T) string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", b)
}
