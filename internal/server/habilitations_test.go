package server

import (
	"bytes"
	"net/http"
	"slices"
	"testing"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// validated has applicant a file a request of def that instructor i
// approves; it returns the request as approved.
func validated(a, i *caller, def, title string) instruct.Request {
	a.env.t.Helper()
	r := a.submitted(def, title)
	return decodeAs[api.DecisionResult](a.env.t, i.decide(r.ID.String(), r.Version, instruct.KindApprove, "Conforme."), http.StatusCreated).Request
}

// revokeHab posts the revocation of habilitation id on version v.
func (c *caller) revokeHab(id string, v int64, comment, k string) response {
	c.env.t.Helper()
	return c.do("POST", "/habilitations/"+id+"/revoke", api.RevokeInput{Comment: comment}, key(k), ifMatch(v))
}

// TestHabilitationLifeOverHTTP walks a habilitation's life through the
// API: issued by an approval, read by its ID and in lists, reopened and
// approved again (the first becomes obsolete), then revoked, once per
// key, with conflicts answered 412.
func TestHabilitationLifeOverHTTP(t *testing.T) {
	e := newEnv(t)
	camille := e.addUser("Camille Martin")
	jeanne := e.addUser("Jeanne Durand", "api_particulier:instructor")
	draft := camille.draft("api_particulier", "Cantine")
	if raw := camille.do("GET", "/requests/"+draft.ID.String(), nil); !bytes.Contains(raw.body, []byte(`"habilitation_ids":[]`)) {
		t.Errorf("a new request's habilitation_ids are not an empty list: %s", raw.body)
	}
	r := validated(camille, jeanne, "api_particulier", "Cantine")
	if !slices.Equal(r.HabilitationIDs, []instruct.HabilitationID{2000}) {
		t.Fatalf("approved request holds %v, want [H2000]", r.HabilitationIDs)
	}
	for _, path := range []string{"/habilitations/H2000", "/habilitations/2000", "/habilitations/h2000"} {
		res := jeanne.do("GET", path, nil)
		h := decodeAs[instruct.Habilitation](t, res, http.StatusOK)
		if h.ID != 2000 || h.RequestID != r.ID || h.Status != instruct.HabilitationActive || res.header.Get("ETag") != `"1"` {
			t.Errorf("GET %s = %s of %s, %s, ETag %s; want H2000 of %s, active, \"1\"", path, h.ID, h.RequestID, h.Status, res.header.Get("ETag"), r.ID)
		}
	}
	if res := jeanne.do("GET", "/habilitations/H2000", nil, header("If-None-Match", `"1"`)); res.status != http.StatusNotModified {
		t.Errorf("GET H2000 If-None-Match its ETag = %d, want 304", res.status)
	}
	problem(t, jeanne.do("GET", "/habilitations/D1000", nil), http.StatusNotFound, instruct.CodeNotFound)

	reopened := decodeAs[instruct.Request](t, camille.do("POST", "/requests/"+r.ID.String()+"/reopen", nil, ifMatch(r.Version)), http.StatusOK)
	if reopened.Status != instruct.StatusDraft || !reopened.Reopening {
		t.Fatalf("reopen = %s, reopening %v; want a draft in reopening", reopened.Status, reopened.Reopening)
	}
	problem(t, camille.do("POST", "/requests/"+r.ID.String()+"/reopen", nil, ifMatch(reopened.Version)), http.StatusUnprocessableEntity, instruct.CodeInvalidTransition)
	patched := decodeAs[instruct.Request](t, camille.do("PATCH", "/requests/"+r.ID.String(), instruct.RequestPatch{Scopes: &[]string{"cnaf_quotient_familial"}}, ifMatch(reopened.Version)), http.StatusOK)
	submitted := decodeAs[instruct.Request](t, camille.do("POST", "/requests/"+r.ID.String()+"/submit", nil, ifMatch(patched.Version)), http.StatusOK)
	again := decodeAs[api.DecisionResult](t, jeanne.decide(r.ID.String(), submitted.Version, instruct.KindApprove, ""), http.StatusCreated)
	if !again.Event.Reopening || again.Event.HabilitationID != 2001 || again.Request.Reopening {
		t.Errorf("approve of the reopening = event reopening %v naming %q, request reopening %v; want a reopening's approve naming H2001, reopening over", again.Event.Reopening, again.Event.HabilitationID, again.Request.Reopening)
	}
	old := decodeAs[instruct.Habilitation](t, jeanne.do("GET", "/habilitations/H2000", nil), http.StatusOK)
	if old.Status != instruct.HabilitationObsolete || old.Version != 2 {
		t.Errorf("H2000 after the reopening's approval = %s v%d, want obsolete v2", old.Status, old.Version)
	}
	list := decodeAs[api.HabilitationList](t, jeanne.do("GET", "/habilitations?status=active", nil), http.StatusOK)
	if len(list.Habilitations) != 1 || list.Habilitations[0].ID != 2001 || list.Next != nil {
		t.Errorf("GET /habilitations?status=active = %+v, want H2001 alone", list)
	}
	page := decodeAs[api.HabilitationList](t, jeanne.do("GET", "/habilitations?limit=1", nil), http.StatusOK)
	if len(page.Habilitations) != 1 || page.Next == nil || *page.Next != "2000" {
		t.Fatalf("GET /habilitations?limit=1 = %+v, want H2000 and a next page", page)
	}
	problem(t, jeanne.do("GET", "/habilitations?status=valid", nil), http.StatusBadRequest, instruct.CodeInvalid)
	feed := decodeAs[api.ChangesPage](t, jeanne.do("GET", "/changes", nil), http.StatusOK)
	if len(feed.Changes) != 2 || len(feed.Changes[1].Habilitations) != 2 {
		t.Errorf("the feed's item of %s carries %+v, want its two habilitations", r.ID, feed.Changes)
	}

	problem(t, jeanne.revokeHab("H2001", 1, " ", newKey()), http.StatusUnprocessableEntity, instruct.CodeCommentRequired)
	problem(t, jeanne.do("POST", "/habilitations/H2001/revoke", api.RevokeInput{Comment: "x"}, ifMatch(1)), http.StatusBadRequest, instruct.CodeInvalid)
	problem(t, jeanne.do("POST", "/habilitations/H2001/revoke", api.RevokeInput{Comment: "x"}, key(newKey())), http.StatusPreconditionRequired, instruct.CodePreconditionRequired)
	problem(t, jeanne.revokeHab("H2000", 1, "Usage non conforme.", newKey()), http.StatusPreconditionFailed, instruct.CodeStaleVersion)
	k := newKey()
	first := jeanne.revokeHab("H2001", 1, "Usage non conforme.", k)
	res := decodeAs[api.HabilitationResult](t, first, http.StatusCreated)
	if res.Habilitation.Status != instruct.HabilitationRevoked || res.Request.Status != instruct.StatusRevoked || res.Event.HabilitationID != 2001 || first.header.Get("ETag") != `"2"` {
		t.Errorf("revoke H2001 = %s, request %s, event naming %q, ETag %s; want revoked, the request revoked (its last one), naming H2001, \"2\"",
			res.Habilitation.Status, res.Request.Status, res.Event.HabilitationID, first.header.Get("ETag"))
	}
	replay := jeanne.revokeHab("H2001", 1, "Usage non conforme.", k)
	if replay.status != http.StatusCreated || replay.header.Get(api.HeaderReplayed) != "true" || !bytes.Equal(replay.body, first.body) {
		t.Errorf("revoke replayed = %d, replayed %q, body %s; want the first answer again", replay.status, replay.header.Get(api.HeaderReplayed), replay.body)
	}
	revokes := 0
	for _, ev := range e.events(r.ID) {
		if ev.Kind == instruct.KindRevoke {
			revokes++
		}
	}
	if revokes != 1 {
		t.Errorf("%d revoke events after a replay, want 1", revokes)
	}
}

// TestRefuseAndCancelReopeningOverHTTP: a refused reopening and a
// cancelled one leave the request validated, its scopes as approved.
func TestRefuseAndCancelReopeningOverHTTP(t *testing.T) {
	e := newEnv(t)
	camille := e.addUser("Camille Martin")
	jeanne := e.addUser("Jeanne Durand", "api_particulier:instructor")
	r := validated(camille, jeanne, "api_particulier", "Cantine")
	path := "/requests/" + r.ID.String()
	reopen := func(v int64) instruct.Request {
		t.Helper()
		o := decodeAs[instruct.Request](t, camille.do("POST", path+"/reopen", nil, ifMatch(v)), http.StatusOK)
		return decodeAs[instruct.Request](t, camille.do("PATCH", path, instruct.RequestPatch{Scopes: &[]string{"cnaf_enfants"}}, ifMatch(o.Version)), http.StatusOK)
	}
	edited := reopen(r.Version)
	sent := decodeAs[instruct.Request](t, camille.do("POST", path+"/submit", nil, ifMatch(edited.Version)), http.StatusOK)
	refused := decodeAs[api.DecisionResult](t, jeanne.decide(r.ID.String(), sent.Version, instruct.KindRefuse, "Non nécessaire."), http.StatusCreated)
	if refused.Request.Status != instruct.StatusValidated || !slices.Equal(refused.Request.Scopes, r.Scopes) || !refused.Event.Reopening {
		t.Errorf("refuse of the reopening = %s with %v, event reopening %v; want validated with %v", refused.Request.Status, refused.Request.Scopes, refused.Event.Reopening, r.Scopes)
	}
	edited = reopen(refused.Request.Version)
	problem(t, jeanne.do("POST", path+"/cancel_reopening", nil, ifMatch(edited.Version)), http.StatusForbidden, instruct.CodeForbidden)
	cancelled := decodeAs[instruct.Request](t, camille.do("POST", path+"/cancel_reopening", nil, ifMatch(edited.Version)), http.StatusOK)
	if cancelled.Status != instruct.StatusValidated || cancelled.Reopening || !slices.Equal(cancelled.Scopes, r.Scopes) {
		t.Errorf("cancel_reopening = %s, reopening %v, %v; want validated with %v", cancelled.Status, cancelled.Reopening, cancelled.Scopes, r.Scopes)
	}
	if last := e.events(r.ID); last[len(last)-1].Kind != instruct.KindCancelReopening {
		t.Errorf("last event = %s, want cancel_reopening", last[len(last)-1].Kind)
	}
}

// TestTransferOverHTTP: a transfer makes another user the applicant, who
// then sees the request and its habilitation while the former one does
// not; an unknown e-mail is invalid.
func TestTransferOverHTTP(t *testing.T) {
	e := newEnv(t)
	camille := e.addUser("Camille Martin")
	yanis := e.addUser("Yanis Robert")
	jeanne := e.addUser("Jeanne Durand", "api_particulier:instructor")
	r := validated(camille, jeanne, "api_particulier", "Cantine")
	path := "/requests/" + r.ID.String() + "/transfer"
	problem(t, jeanne.do("POST", path, api.TransferInput{To: "nobody@example.gouv.fr", Comment: "Départ."}, key(newKey()), ifMatch(r.Version)), http.StatusUnprocessableEntity, instruct.CodeInvalid)
	problem(t, jeanne.do("POST", path, api.TransferInput{To: yanis.user.Email}, key(newKey()), ifMatch(r.Version)), http.StatusUnprocessableEntity, instruct.CodeCommentRequired)
	problem(t, jeanne.do("POST", path, api.TransferInput{To: yanis.user.Email, Comment: "Départ."}, key(newKey()), ifMatch(r.Version-1)), http.StatusPreconditionFailed, instruct.CodeStaleVersion)
	out := decodeAs[api.DecisionResult](t, jeanne.do("POST", path, api.TransferInput{To: "  " + yanis.user.Email, Comment: "Départ de l'agent."}, key(newKey()), ifMatch(r.Version)), http.StatusCreated)
	if out.Request.Applicant.Email != yanis.user.Email || out.Event.Kind != instruct.KindTransfer || out.Event.Diff["applicant"][1] == nil {
		t.Fatalf("transfer = applicant %+v, event %s %v; want %s, a transfer with the applicant's diff", out.Request.Applicant, out.Event.Kind, out.Event.Diff, yanis.user.Email)
	}
	for _, c := range []struct {
		who  *caller
		want int
	}{{camille, http.StatusNotFound}, {yanis, http.StatusOK}} {
		if got := c.who.do("GET", "/requests/"+r.ID.String(), nil).status; got != c.want {
			t.Errorf("%s: GET the request = %d, want %d", c.who.user.Name, got, c.want)
		}
		if got := c.who.do("GET", "/habilitations/H2000", nil).status; got != c.want {
			t.Errorf("%s: GET its habilitation = %d, want %d", c.who.user.Name, got, c.want)
		}
	}
	h := decodeAs[instruct.Habilitation](t, yanis.do("GET", "/habilitations/H2000", nil), http.StatusOK)
	if h.Applicant.Email != yanis.user.Email {
		t.Errorf("the habilitation's applicant = %+v, want %s", h.Applicant, yanis.user.Email)
	}
	decodeAs[instruct.Request](t, yanis.do("POST", "/requests/"+r.ID.String()+"/reopen", nil, ifMatch(out.Request.Version)), http.StatusOK)
}

// TestHabilitationEndpointsPerRole: every new endpoint answers every
// role as API.md says: 404 to whoever may not see the request (other
// applicants, reviewers of another definition), 403 to whoever sees it
// without the right, and gets past the rights checks (here to a 412 on a
// stale version) for whoever holds them.
func TestHabilitationEndpointsPerRole(t *testing.T) {
	e := newEnv(t)
	owner := e.addUser("Camille Martin")
	approver := e.addUser("Jeanne Durand", "api_particulier:instructor")
	r := validated(owner, approver, "api_particulier", "Cantine")
	id := r.ID.String()
	type want struct{ read, revoke, transfer, reopen int }
	const ok, hidden, forbidden, stale = http.StatusOK, http.StatusNotFound, http.StatusForbidden, http.StatusPreconditionFailed
	cases := []struct {
		name   string
		caller *caller
		want   want
	}{
		{"applicant owner", owner, want{ok, forbidden, forbidden, stale}},
		{"other applicant", e.addUser("Jean Dupont"), want{hidden, hidden, hidden, hidden}},
		{"reporter", e.addUser("Rita Rapport", "api_particulier:reporter"), want{ok, forbidden, forbidden, forbidden}},
		{"instructor", e.addUser("Ines Instruit", "api_particulier:instructor"), want{ok, stale, stale, forbidden}},
		{"manager", e.addUser("Marc Manager", "api_particulier:manager"), want{ok, stale, stale, forbidden}},
		{"admin", e.addUser("Ada Admin", "*:admin"), want{ok, stale, stale, forbidden}},
		{"instructor of another definition", e.addUser("Olga Autre", "api_entreprise:instructor"), want{hidden, hidden, hidden, hidden}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer e.use(t)()
			u := c.caller
			if got := u.do("GET", "/habilitations/H2000", nil).status; got != c.want.read {
				t.Errorf("GET /habilitations/H2000 = %d, want %d", got, c.want.read)
			}
			list := decodeAs[api.HabilitationList](t, u.do("GET", "/habilitations", nil), http.StatusOK)
			if listed := len(list.Habilitations) == 1; listed != (c.want.read == ok) {
				t.Errorf("GET /habilitations lists H2000: %v, want %v", listed, c.want.read == ok)
			}
			if got := u.revokeHab("H2000", 99, "Fin.", newKey()).status; got != c.want.revoke {
				t.Errorf("POST /habilitations/H2000/revoke = %d, want %d", got, c.want.revoke)
			}
			transfer := u.do("POST", "/requests/"+id+"/transfer", api.TransferInput{To: owner.user.Email, Comment: "x"}, key(newKey()), ifMatch(99))
			if transfer.status != c.want.transfer {
				t.Errorf("POST transfer = %d, want %d", transfer.status, c.want.transfer)
			}
			for _, step := range []string{"reopen", "cancel_reopening"} {
				if got := u.do("POST", "/requests/"+id+"/"+step, nil, ifMatch(99)).status; got != c.want.reopen {
					t.Errorf("POST %s = %d, want %d", step, got, c.want.reopen)
				}
			}
		})
	}
	if h := decodeAs[instruct.Habilitation](t, approver.do("GET", "/habilitations/H2000", nil), http.StatusOK); h.Version != 1 || h.Status != instruct.HabilitationActive {
		t.Errorf("after every role tried: H2000 = %s v%d, want untouched", h.Status, h.Version)
	}
	decodeAs[api.HabilitationResult](t, approver.revokeHab("H2000", 1, "Fin.", newKey()), http.StatusCreated)
}

// withPrerequisites serves a catalogue where api_entreprise requires
// france_connect.
func withPrerequisites() envOption {
	return func(e *testEnv) {
		defs := testCatalogue()
		defs[1].Prerequisites = []string{"france_connect"}
		e.cfg.Catalogue = append(defs, instruct.Definition{ID: "france_connect", Name: "FranceConnect",
			Scopes: []instruct.Scope{{ID: "openid", Label: "Identifiant technique"}}})
	}
}

// TestMissingPrerequisiteIsChecked: a request whose definition requires
// another carries missing_prerequisite in every read while its
// organisation holds no active habilitation of it, and loses it once it
// does.
func TestMissingPrerequisiteIsChecked(t *testing.T) {
	e := newEnv(t, withPrerequisites())
	camille := e.addUser("Camille Martin")
	jeanne := e.addUser("Jeanne Durand", "*:instructor")
	r := camille.submitted("api_entreprise", "Marchés publics")
	missing := []instruct.Check{{Code: instruct.CheckMissingPrerequisite, Definition: "france_connect"}}
	reads := func() map[string][]instruct.Check {
		t.Helper()
		out := map[string][]instruct.Check{}
		out["GET"] = decodeAs[instruct.Request](t, jeanne.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK).Checks
		for _, x := range decodeAs[api.RequestList](t, jeanne.do("GET", "/requests", nil), http.StatusOK).Requests {
			if x.ID == r.ID {
				out["list"] = x.Checks
			}
		}
		for _, it := range decodeAs[api.ChangesPage](t, jeanne.do("GET", "/changes", nil), http.StatusOK).Changes {
			if it.Request.ID == r.ID {
				out["feed"] = it.Request.Checks
			}
		}
		return out
	}
	for where, checks := range reads() {
		if !slices.Equal(checks, missing) {
			t.Errorf("%s: checks = %v, want %v", where, checks, missing)
		}
	}
	fc := camille.do("POST", "/requests", func() instruct.RequestPatch {
		p := fullPatch("api_particulier", "Connexion FranceConnect")
		p.Definition, p.Scopes = ptr("france_connect"), &[]string{"openid"}
		return p
	}())
	fcReq := decodeAs[instruct.Request](t, fc, http.StatusCreated)
	sent := decodeAs[instruct.Request](t, camille.do("POST", "/requests/"+fcReq.ID.String()+"/submit", nil, ifMatch(fcReq.Version)), http.StatusOK)
	decodeAs[api.DecisionResult](t, jeanne.decide(sent.ID.String(), sent.Version, instruct.KindApprove, ""), http.StatusCreated)
	for where, checks := range reads() {
		if len(checks) != 0 {
			t.Errorf("%s after the organisation holds france_connect: checks = %v, want none", where, checks)
		}
	}
}
