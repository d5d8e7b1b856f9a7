package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"testing"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// matrixUser is a user of the visibility matrix and what they should be
// able to do on a request.
type matrixUser struct {
	name   string
	caller *caller
}

// sees reports whether the user may see r, created by createdBy: the
// rule of API.md, stated independently of the server's code.
func (m matrixUser) sees(r instruct.Request, createdBy string) bool {
	if len(m.caller.user.Roles) == 0 {
		return m.caller.user.ID == createdBy
	}
	for _, g := range m.caller.user.Roles {
		if g.Definition == "*" || g.Definition == r.Definition {
			return true
		}
	}
	return false
}

func (m matrixUser) decides(r instruct.Request) bool {
	for _, g := range m.caller.user.Roles {
		if (g.Definition == "*" || g.Definition == r.Definition) && g.Role != instruct.RoleReporter {
			return true
		}
	}
	return false
}

// TestVisibilityMatrix: for every role on every definition, and for
// applicants, every endpoint shows a request exactly to those who may
// see it; the others get 404 (never 403); those who see it but lack the
// role get 403.
func TestVisibilityMatrix(t *testing.T) {
	e := newEnv(t)
	creator := e.addUser("Camille Martin")
	users := []matrixUser{{"creator", creator}, {"other applicant", e.addUser("Jean Dupont")}}
	for _, role := range []instruct.Role{instruct.RoleReporter, instruct.RoleInstructor, instruct.RoleManager, instruct.RoleAdmin} {
		for _, def := range []string{"api_particulier", "api_entreprise", "*"} {
			name := fmt.Sprintf("%s on %s", role, def)
			users = append(users, matrixUser{name, e.addUser(name, def+":"+string(role))})
		}
	}
	requests := []instruct.Request{
		creator.submitted("api_particulier", "Tarification de la cantine scolaire"),
		creator.submitted("api_entreprise", "Marchés publics de la métropole"),
	}
	streams := openMatrixStreams(t, e, users)
	changes := announceChanges(t, e, requests)
	for _, u := range users {
		for i, r := range requests {
			t.Run(u.name+"/"+r.Definition, func(t *testing.T) {
				defer e.use(t)()
				checkVisibility(t, u, r, u.sees(r, creator.user.ID), u.decides(r))
				checkStream(t, streams[u.name], changes[i], u.sees(r, creator.user.ID))
			})
		}
	}
}

// checkVisibility runs every endpoint for u on r.
func checkVisibility(t *testing.T, u matrixUser, r instruct.Request, sees, decides bool) {
	c := u.caller
	wantGet := map[bool]int{true: http.StatusOK, false: http.StatusNotFound}[sees]
	for _, path := range []string{"/requests/" + r.ID.String(), "/requests/" + r.ID.String() + "/events"} {
		if got := c.do("GET", path, nil).status; got != wantGet {
			t.Errorf("GET %s = %d, want %d", path, got, wantGet)
		}
	}
	queries := []string{"", "q=" + url.QueryEscape(r.Title), "q=" + r.ID.String(), "definition=" + r.Definition}
	for _, q := range queries {
		list := decodeAs[api.RequestList](t, c.do("GET", "/requests?"+q, nil), http.StatusOK)
		if got := slices.ContainsFunc(list.Requests, func(x instruct.Request) bool { return x.ID == r.ID }); got != sees {
			t.Errorf("GET /requests?%s lists %s: %v, want %v", q, r.ID, got, sees)
		}
	}
	feed := decodeAs[api.ChangesPage](t, c.do("GET", "/changes?limit=1000", nil), http.StatusOK)
	if got := slices.ContainsFunc(feed.Changes, func(x instruct.FeedItem) bool { return x.Request.ID == r.ID }); got != sees {
		t.Errorf("GET /changes holds %s: %v, want %v", r.ID, got, sees)
	}
	checkWrites(t, u, r, sees, decides)
}

// checkWrites tries a decision on a stale version, a note without a
// comment and an edit on a stale version: each gets past the rights
// checks only for those who hold the rights, and changes nothing.
func checkWrites(t *testing.T, u matrixUser, r instruct.Request, sees, decides bool) {
	c := u.caller
	status := func(allowed int) int {
		switch {
		case !sees:
			return http.StatusNotFound
		case !decides:
			return http.StatusForbidden
		}
		return allowed
	}
	stale := c.do("POST", "/requests/"+r.ID.String()+"/decisions", api.DecisionInput{Kind: instruct.KindApprove}, key(newKey()), ifMatch(99))
	if stale.status != status(http.StatusPreconditionFailed) {
		t.Errorf("decision = %d, want %d", stale.status, status(http.StatusPreconditionFailed))
	}
	note := c.do("POST", "/requests/"+r.ID.String()+"/notes", api.NoteInput{Kind: instruct.KindNote}, key(newKey()))
	if note.status != status(http.StatusUnprocessableEntity) {
		t.Errorf("note = %d, want %d", note.status, status(http.StatusUnprocessableEntity))
	}
	edit := c.do("PATCH", "/requests/"+r.ID.String(), instruct.RequestPatch{Title: ptr("Autre")}, ifMatch(99))
	wantEdit := map[bool]int{true: http.StatusForbidden, false: http.StatusNotFound}[sees]
	if u.name == "creator" {
		wantEdit = http.StatusPreconditionFailed
	}
	if edit.status != wantEdit {
		t.Errorf("edit = %d, want %d", edit.status, wantEdit)
	}
}
