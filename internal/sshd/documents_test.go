package sshd

import (
	"context"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/pdfwrite"
	"github.com/instruct-dev/instruct/internal/review"
)

// A session reads the text of a document of a request its user may see,
// from the review service; a user of another API gets not_found.
func TestSessionReadsDocumentTextsItsUserMaySee(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	applicant := w.addUser("camille-martin")
	r, err := w.svc.Create(ctx, applicant, fullPatch("api_particulier", "Tarification de la cantine"))
	if err != nil {
		t.Fatal(err)
	}
	pdf := pdfwrite.Bytes(pdfwrite.Layout([]string{"Le conseil municipal decide de recourir au quotient familial."}))
	out, doc, err := w.svc.AttachDocument(ctx, applicant, r.ID, "deliberation.pdf", pdf, review.Precondition{IfMatch: r.Version, IdempotencyKey: "k1"})
	if err != nil {
		t.Fatalf("AttachDocument = %v", err)
	}
	if _, err := w.svc.Submit(ctx, applicant, r.ID, review.Precondition{IfMatch: out.Request.Version}); err != nil {
		t.Fatal(err)
	}
	w.caughtUp()
	reader := w.view(w.addUser("support", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleReporter}))
	text, err := reader.FetchText(ctx, r.ID, doc)
	if err != nil || !strings.Contains(text.Text, "recourir au quotient familial") {
		t.Errorf("FetchText as a reporter on the API = %q, %v; want the PDF's text", text.Text, err)
	}
	other := w.view(w.addUser("entreprise", instruct.Grant{Definition: "api_entreprise", Role: instruct.RoleInstructor}))
	if _, err := other.FetchText(ctx, r.ID, doc); instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("FetchText as an instructor of another API = %v, want not_found", err)
	}
}
