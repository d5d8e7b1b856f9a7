package replica

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// hostile is an applicant who writes to the API by hand, with a real
// token, to hurt the reviewers of an API.
type hostile struct {
	tb    testing.TB
	base  string
	token string
}

// send makes one call with a hand-written body and returns the status
// and, for an error, the problem answered.
func (h hostile) send(method, path string, body []byte, header http.Header) (int, api.Problem, []byte) {
	h.tb.Helper()
	req, err := http.NewRequest(method, h.base+api.BasePath+path, bytes.NewReader(body))
	if err != nil {
		h.tb.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		h.tb.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	if err != nil {
		h.tb.Fatalf("read the answer of %s %s: %v", method, path, err)
	}
	var p api.Problem
	if res.StatusCode >= 400 {
		if err := json.Unmarshal(answer, &p); err != nil {
			h.tb.Fatalf("%s %s answered %d with %.200q, not a problem", method, path, res.StatusCode, answer)
		}
	}
	return res.StatusCode, p, answer
}

// escapeHeavy is a JSON string of n '<' written raw: n bytes in the
// body, 6n bytes once the server encodes it (\u003c).
func escapeHeavy(n int) string { return `"` + strings.Repeat("<", n) + `"` }

// biggestBody is a draft of definition def whose description fills the
// largest body the server reads with '<'.
func biggestBody(def string) []byte {
	head := `{"definition":"` + def + `","title":"Demande","description":`
	return []byte(head + escapeHeavy(api.MaxBodyBytes-len(head)-16) + `}`)
}

// TestHostileApplicantCannotBlockSync: an applicant, with a real token,
// sends the largest and most escape-heavy drafts the server reads. On a
// server that stores them, their feed items are larger than the client
// reads, and every reviewer of the API fails to sync, forever. The
// server must refuse them with a clear problem, and the reviewer must
// still sync and decide.
func TestHostileApplicantCannotBlockSync(t *testing.T) {
	w := newWorld(t)
	ids := w.seed(2)
	_, applicantToken := w.user("mallory@example.com")
	_, reviewerToken := w.reviewer("camille.martin@interieur.gouv.fr")
	mallory := hostile{tb: t, base: w.URL(), token: applicantToken}
	reviewer := newReplica(t, w.URL(), reviewerToken, fastClient(), Options{})

	for range 6 {
		status, p, _ := mallory.send(http.MethodPost, "/requests", biggestBody("api_particulier"), nil)
		if status == http.StatusCreated {
			continue
		}
		if status != http.StatusRequestEntityTooLarge || p.Code != instruct.CodeTooLarge || !strings.Contains(p.Detail, "description") {
			t.Fatalf("POST /requests with a description of a million '<' = %d %s %q; want 201, or 413 too_large naming the description", status, p.Code, p.Detail)
		}
	}

	if err := reviewer.engine.Sync(context.Background()); err != nil {
		t.Fatalf("the reviewer's Sync() after the applicant's drafts = %v; want success", err)
	}
	op := reviewer.record(t, ids[0], instruct.KindApprove, "Cadre juridique conforme.")
	if err := reviewer.engine.Sync(context.Background()); err != nil {
		t.Fatalf("the reviewer's Sync() with a decision = %v; want success", err)
	}
	if got := reviewer.op(t, ids[0], op.ID); got.State != instruct.OpAccepted {
		t.Errorf("the reviewer's decision is %s (%s), want accepted", got.State, got.Reason)
	}
}

// heaviestDraft is a complete draft of definition def with every text and
// list as long as the server accepts, every character of its texts one
// JSON writes in 6 bytes (the applicant is the account; scopes come from
// the catalogue).
func heaviestDraft(def string) instruct.RequestPatch {
	lt := func(n int) *string { s := strings.Repeat("<", n); return &s }
	contacts := make([]instruct.Contact, instruct.MaxContacts)
	for i := range contacts {
		contacts[i] = instruct.Contact{Role: *lt(instruct.MaxContactRoleLength), Name: *lt(instruct.MaxNameLength),
			Email: *lt(instruct.MaxEmailLength), Phone: *lt(instruct.MaxPhoneLength), JobTitle: *lt(instruct.MaxNameLength)}
	}
	scopes := make([]string, instruct.MaxScopes) // of the catalogue, as the server demands
	for i := range scopes {
		scopes[i] = "cnaf_quotient_familial"
	}
	yes, months := true, 1200
	return instruct.RequestPatch{Definition: &def, Title: lt(instruct.MaxTitleLength), Description: lt(instruct.MaxLongTextLength),
		Organization: &instruct.Organization{Name: *lt(instruct.MaxNameLength), City: *lt(instruct.MaxCityLength)},
		Contacts:     &contacts, Scopes: &scopes,
		LegalBasis:     &instruct.LegalBasis{Nature: *lt(instruct.MaxLongTextLength), URL: *lt(instruct.MaxURLLength)}, // a document only by the ID of one attached
		DataRecipients: lt(instruct.MaxMediumTextLength), RetentionMonths: &months, RetentionJustification: lt(instruct.MaxMediumTextLength),
		Volumetry: lt(instruct.MaxVolumetryLength), ProductionDate: lt(instruct.MaxProductionDateSize),
		TermsAccepted: &yes, DPOInformed: &yes}
}

// sendJSON makes one call with v as its body.
func (h hostile) sendJSON(method, path string, v any, header http.Header) (int, api.Problem, []byte) {
	h.tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		h.tb.Fatal(err)
	}
	return h.send(method, path, b, header)
}

// worstAllowed makes every draft the server lets mallory make, as heavy
// as allowed, edits one of them as often as allowed, and submits it; it
// returns its ID.
func worstAllowed(t *testing.T, mallory hostile) instruct.RequestID {
	t.Helper()
	var drafts []instruct.Request
	for i := 0; ; i++ {
		if i > instruct.DefaultQuotas().OpenDrafts {
			t.Fatalf("the server took %d drafts of one applicant within the hour, want a quota", i)
		}
		status, p, body := mallory.sendJSON(http.MethodPost, "/requests", heaviestDraft("api_particulier"), nil)
		if status != http.StatusCreated {
			if status != http.StatusTooManyRequests || p.Code != instruct.CodeRateLimited || !strings.Contains(p.Detail, "in the last hour") {
				t.Fatalf("POST /requests number %d = %d %s %q, want 429 rate_limited once the hour's creations are spent", i+1, status, p.Code, p.Detail)
			}
			break
		}
		var r instruct.Request
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatal(err)
		}
		drafts = append(drafts, r)
	}
	r := drafts[0]
	for i := 0; ; i++ {
		if i > instruct.MaxEditsPerRequest {
			t.Fatalf("the server took %d edits of %s, want a bound", i, r.ID)
		}
		text := strings.Repeat("><"[i%2:i%2+1], instruct.MaxLongTextLength) // each edit changes the description
		status, p, body := mallory.sendJSON(http.MethodPatch, "/requests/"+r.ID.String(), instruct.RequestPatch{Description: &text},
			http.Header{api.HeaderIfMatch: {strconv.Quote(strconv.FormatInt(r.Version, 10))}})
		if status != http.StatusOK {
			if status != http.StatusUnprocessableEntity || !strings.Contains(p.Detail, "edited 200 times") {
				t.Fatalf("edit number %d = %d %s %q, want 422 once the request was edited 200 times", i+1, status, p.Code, p.Detail)
			}
			break
		}
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatal(err)
		}
	}
	status, p, _ := mallory.send(http.MethodPost, "/requests/"+r.ID.String()+"/submit", nil,
		http.Header{api.HeaderIfMatch: {strconv.Quote(strconv.FormatInt(r.Version, 10))}})
	if status != http.StatusOK {
		t.Fatalf("submit %s = %d %s %q", r.ID, status, p.Code, p.Detail)
	}
	return r.ID
}

// TestHostileApplicantWithinLimitsCannotBlockSync: an applicant does the
// worst the server allows (the heaviest drafts, as many as allowed, one
// edited as often as allowed); a reviewer still syncs everything and
// decides on that very request.
func TestHostileApplicantWithinLimitsCannotBlockSync(t *testing.T) {
	w := newWorld(t)
	_, applicantToken := w.user("mallory@example.com")
	_, reviewerToken := w.reviewer("camille.martin@interieur.gouv.fr")
	mallory := hostile{tb: t, base: w.URL(), token: applicantToken}
	id := worstAllowed(t, mallory)

	reviewer := newReplica(t, w.URL(), reviewerToken, fastClient(), Options{})
	reviewer.sync(t)
	cached, err := reviewer.cache.Request(context.Background(), id)
	if err != nil || len([]rune(cached.Description)) != instruct.MaxLongTextLength {
		t.Fatalf("cached %s = %d characters of description, %v; want the whole request", id, len([]rune(cached.Description)), err)
	}
	op := reviewer.record(t, id, instruct.KindRefuse, "Demande abusive.")
	reviewer.sync(t)
	if got := reviewer.op(t, id, op.ID); got.State != instruct.OpAccepted {
		t.Errorf("the reviewer's refusal of %s is %s (%s), want accepted", id, got.State, got.Reason)
	}
}

// countingServer is a server that still packs feed pages by count alone,
// as before pages had a byte budget: asked for more than 8 items, its
// page is larger than the client reads.
func countingServer(t *testing.T, w *world) string {
	t.Helper()
	oversized := append([]byte(`{"changes":[],"cursor":"`), bytes.Repeat([]byte("a"), api.MaxFeedPageBytes)...)
	oversized = append(oversized, `","more":true}`...)
	real := w.api.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if limit, _ := strconv.Atoi(r.URL.Query().Get("limit")); strings.HasSuffix(r.URL.Path, "/changes") && limit > 8 {
			rw.Header().Set("Content-Type", "application/json")
			rw.Write(oversized)
			return
		}
		real.ServeHTTP(rw, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// A page larger than the client reads is asked again with fewer items,
// so that the pull moves on instead of failing forever.
func TestPullAsksForSmallerPagesWhenTooLarge(t *testing.T) {
	w := newWorld(t)
	ids := w.seed(20)
	_, token := w.reviewer("camille.martin@interieur.gouv.fr")
	r := newReplica(t, countingServer(t, w), token, fastClient(), Options{PageLimit: 32})

	r.sync(t)

	got := r.cachedIDs(t)
	for _, id := range ids {
		if !got[id] {
			t.Errorf("after Sync, %s is not cached; want every request pulled in smaller pages", id)
		}
	}
}
