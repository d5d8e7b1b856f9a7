package server

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestApplicantFlow: an applicant creates a draft, edits it, submits it;
// a reviewer asks for changes; the applicant edits and resubmits, and the
// submit event carries what changed since the request for changes.
func TestApplicantFlow(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	res := c.applicant.do("POST", "/requests", fullPatch("api_particulier", "Cantine scolaire"))
	r := decodeAs[instruct.Request](t, res, http.StatusCreated)
	if r.Status != instruct.StatusDraft || r.Version != 1 || res.header.Get("Location") != api.BasePath+"/requests/"+r.ID.String() || res.header.Get(api.HeaderETag) != `"1"` {
		t.Fatalf("create = %s v%d, Location %q, ETag %q", r.Status, r.Version, res.header.Get("Location"), res.header.Get(api.HeaderETag))
	}
	edited := decodeAs[instruct.Request](t, c.applicant.do("PATCH", "/requests/"+r.ID.String(),
		instruct.RequestPatch{Title: ptr("Cantine et périscolaire")}, ifMatch(r.Version)), http.StatusOK)
	if edited.Title != "Cantine et périscolaire" || edited.Version != 2 {
		t.Errorf("edit = %q v%d, want the new title at v2", edited.Title, edited.Version)
	}
	same := c.applicant.do("PATCH", "/requests/"+r.ID.String(), instruct.RequestPatch{Title: ptr("Cantine et périscolaire")}, ifMatch(edited.Version))
	if got := decodeAs[instruct.Request](t, same, http.StatusOK); got.Version != edited.Version {
		t.Errorf("an edit that changes nothing moved the version to %d", got.Version)
	}
	sub := decodeAs[instruct.Request](t, c.applicant.do("POST", "/requests/"+r.ID.String()+"/submit", rawBody("{}"), ifMatch(edited.Version)), http.StatusOK)
	if sub.Status != instruct.StatusSubmitted || sub.SubmittedAt == nil {
		t.Fatalf("submit = %s, submitted_at %v", sub.Status, sub.SubmittedAt)
	}
	problem(t, c.applicant.do("PATCH", "/requests/"+r.ID.String(), instruct.RequestPatch{Title: ptr("Trop tard")}, ifMatch(sub.Version)),
		http.StatusUnprocessableEntity, instruct.CodeInvalidTransition)
	asked := decodeAs[api.DecisionResult](t, c.instructor.decide(r.ID.String(), sub.Version, instruct.KindRequestChanges, "Ajoutez les enfants."), http.StatusCreated)
	scopes := []string{"cnaf_quotient_familial"}
	fixed := decodeAs[instruct.Request](t, c.applicant.do("PATCH", "/requests/"+r.ID.String(),
		instruct.RequestPatch{Scopes: &scopes, Volumetry: ptr("2 000 appels par jour")}, ifMatch(asked.Request.Version)), http.StatusOK)
	fixed = decodeAs[instruct.Request](t, c.applicant.do("PATCH", "/requests/"+r.ID.String(),
		instruct.RequestPatch{Volumetry: ptr("1 000 appels par jour")}, ifMatch(fixed.Version)), http.StatusOK)
	decodeAs[instruct.Request](t, c.applicant.do("POST", "/requests/"+r.ID.String()+"/submit", nil, ifMatch(fixed.Version)), http.StatusOK)
	events := decodeAs[api.EventList](t, c.reporter.do("GET", "/requests/"+r.ID.String()+"/events", nil), http.StatusOK).Events
	kinds := []instruct.Kind{}
	for _, ev := range events {
		kinds = append(kinds, ev.Kind)
	}
	wantKinds := []instruct.Kind{"create", "update", "submit", "request_changes", "update", "update", "submit"}
	if diff := cmp.Diff(wantKinds, kinds); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if events[2].Diff != nil {
		t.Errorf("first submission diff = %v, want none", events[2].Diff)
	}
	got, _ := json.Marshal(events[len(events)-1].Diff)
	if want := `{"scopes":[["cnaf_quotient_familial","cnaf_enfants"],["cnaf_quotient_familial"]]}`; string(got) != want {
		t.Errorf("resubmission diff = %s, want %s (the volumetry went back to its value)", got, want)
	}
}

// TestApplicantSeesNoInternalNotes: an applicant reads messages but not
// internal notes, in the history, the feed and a stale answer.
func TestApplicantSeesNoInternalNotes(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	asked := decodeAs[api.DecisionResult](t, c.instructor.decide(r.ID.String(), r.Version, instruct.KindRequestChanges, "Précisez le cadre juridique."), http.StatusCreated)
	cursor := decodeAs[api.ChangesPage](t, c.applicant.do("GET", "/changes", nil), http.StatusOK).Cursor
	for _, n := range []api.NoteInput{{Kind: instruct.KindNote, Comment: "Le maire est un ami"}, {Kind: instruct.KindMessage, Comment: "Nous attendons votre réponse."}} {
		decodeAs[api.NoteResult](t, c.instructor.do("POST", "/requests/"+r.ID.String()+"/notes", n, key(newKey())), http.StatusCreated)
	}
	decodeAs[api.NoteResult](t, c.instructor.do("POST", "/requests/"+r.ID.String()+"/notes", api.NoteInput{Kind: instruct.KindNote, Comment: "Relancer"}, key(newKey())), http.StatusCreated)
	history := decodeAs[api.EventList](t, c.applicant.do("GET", "/requests/"+r.ID.String()+"/events", nil), http.StatusOK).Events
	if countKind(history, instruct.KindNote) != 0 || countKind(history, instruct.KindMessage) != 1 {
		t.Errorf("applicant's history = %v, want the message and no note", history)
	}
	page := decodeAs[api.ChangesPage](t, c.applicant.do("GET", "/changes?after="+cursor, nil), http.StatusOK)
	if len(page.Changes) != 1 || countKind(page.Changes[0].Events, instruct.KindNote) != 0 || countKind(page.Changes[0].Events, instruct.KindMessage) != 1 {
		t.Errorf("applicant's feed = %+v, want the message only", page.Changes)
	}
	stale := problem(t, c.applicant.do("PATCH", "/requests/"+r.ID.String(), instruct.RequestPatch{Title: ptr("X")}, ifMatch(r.Version)),
		http.StatusPreconditionFailed, instruct.CodeStaleVersion)
	if countKind(stale.EventsSince, instruct.KindNote) != 0 || countKind(stale.EventsSince, instruct.KindRequestChanges) != 1 {
		t.Errorf("events_since for the applicant = %+v, want the request for changes and no note", stale.EventsSince)
	}
	if asked.Request.Version != stale.Current.Version {
		t.Errorf("current = v%d, want v%d", stale.Current.Version, asked.Request.Version)
	}
}

// TestCreateRules: a reviewer creates only on a definition they hold a
// role on; the definition can't change; a bad SIRET is refused.
func TestCreateRules(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	problem(t, c.outsider.do("POST", "/requests", fullPatch("api_particulier", "X")), http.StatusForbidden, instruct.CodeForbidden)
	decodeAs[instruct.Request](t, c.instructor.do("POST", "/requests", fullPatch("api_particulier", "Test interne")), http.StatusCreated)
	bad := fullPatch("api_particulier", "X")
	bad.Organization.SIRET = "21690123100012"
	problem(t, c.applicant.do("POST", "/requests", bad), http.StatusUnprocessableEntity, instruct.CodeInvalid)
	r := c.applicant.draft("api_particulier", "Cantine")
	problem(t, c.applicant.do("PATCH", "/requests/"+r.ID.String(), instruct.RequestPatch{Definition: ptr("api_entreprise")}, ifMatch(r.Version)),
		http.StatusUnprocessableEntity, instruct.CodeInvalid)
	problem(t, c.applicant.do("POST", "/requests", rawBody(`{"definition":"api_particulier","siret":"x"}`)), http.StatusBadRequest, instruct.CodeInvalid)
}
