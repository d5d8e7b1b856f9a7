package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestGetRequest: a request is served by D-form and number, with its
// ETag; a matching If-None-Match gets 304.
func TestGetRequest(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	for _, id := range []string{r.ID.String(), r.ID.String()[1:], "d" + r.ID.String()[1:]} {
		res := c.reporter.do("GET", "/requests/"+id, nil)
		got := decodeAs[instruct.Request](t, res, http.StatusOK)
		if diff := cmp.Diff(r, got); diff != "" {
			t.Errorf("GET /requests/%s (-want +got):\n%s", id, diff)
		}
		if res.header.Get(api.HeaderETag) != etag(r.Version) {
			t.Errorf("GET /requests/%s ETag = %q, want %q", id, res.header.Get(api.HeaderETag), etag(r.Version))
		}
	}
	if res := c.reporter.do("GET", "/requests/"+r.ID.String(), nil, header("If-None-Match", etag(r.Version))); res.status != http.StatusNotModified {
		t.Errorf("If-None-Match current: %d, want 304", res.status)
	}
	for _, id := range []string{"D0", "D-3", "abc", "D1e3", "D1042%0A", "D99999999999999999999", "D%D9%A1"} {
		problem(t, c.admin.do("GET", "/requests/"+id, nil), http.StatusNotFound, instruct.CodeNotFound)
	}
}

// TestListRequests: filters by status, definition and text, and keyset
// pages that together hold every match once.
func TestListRequests(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	var submitted []string
	for i := range 5 {
		submitted = append(submitted, c.applicant.submitted("api_particulier", "Demande "+itoa(int64(i))).ID.String())
	}
	c.applicant.draft("api_particulier", "Brouillon de périscolaire")
	c.applicant.submitted("api_entreprise", "Marchés publics")
	var paged []string
	next := ""
	for range 10 {
		list := decodeAs[api.RequestList](t, c.admin.do("GET", "/requests?status=submitted&definition=api_particulier&limit=2&after="+next, nil), http.StatusOK)
		for _, r := range list.Requests {
			paged = append(paged, r.ID.String())
		}
		if list.Next == nil {
			break
		}
		next = *list.Next
	}
	if diff := cmp.Diff(submitted, paged); diff != "" {
		t.Errorf("paged list (-want +got):\n%s", diff)
	}
	tests := []struct {
		query string
		want  int
	}{
		{"q=p%C3%A9riscolaire", 1},
		{"q=21690123100011", 7},
		{"q=camille.martin%40example.gouv.fr", 7}, // the applicant account's e-mail
		{"status=draft,submitted&definition=api_entreprise", 1},
		{"status=draft&status=submitted", 7},
	}
	for _, tt := range tests {
		list := decodeAs[api.RequestList](t, c.admin.do("GET", "/requests?"+tt.query, nil), http.StatusOK)
		if len(list.Requests) != tt.want || list.Next != nil {
			t.Errorf("GET /requests?%s = %d requests (next %v), want %d", tt.query, len(list.Requests), list.Next, tt.want)
		}
	}
}

// TestMeDefinitionsHealth: who am I, the catalogue with its templates,
// and the health check without a token.
func TestMeDefinitionsHealth(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	me := decodeAs[instruct.User](t, c.instructor.do("GET", "/me", nil), http.StatusOK)
	if diff := cmp.Diff(c.instructor.user, me); diff != "" {
		t.Errorf("GET /me (-want +got):\n%s", diff)
	}
	if body := string(c.applicant.do("GET", "/me", nil).body); !strings.Contains(body, `"roles":[]`) {
		t.Errorf("applicant's /me = %s, want roles []", body)
	}
	defs := decodeAs[api.DefinitionList](t, c.applicant.do("GET", "/definitions", nil), http.StatusOK)
	if diff := cmp.Diff(testCatalogue(), defs.Definitions, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("GET /definitions (-want +got):\n%s", diff)
	}
	health := decodeAs[api.Health](t, (&caller{env: e}).do("GET", "/healthz", nil), http.StatusOK)
	if health.Status != "ok" {
		t.Errorf("GET /healthz = %+v", health)
	}
}

// TestAudit: administrators page through the hash-chained log; each
// entry chains to the one before.
func TestAudit(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	decodeAs[api.DecisionResult](t, c.instructor.decide(r.ID.String(), r.Version, instruct.KindApprove, ""), http.StatusCreated)
	var entries []instruct.AuditEntry
	after := "0"
	for range 10 {
		page := decodeAs[api.AuditPage](t, c.admin.do("GET", "/audit?limit=2&after="+after, nil), http.StatusOK)
		entries = append(entries, page.Entries...)
		if page.Next == nil {
			break
		}
		after = *page.Next
	}
	if len(entries) != 3 {
		t.Fatalf("audit = %d entries, want 3", len(entries))
	}
	for i, en := range entries {
		want, err := instruct.ChainHash(en.PrevHash, en.Event)
		if err != nil || want != en.Hash {
			t.Errorf("entry %d: hash %s, want %s (%v)", en.Seq, en.Hash, want, err)
		}
		if i > 0 && en.PrevHash != entries[i-1].Hash {
			t.Errorf("entry %d does not chain to %d", en.Seq, entries[i-1].Seq)
		}
	}
	problem(t, c.reporter.do("GET", "/audit", nil), http.StatusForbidden, instruct.CodeForbidden)
	problem(t, c.applicant.do("GET", "/audit", nil), http.StatusForbidden, instruct.CodeForbidden)
}

// TestLogs: one JSON line per request with its ID, route, status,
// duration and user ID, and no personal data, token or comment.
func TestLogs(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	decodeAs[api.DecisionResult](t, c.instructor.decide(r.ID.String(), r.Version, instruct.KindRefuse, "Motif confidentiel"), http.StatusCreated)
	logs := e.logs.String()
	for _, want := range []string{`"route":"POST /api/v1/requests/{id}/decisions"`, `"status":201`, `"user_id":"` + c.instructor.user.ID + `"`, `"request_id":"`, `"duration_ms":`} {
		if !strings.Contains(logs, want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
	for _, secret := range []string{c.instructor.token, c.instructor.user.Email, c.instructor.user.Name, "Motif confidentiel", "21690123100011", "Ville de Lyon", "camille.martin"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}
}
