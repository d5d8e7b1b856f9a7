package sshd

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// matrixUser is a user of the visibility matrix.
type matrixUser struct {
	name string
	user instruct.User
}

// sees reports whether the user may see r, created by createdBy: the
// rule of API.md, stated independently of the code, as in the HTTP API's
// matrix (internal/server/visibility_test.go).
func (m matrixUser) sees(r instruct.Request, createdBy string) bool {
	if len(m.user.Roles) == 0 {
		return m.user.ID == createdBy
	}
	for _, g := range m.user.Roles {
		if g.Definition == "*" || g.Definition == r.Definition {
			return true
		}
	}
	return false
}

func (m matrixUser) decides(r instruct.Request) bool {
	for _, g := range m.user.Roles {
		if (g.Definition == "*" || g.Definition == r.Definition) && g.Role != instruct.RoleReporter {
			return true
		}
	}
	return false
}

// TestViewVisibilityMatrix runs the HTTP API's authorization matrix on
// sessions' views of the one read model: for every role on every
// definition, a view shows a request exactly to those who may see it —
// by ID, in its history, in the queue by any query, in the counts — and
// answers not_found to the others; those who see it but lack the role
// get forbidden for a decision or a note, the others reach the comment
// check. Applicants never get a session (sshd refuses them), and their
// view shows nothing: the read model can't tell whose a request is.
func TestViewVisibilityMatrix(t *testing.T) {
	w := newWorld(t)
	creator := w.addUser("camille-martin")
	users := []matrixUser{{"other applicant", w.addUser("jean-dupont")}}
	for _, role := range []instruct.Role{instruct.RoleReporter, instruct.RoleInstructor, instruct.RoleManager, instruct.RoleAdmin} {
		for _, def := range []string{"api_particulier", "api_entreprise", "*"} {
			name := fmt.Sprintf("%s on %s", role, def)
			id := fmt.Sprintf("%s-%s", role, map[string]string{"*": "all"}[def]+def)
			users = append(users, matrixUser{name, w.addUser(id, instruct.Grant{Definition: def, Role: role})})
		}
	}
	requests := []instruct.Request{
		w.submitted(creator, "api_particulier", "Tarification de la cantine scolaire"),
		w.submitted(creator, "api_entreprise", "Marchés publics de la métropole"),
	}
	w.caughtUp()
	for _, u := range users {
		for _, r := range requests {
			t.Run(u.name+"/"+r.Definition, func(t *testing.T) {
				checkView(t, w.view(u.user), r, u.sees(r, creator.ID), u.decides(r))
			})
		}
	}
	t.Run("creator", func(t *testing.T) {
		for _, r := range requests {
			checkView(t, w.view(creator), r, false, false)
		}
	})
}

// checkView runs every read and write of a view for one request.
func checkView(t *testing.T, v *view, r instruct.Request, sees, decides bool) {
	t.Helper()
	ctx := context.Background()
	wantCode := map[bool]instruct.Code{true: "", false: instruct.CodeNotFound}[sees]
	if _, err := v.Request(ctx, r.ID); instruct.ErrorCode(err) != wantCode {
		t.Errorf("Request(%s) = %v, want code %q", r.ID, err, wantCode)
	}
	if _, err := v.Events(ctx, r.ID); instruct.ErrorCode(err) != wantCode {
		t.Errorf("Events(%s) = %v, want code %q", r.ID, err, wantCode)
	}
	queries := []instruct.QueueQuery{{}, {Text: r.Title}, {Text: r.ID.String()}, {Definition: r.Definition},
		{Statuses: []instruct.Status{instruct.StatusSubmitted}, Limit: 10}}
	for _, q := range queries {
		items, err := v.Queue(ctx, q)
		if got := slices.ContainsFunc(items, func(it instruct.QueueItem) bool { return it.ID == r.ID }); err != nil || got != sees {
			t.Errorf("Queue(%+v) lists %s: %v (%v), want %v", q, r.ID, got, err, sees)
		}
	}
	counts, err := v.Counts(ctx, instruct.QueueQuery{Text: r.ID.String()})
	if want := map[bool]int{true: 1, false: 0}[sees]; err != nil || counts[instruct.StatusSubmitted] != want {
		t.Errorf("Counts(%s) = %v, %v; want %d submitted", r.ID, counts, err, want)
	}
	checkViewWrites(t, v, r, sees, decides)
}

// checkViewWrites tries a refusal and a note without a comment: each gets
// past the rights checks only for those who hold the rights, and changes
// nothing.
func checkViewWrites(t *testing.T, v *view, r instruct.Request, sees, decides bool) {
	t.Helper()
	want := instruct.CodeCommentRequired
	switch {
	case !sees:
		want = instruct.CodeNotFound
	case !decides:
		want = instruct.CodeForbidden
	}
	for _, kind := range []instruct.Kind{instruct.KindRefuse, instruct.KindNote} {
		op, err := v.Record(context.Background(), r.ID, kind, " ")
		if instruct.ErrorCode(err) != want {
			t.Errorf("Record(%s, %s, blank) = %+v, %v; want code %q", r.ID, kind, op, err, want)
		}
	}
}
