package server

import (
	"net/http"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// bothEngines runs test on a server over SQLite, then over PostgreSQL,
// each configured by opts.
func bothEngines(t *testing.T, test func(t *testing.T, e *testEnv), opts ...envOption) {
	t.Run("sqlite", func(t *testing.T) { test(t, newEnv(t, opts...)) })
	t.Run("postgres", func(t *testing.T) { test(t, newPostgresEnv(t, postgresDSN(t), opts...)) })
}

// TestScopesMustBeInTheCatalogue: a create or an edit that names a scope
// the definition's catalogue doesn't offer — made up, or another API's —
// is refused with 422, a detail naming the scope (clipped, its control
// characters escaped) and the definition, and nothing is recorded.
func TestScopesMustBeInTheCatalogue(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	hostile := "dgfip_\x1b[2J\x1b]0;pwned\x07\u202e" + strings.Repeat("x", 300)
	for _, scopes := range [][]string{
		{"cnaf_quotient_familial", "dgfip_avis_imposition"},
		{"unites_legales_etablissements_insee"},
		{hostile},
	} {
		p := fullPatch("api_particulier", "Cantine")
		p.Scopes = &scopes
		pr := problem(t, c.applicant.do("POST", "/requests", p), http.StatusUnprocessableEntity, instruct.CodeInvalid)
		checkScopeDetail(t, pr.Detail, scopes[len(scopes)-1])
	}
	r := c.applicant.draft("api_particulier", "Cantine")
	bad := []string{"cnaf_enfants", "pole_emploi_statut"}
	pr := problem(t, c.applicant.do("PATCH", "/requests/"+r.ID.String(), instruct.RequestPatch{Scopes: &bad}, ifMatch(r.Version)),
		http.StatusUnprocessableEntity, instruct.CodeInvalid)
	checkScopeDetail(t, pr.Detail, "pole_emploi_statut")
	if n := len(e.events(r.ID)); n != 1 {
		t.Errorf("the refused edit left %d events, want the create only", n)
	}
	good := []string{"cnaf_enfants"}
	edited := decodeAs[instruct.Request](t, c.applicant.do("PATCH", "/requests/"+r.ID.String(), instruct.RequestPatch{Scopes: &good}, ifMatch(r.Version)), http.StatusOK)
	if len(edited.Scopes) != 1 || edited.Scopes[0] != "cnaf_enfants" {
		t.Errorf("scopes after a valid edit = %v, want [cnaf_enfants]", edited.Scopes)
	}
	list := decodeAs[api.RequestList](t, c.applicant.do("GET", "/requests", nil), http.StatusOK)
	if len(list.Requests) != 1 {
		t.Errorf("the applicant has %d requests, want the one valid draft", len(list.Requests))
	}
}

// checkScopeDetail checks that a refusal's detail names scope, clipped
// and without a raw control character, and the definition.
func checkScopeDetail(t *testing.T, detail, scope string) {
	t.Helper()
	if !strings.Contains(detail, "api_particulier") || !strings.Contains(detail, scope[:min(len(scope), 6)]) {
		t.Errorf("detail %q does not name the scope %.20q and the definition", detail, scope)
	}
	if strings.ContainsAny(detail, "\x1b\x07\u202e") || len(detail) > 200 {
		t.Errorf("detail %q carries raw controls or the whole %d-byte scope", detail, len(scope))
	}
}

// TestReviewerCannotDecideOwnRequest: an instructor who filed a request
// gets 403 with a clear detail for every decision on it (approve, refuse,
// request changes, archive, revoke), and nothing changes; their internal
// notes and messages on it are allowed; another instructor decides it.
func TestReviewerCannotDecideOwnRequest(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	colleague := e.addUser("Paul Instructeur", "api_particulier:instructor")
	own := c.instructor.submitted("api_particulier", "Test interne")
	for _, k := range []instruct.Kind{instruct.KindApprove, instruct.KindRefuse, instruct.KindRequestChanges} {
		pr := problem(t, c.instructor.decide(own.ID.String(), own.Version, k, "Décision sur ma propre demande."), http.StatusForbidden, instruct.CodeForbidden)
		if !strings.Contains(pr.Detail, "you filed "+own.ID.String()) || !strings.Contains(pr.Detail, string(k)) {
			t.Errorf("%s of one's own request: detail %q, want it to say the reviewer filed %s", k, pr.Detail, own.ID)
		}
	}
	draft := c.admin.draft("api_particulier", "Brouillon de l'administratrice")
	problem(t, c.admin.decide(draft.ID.String(), draft.Version, instruct.KindArchive, ""), http.StatusForbidden, instruct.CodeForbidden)
	if got := decodeAs[instruct.Request](t, c.reporter.do("GET", "/requests/"+own.ID.String(), nil), http.StatusOK); got.Version != own.Version || got.Status != instruct.StatusSubmitted {
		t.Fatalf("after the refused decisions, %s is %s v%d, want submitted v%d", own.ID, got.Status, got.Version, own.Version)
	}
	for _, n := range []api.NoteInput{{Kind: instruct.KindNote, Comment: "Demande de test, à traiter par un collègue."}, {Kind: instruct.KindMessage, Comment: "Pour mémoire."}} {
		decodeAs[api.NoteResult](t, c.instructor.do("POST", "/requests/"+own.ID.String()+"/notes", n, key(newKey())), http.StatusCreated)
	}
	approved := decodeAs[api.DecisionResult](t, colleague.decide(own.ID.String(), own.Version, instruct.KindApprove, ""), http.StatusCreated)
	problem(t, c.instructor.decide(own.ID.String(), approved.Request.Version, instruct.KindRevoke, "Je retire ma propre demande."), http.StatusForbidden, instruct.CodeForbidden)
	decodeAs[api.DecisionResult](t, colleague.decide(own.ID.String(), approved.Request.Version, instruct.KindRevoke, "Fin du test."), http.StatusCreated)
}

// TestBlankCommentsRefused: a refusal, a request for changes, a
// revocation or a note whose comment is only Unicode spaces and invisible
// characters is refused with comment_required, and nothing is recorded.
func TestBlankCommentsRefused(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	blanks := []string{"\u3000\u3000", "\u2003 \u00a0\t\n", "\u200b\u200d\ufeff\u2060", "\u2028\u2029\u205f\u202f"}
	for _, b := range blanks {
		for _, k := range []instruct.Kind{instruct.KindRefuse, instruct.KindRequestChanges} {
			problem(t, c.instructor.decide(r.ID.String(), r.Version, k, b), http.StatusUnprocessableEntity, instruct.CodeCommentRequired)
		}
		problem(t, c.instructor.do("POST", "/requests/"+r.ID.String()+"/notes", api.NoteInput{Kind: instruct.KindNote, Comment: b}, key(newKey())),
			http.StatusUnprocessableEntity, instruct.CodeCommentRequired)
	}
	if n := len(e.events(r.ID)); n != 2 {
		t.Errorf("%s has %d events after blank comments, want create and submit only", r.ID, n)
	}
}

// TestApplicantIsTheFilingAccount: the applicant of a request is the
// account that created it, its name and e-mail as the ledger's users
// table holds them, for an applicant and for a reviewer alike; a body
// that names an applicant, at create or edit, is refused with 422 and a
// clear detail, and changes nothing.
func TestApplicantIsTheFilingAccount(t *testing.T) {
	bothEngines(t, func(t *testing.T, e *testEnv) {
		c := newCast(e)
		for _, who := range []*caller{c.applicant, c.instructor} {
			r := who.draft("api_particulier", "Cantine")
			want := instruct.Person{Name: who.user.Name, Email: who.user.Email}
			if r.Applicant != want {
				t.Errorf("%s's request has applicant %+v, want their account %+v", who.user.Name, r.Applicant, want)
			}
			got := decodeAs[instruct.Request](t, c.admin.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK)
			if got.Applicant != want {
				t.Errorf("stored applicant of %s = %+v, want %+v", r.ID, got.Applicant, want)
			}
		}
		spoofed := fullPatch("api_particulier", "Cantine")
		spoofed.Applicant = &instruct.Person{Name: "Préfet de Région", Email: "prefet@interieur.gouv.fr"}
		pr := problem(t, c.applicant.do("POST", "/requests", spoofed), http.StatusUnprocessableEntity, instruct.CodeInvalid)
		if !strings.Contains(pr.Detail, "applicant") || !strings.Contains(pr.Detail, "account") {
			t.Errorf("detail %q does not say the applicant comes from the account", pr.Detail)
		}
		r := c.applicant.draft("api_particulier", "Cantine")
		problem(t, c.applicant.do("PATCH", "/requests/"+r.ID.String(), instruct.RequestPatch{Applicant: spoofed.Applicant}, ifMatch(r.Version)),
			http.StatusUnprocessableEntity, instruct.CodeInvalid)
		problem(t, c.applicant.do("PATCH", "/requests/"+r.ID.String(), rawBody(`{"applicant":{"name":"","email":""}}`), ifMatch(r.Version)),
			http.StatusUnprocessableEntity, instruct.CodeInvalid)
		if got := decodeAs[instruct.Request](t, c.applicant.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK); got.Version != r.Version || got.Applicant.Email != c.applicant.user.Email {
			t.Errorf("after the refused edits %s is v%d by %q, want v%d by %q", r.ID, got.Version, got.Applicant.Email, r.Version, c.applicant.user.Email)
		}
		list := decodeAs[api.RequestList](t, c.admin.do("GET", "/requests?q=prefet", nil), http.StatusOK)
		if len(list.Requests) != 0 {
			t.Errorf("a search for the spoofed e-mail finds %d requests, want none", len(list.Requests))
		}
	})
}
