package server

import (
	"crypto/sha256"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// citing returns a patch whose legal basis is r's, naming document id.
func citing(r instruct.Request, id string) instruct.RequestPatch {
	lb := r.LegalBasis
	lb.Document = &id
	return instruct.RequestPatch{LegalBasis: &lb}
}

// read returns request r as c reads it now.
func (c *caller) read(r instruct.Request) instruct.Request {
	c.env.t.Helper()
	return decodeAs[instruct.Request](c.env.t, c.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK)
}

// TestLegalBasisNamesOnlyItsRequestsDocuments: legal_basis.document must
// be the ID of a document the request holds. A new request holds none;
// an edit naming a file name, a document of another request of the same
// applicant or one of another applicant's is refused with 422 invalid
// naming the field, recording nothing, and the other applicant's file
// stays out of reach. Both engines.
func TestLegalBasisNamesOnlyItsRequestsDocuments(t *testing.T) {
	bothEngines(t, func(t *testing.T, e *testEnv) {
		c := newCast(e)
		r := c.applicant.draft("api_particulier", "Cantine")
		mine := c.applicant.attach(r, "deliberation.pdf", textPDF("Délibération n° 2026-061"))
		sibling := c.applicant.draft("api_particulier", "Périscolaire")
		siblings := c.applicant.attach(sibling, "convention.pdf", textPDF("Convention"))
		theirs := c.other.draft("api_particulier", "Cantine de Jean")
		secret := c.other.attach(theirs, "secret.pdf", textPDF("Données de Jean Dupont"))

		p := fullPatch("api_particulier", "Nouvelle")
		p.LegalBasis.Document = &mine.ID
		pr := problem(t, c.applicant.do("POST", "/requests", p), http.StatusUnprocessableEntity, instruct.CodeInvalid)
		if !strings.Contains(pr.Detail, "legal_basis.document") {
			t.Errorf("create naming a document: detail %q, want it to name legal_basis.document", pr.Detail)
		}
		list := decodeAs[api.RequestList](t, c.applicant.do("GET", "/requests", nil), http.StatusOK).Requests
		if len(list) != 2 {
			t.Errorf("after the refused create the applicant has %d requests, want 2", len(list))
		}

		cur := c.applicant.read(r)
		for name, id := range map[string]string{"a file name": "délibération.pdf", "a sibling's document": siblings.ID,
			"another applicant's document": secret.ID, "empty": ""} {
			pr := problem(t, c.applicant.do("PATCH", "/requests/"+r.ID.String(), citing(cur, id), ifMatch(cur.Version)),
				http.StatusUnprocessableEntity, instruct.CodeInvalid)
			if !strings.Contains(pr.Detail, "legal_basis.document") {
				t.Errorf("PATCH naming %s: detail %q, want it to name legal_basis.document", name, pr.Detail)
			}
		}
		if got := c.applicant.read(r); got.Version != cur.Version || got.LegalBasis.Document != nil {
			t.Errorf("after the refused edits: version %d, document %v; want %d, none", got.Version, got.LegalBasis.Document, cur.Version)
		}
		problem(t, c.applicant.do("GET", "/documents/"+secret.ID, nil), http.StatusNotFound, instruct.CodeNotFound)

		cited := decodeAs[instruct.Request](t, c.applicant.do("PATCH", "/requests/"+r.ID.String(), citing(cur, mine.ID), ifMatch(cur.Version)), http.StatusOK)
		if cited.LegalBasis.Document == nil || *cited.LegalBasis.Document != mine.ID {
			t.Errorf("PATCH naming its own document: legal basis %+v, want it to name %s", cited.LegalBasis, mine.ID)
		}
		none := cited.LegalBasis
		none.Document = nil
		decodeAs[instruct.Request](t, c.applicant.do("PATCH", "/requests/"+r.ID.String(), instruct.RequestPatch{LegalBasis: &none}, ifMatch(cited.Version)), http.StatusOK)
	})
}

// TestHabilitationKeepsItsDocument: a document the legal basis of a
// habilitation names cannot be deleted, even while its request is
// reopened: 422 invalid naming the habilitation, and its bytes and text
// stay readable by the applicant and the reviewers. Another document, not
// approved, is deleted as before, and a refused reopening restores a
// legal basis whose document the request still holds. Both engines.
func TestHabilitationKeepsItsDocument(t *testing.T) {
	bothEngines(t, func(t *testing.T, e *testEnv) {
		c := newCast(e)
		r := c.applicant.draft("api_particulier", "Cantine")
		data := textPDF("Délibération n° 2026-061 du conseil municipal")
		doc := c.applicant.attach(r, "deliberation.pdf", data)
		cur := c.applicant.read(r)
		cur = decodeAs[instruct.Request](t, c.applicant.do("PATCH", "/requests/"+r.ID.String(), citing(cur, doc.ID), ifMatch(cur.Version)), http.StatusOK)
		cur = decodeAs[instruct.Request](t, c.applicant.do("POST", "/requests/"+r.ID.String()+"/submit", nil, ifMatch(cur.Version)), http.StatusOK)
		approved := decodeAs[api.DecisionResult](t, c.instructor.decide(r.ID.String(), cur.Version, instruct.KindApprove, "Conforme."), http.StatusCreated)
		hab := approved.Event.HabilitationID
		reopened := decodeAs[instruct.Request](t, c.applicant.do("POST", "/requests/"+r.ID.String()+"/reopen", nil, ifMatch(approved.Request.Version)), http.StatusOK)

		path := "/requests/" + r.ID.String() + "/documents/" + doc.ID
		pr := problem(t, c.applicant.do("DELETE", path, nil, key(newKey())), http.StatusUnprocessableEntity, instruct.CodeInvalid)
		if !strings.Contains(pr.Detail, hab.String()) {
			t.Errorf("delete of the approved document: detail %q, want it to name %s", pr.Detail, hab)
		}
		after := c.applicant.read(r)
		if after.Version != reopened.Version || !slices.ContainsFunc(after.Documents, func(d instruct.Document) bool { return d.ID == doc.ID }) {
			t.Errorf("after the refused delete: version %d, documents %+v; want %d with %s", after.Version, after.Documents, reopened.Version, doc.ID)
		}
		for _, who := range []*caller{c.applicant, c.instructor, c.reporter} {
			got := who.do("GET", "/documents/"+doc.ID, nil)
			if got.status != http.StatusOK || sha256.Sum256(got.body) != sha256.Sum256(data) {
				t.Errorf("%s: GET the approved document = %d, %d bytes; want the bytes uploaded", who.user.Name, got.status, len(got.body))
			}
			if text := who.do("GET", "/documents/"+doc.ID+"/text", nil); text.status != http.StatusOK || !strings.Contains(string(text.body), "2026-061") {
				t.Errorf("%s: GET its text = %d %q", who.user.Name, text.status, text.body)
			}
		}

		fresh := c.applicant.attach(r, "deliberation-2027.pdf", textPDF("Délibération n° 2027-004"))
		cur = c.applicant.read(r)
		cur = decodeAs[instruct.Request](t, c.applicant.do("PATCH", "/requests/"+r.ID.String(), citing(cur, fresh.ID), ifMatch(cur.Version)), http.StatusOK)
		decodeAs[instruct.Request](t, c.applicant.do("DELETE", "/requests/"+r.ID.String()+"/documents/"+fresh.ID, nil, key(newKey())), http.StatusOK)

		cur = c.applicant.read(r)
		cur = decodeAs[instruct.Request](t, c.applicant.do("POST", "/requests/"+r.ID.String()+"/submit", nil, ifMatch(cur.Version)), http.StatusOK)
		refused := decodeAs[api.DecisionResult](t, c.instructor.decide(r.ID.String(), cur.Version, instruct.KindRefuse, "La délibération citée ne couvre pas la demande."), http.StatusCreated).Request
		if lb := refused.LegalBasis.Document; lb == nil || *lb != doc.ID || !slices.ContainsFunc(refused.Documents, func(d instruct.Document) bool { return d.ID == doc.ID }) {
			t.Errorf("refused reopening: legal basis document %v, documents %+v; want %s, held", lb, refused.Documents, doc.ID)
		}
	})
}
