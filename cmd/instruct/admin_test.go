package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// leaEmail is the address of the user the admin tests manage.
const leaEmail = "lea.girard@interieur.gouv.fr"

// addLea adds Léa Girard with roles to the database of srv through the
// binary, and returns n new tokens of hers.
func addLea(t *testing.T, box *sandbox, srv *serverProc, n int, roles ...string) []string {
	t.Helper()
	args := []string{"admin", "user", "add", "--db", srv.db, "--email", leaEmail, "--name", "Léa Girard"}
	for _, r := range roles {
		args = append(args, "--role", r)
	}
	box.must(args...)
	tokens := make([]string, n)
	for i := range tokens {
		tokens[i] = strings.TrimSpace(box.must("admin", "token", "create", "--db", srv.db, "--email", leaEmail).stdout)
	}
	return tokens
}

// meStatus returns the HTTP status the server answers GET /api/v1/me
// with, for that bearer token.
func meStatus(t *testing.T, srv *serverProc, token string) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/api/v1/me", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET /api/v1/me: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// wantStatus fails the test unless GET /me with token answers want.
func wantStatus(t *testing.T, srv *serverProc, what, token string, want int) {
	t.Helper()
	if got := meStatus(t, srv, token); got != want {
		t.Errorf("GET /me with %s = %d, want %d", what, got, want)
	}
}

// wantNoToken fails the test when a command's output shows a token.
func wantNoToken(t *testing.T, res result, tokens ...string) {
	t.Helper()
	for _, tok := range tokens {
		if strings.Contains(res.stdout+res.stderr, tok) {
			t.Errorf("a command printed a token:\n%s", res)
		}
	}
	if tokenLike.MatchString(res.stdout + res.stderr) {
		t.Errorf("a command printed something like a token:\n%s", res)
	}
}

// tokenLike finds what looks like an API token in a command's output.
var tokenLike = regexp.MustCompile(`ins_[A-Za-z0-9_-]{8,}`)

// TestAdminTokenRevokeRefusesTheNextRequest: on the database of a running
// server, "admin token revoke --token" cuts one token off at the next
// request and leaves the user's others working; a token of another user
// or an unknown one is refused with a clear message and kept; without
// --token, every token of the user goes, and the command says how many.
// No output ever shows a token.
func TestAdminTokenRevokeRefusesTheNextRequest(t *testing.T) {
	srv := runDemoServer(t)
	box := newSandbox(t)
	tokens := addLea(t, box, srv, 3, "api_particulier:instructor")
	laptop, desktop, spare := tokens[0], tokens[1], tokens[2]
	for i, tok := range tokens {
		wantStatus(t, srv, fmt.Sprintf("new token %d", i+1), tok, http.StatusOK)
	}

	res := box.runInput(laptop+"\n", "admin", "token", "revoke", "--db", srv.db, "--email", leaEmail, "--token", "-")
	if res.code != 0 || !strings.Contains(res.stdout, "1 token") {
		t.Fatalf("admin token revoke --token - = %s, want exit 0 and 1 token revoked", res)
	}
	wantNoToken(t, res, tokens...)
	wantStatus(t, srv, "the revoked token", laptop, http.StatusUnauthorized)
	wantStatus(t, srv, "Léa's other token", desktop, http.StatusOK)

	instructor := srv.token(t, demo.InstructorID)
	refusals := []struct {
		name, token, want string
	}{
		{"another user's token", instructor, "another user"},
		{"a token already revoked", laptop, "no such token"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			res := box.run("admin", "token", "revoke", "--db", srv.db, "--email", leaEmail, "--token", tc.token)
			if res.code != 1 || !strings.Contains(res.stderr, tc.want) || strings.Count(strings.TrimSpace(res.stderr), "\n") != 0 {
				t.Errorf("admin token revoke with %s = %s, want exit 1 and one line saying %q", tc.name, res, tc.want)
			}
			wantNoToken(t, res, instructor, laptop)
		})
	}
	wantStatus(t, srv, "the other user's token", instructor, http.StatusOK)
	wantStatus(t, srv, "Léa's other token", desktop, http.StatusOK)

	res = box.run("admin", "token", "revoke", "--db", srv.db, "--email", leaEmail)
	if res.code != 0 || !strings.Contains(res.stdout, "2 tokens") {
		t.Errorf("admin token revoke --email = %s, want exit 0 and 2 tokens revoked", res)
	}
	wantNoToken(t, res, tokens...)
	wantStatus(t, srv, "a token revoked with all of the user's", desktop, http.StatusUnauthorized)
	wantStatus(t, srv, "a token revoked with all of the user's", spare, http.StatusUnauthorized)
	wantStatus(t, srv, "the other user's token", instructor, http.StatusOK)
}

// TestAdminUserRolesResyncsAndHidesTheDefinition: after "admin user roles"
// takes api_particulier away from a reviewer, the cursor their cache holds
// answers 410 cursor_expired, their next sync pulls everything again and
// the cache holds no api_particulier request any more, their decision
// waiting in the outbox is refused, and a decision on api_particulier
// through the API is 404.
func TestAdminUserRolesResyncsAndHidesTheDefinition(t *testing.T) {
	srv := runDemoServer(t)
	box := newSandbox(t)
	token := addLea(t, box, srv, 1, "api_particulier:instructor", "api_entreprise:instructor")[0]
	flags := connFlags(srv.URL, token, box.path("cache.db"))
	box.must(append([]string{"sync"}, flags...)...)
	submitted := cachedIDs(t, box, flags, "api_particulier", "submitted")
	if len(submitted) < 2 || len(cachedIDs(t, box, flags, "api_entreprise", "")) == 0 {
		t.Fatalf("the cache after the first sync holds %d submitted api_particulier requests, want 2 at least, and some of api_entreprise", len(submitted))
	}
	lea := srv.clientWith(token)
	cursor := lastCursor(t, lea)
	box.must(append([]string{"decide", submitted[0], "approve"}, flags...)...)

	res := box.must("admin", "user", "roles", "--db", srv.db, "--email", leaEmail, "--role", "api_entreprise:instructor")
	if !strings.Contains(res.stdout, "api_entreprise:instructor") || strings.Contains(res.stdout, "api_particulier") {
		t.Errorf("admin user roles printed %q, want only api_entreprise:instructor", res.stdout)
	}

	ctx := t.Context()
	if _, err := lea.Changes(ctx, cursor, 0); instruct.ErrorCode(err) != instruct.CodeCursorExpired {
		t.Errorf("GET /changes with the cursor from before the role change = %v, want 410 cursor_expired", err)
	}
	id := mustID(t, submitted[1])
	_, err := lea.Decide(ctx, uuid.NewString(), id, requestOf(t, reporterOf(t, srv), id).Version,
		api.DecisionInput{Kind: instruct.KindApprove})
	if instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("POST a decision on %s (api_particulier) after the role was removed = %v, want 404 not_found", submitted[1], err)
	}

	sync := box.must(append([]string{"sync"}, flags...)...)
	if !strings.Contains(sync.stdout, "1 rejected") {
		t.Errorf("sync after the role change printed %q, want the waiting approval rejected", sync.stdout)
	}
	if left := cachedIDs(t, box, flags, "api_particulier", ""); len(left) != 0 {
		t.Errorf("the cache after the resync still holds api_particulier requests %v", left)
	}
	if len(cachedIDs(t, box, flags, "api_entreprise", "")) == 0 {
		t.Errorf("the cache after the resync lost the api_entreprise requests Léa still reviews")
	}
	for _, id := range submitted[:2] {
		if r := requestOf(t, reporterOf(t, srv), mustID(t, id)); r.Status != instruct.StatusSubmitted {
			t.Errorf("%s on the server is %s after Léa lost her role, want still submitted", id, r.Status)
		}
	}
}

// reporterOf is a client that sees every request: the demo reporter's.
func reporterOf(t *testing.T, srv *serverProc) *client.Client {
	t.Helper()
	return srv.client(t, demo.ReporterID)
}

// cachedIDs returns the IDs of the requests of definition def (and
// status, unless "") in the cache that flags name, per "ls --json".
func cachedIDs(t *testing.T, box *sandbox, flags []string, def, status string) []string {
	t.Helper()
	args := append([]string{"ls", "--json", "--definition", def}, flags...)
	if status != "" {
		args = append(args, "--status", status)
	}
	var listed []listedRequest
	if err := json.Unmarshal([]byte(box.must(args...).stdout), &listed); err != nil {
		t.Fatalf("ls --json is not JSON: %v", err)
	}
	ids := make([]string, 0, len(listed))
	for _, r := range listed {
		if r.Definition != def {
			t.Fatalf("ls --definition %s listed %s of %s", def, r.ID, r.Definition)
		}
		ids = append(ids, r.ID.String())
	}
	return ids
}

// lastCursor follows the change feed from the start to its end and
// returns the cursor it ends with.
func lastCursor(t *testing.T, c *client.Client) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cursor := ""
	for {
		page, err := c.Changes(ctx, cursor, 1000)
		if err != nil {
			t.Fatalf("GET /changes?after=%s: %v", cursor, err)
		}
		cursor = page.Cursor
		if !page.More {
			return cursor
		}
	}
}

// TestAdminAccessBadInputChangesNothing: a mistake on the command line of
// "admin token revoke" or "admin user roles" exits 2 (usage) or 1 (no
// such user, token of another user) with one line saying what is wrong,
// and leaves the user's tokens and roles as they were.
func TestAdminAccessBadInputChangesNothing(t *testing.T) {
	srv := runDemoServer(t)
	box := newSandbox(t)
	token := addLea(t, box, srv, 1, "api_particulier:instructor")[0]
	before := rolesOf(t, srv, token)
	db := []string{"--db", srv.db}
	revoke := append([]string{"admin", "token", "revoke"}, db...)
	roles := append([]string{"admin", "user", "roles"}, db...)
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  string
	}{
		{"revoke: no e-mail", "", revoke, 2, "--email is required"},
		{"revoke: unknown e-mail", "", with(revoke, "--email", "personne@nulle.part"), 1, "no such user"},
		{"revoke: Léa's token under another user", "", with(revoke, "--email", demoEmail(t, demo.InstructorID), "--token", token), 1, "another user"},
		{"revoke: not a token", "", with(revoke, "--email", leaEmail, "--token", "motdepasse"), 2, "not an instruct token"},
		{"revoke: empty --token", "", with(revoke, "--email", leaEmail, "--token", ""), 2, "not an instruct token"},
		{"revoke: nothing on stdin", "", with(revoke, "--email", leaEmail, "--token", "-"), 2, "read no token"},
		{"roles: no --role", "", with(roles, "--email", leaEmail), 2, "--none"},
		{"roles: no e-mail", "", with(roles, "--role", "*:reporter"), 2, "--email is required"},
		{"roles: unknown e-mail", "", with(roles, "--email", "personne@nulle.part", "--role", "*:reporter"), 1, "no such user"},
		{"roles: no colon", "", with(roles, "--email", leaEmail, "--role", "api_particulier"), 2, "not DEF:ROLE"},
		{"roles: unknown role", "", with(roles, "--email", leaEmail, "--role", "api_particulier:chef"), 2, "not DEF:ROLE"},
		{"roles: unknown definition", "", with(roles, "--email", leaEmail, "--role", "api_inconnue:instructor"), 2, `unknown definition "api_inconnue"`},
		{"roles: one bad among good", "", with(roles, "--email", leaEmail, "--role", "*:reporter", "--role", ":admin"), 2, "not DEF:ROLE"},
		{"roles: --none with --role", "", with(roles, "--email", leaEmail, "--none", "--role", "*:reporter"), 2, "exclude each other"},
		{"user add: unknown definition", "", with([]string{"admin", "user", "add"}, append(db, "--email", "x@y.fr", "--name", "X", "--role", "api_inconnue:reporter")...), 2, "unknown definition"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res := box.runInput(tc.stdin, tc.args...)
			msg := strings.TrimSpace(res.stderr)
			if res.code != tc.code || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") || res.stdout != "" {
				t.Errorf("instruct %s = %s, want exit %d and one line saying %q", strings.Join(tc.args, " "), res, tc.code, tc.want)
			}
			wantNoToken(t, res, token)
		})
	}
	wantStatus(t, srv, "Léa's token after the refused commands", token, http.StatusOK)
	if after := rolesOf(t, srv, token); !slices.Equal(after, before) {
		t.Errorf("Léa's roles after the refused commands = %v, want %v", after, before)
	}
	if res := box.run(with(revoke, "--email", "x@y.fr")...); res.code != 1 {
		t.Errorf("admin token revoke for the user a refused user add named = %s, want exit 1: no such user", res)
	}
}

// with returns args followed by more, in a new slice.
func with(args []string, more ...string) []string {
	return append(slices.Clone(args), more...)
}

// rolesOf returns the roles GET /me gives for token.
func rolesOf(t *testing.T, srv *serverProc, token string) []instruct.Grant {
	t.Helper()
	me, err := srv.clientWith(token).Me(t.Context())
	if err != nil {
		t.Fatalf("GET /me: %v", err)
	}
	return me.Roles
}

// TestAdminAccessCommandsHaveHelpWithAnExample: "admin token revoke" and
// "admin user roles" have --help with an example, and "instruct admin"
// alone names them.
func TestAdminAccessCommandsHaveHelpWithAnExample(t *testing.T) {
	box := newSandbox(t)
	for _, cmd := range [][]string{{"admin", "token", "revoke"}, {"admin", "user", "roles"}} {
		name := strings.Join(cmd, " ")
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			res := box.run(append(cmd, "--help")...)
			if res.code != 0 || !exampleLine.MatchString(res.stdout+res.stderr) {
				t.Errorf("instruct %s --help = %s, want exit 0 and an example", name, res)
			}
		})
	}
	res := box.run("admin")
	if res.code != 2 || !strings.Contains(res.stderr, "token revoke") || !strings.Contains(res.stderr, "user roles") {
		t.Errorf("instruct admin = %s, want exit 2 and a usage naming token revoke and user roles", res)
	}
}

// TestAdminRevokeAndRolesOnPostgres: with --postgres, on the database of
// a running server, a revoked token is refused at the next request while
// the user's other one works, and new roles show at the next GET /me.
func TestAdminRevokeAndRolesOnPostgres(t *testing.T) {
	dsn := postgresDatabase(t)
	srv := startServer(t, dsn, true)
	box := newSandbox(t)
	pg := []string{"--postgres", dsn, "--email", leaEmail}
	box.must(append([]string{"admin", "user", "add", "--name", "Léa Girard", "--role", "api_particulier:instructor"}, pg...)...)
	kept := strings.TrimSpace(box.must(append([]string{"admin", "token", "create"}, pg...)...).stdout)
	lost := strings.TrimSpace(box.must(append([]string{"admin", "token", "create"}, pg...)...).stdout)

	res := box.runInput(lost+"\n", append([]string{"admin", "token", "revoke", "--token", "-"}, pg...)...)
	if res.code != 0 {
		t.Fatalf("admin token revoke --postgres --token - = %s, want exit 0", res)
	}
	wantNoToken(t, res, kept, lost)
	wantStatus(t, srv, "the revoked token", lost, http.StatusUnauthorized)
	wantStatus(t, srv, "Léa's other token", kept, http.StatusOK)

	box.must(append([]string{"admin", "user", "roles", "--role", "*:reporter"}, pg...)...)
	want := []instruct.Grant{{Definition: instruct.AllDefinitions, Role: instruct.RoleReporter}}
	if got := rolesOf(t, srv, kept); !slices.Equal(got, want) {
		t.Errorf("GET /me roles after admin user roles --postgres = %v, want %v", got, want)
	}
	if res := box.must(append([]string{"admin", "token", "revoke"}, pg...)...); !strings.Contains(res.stdout, "1 token") {
		t.Errorf("admin token revoke --postgres --email printed %q, want 1 token revoked", res.stdout)
	}
	wantStatus(t, srv, "a token revoked with all of the user's", kept, http.StatusUnauthorized)
}
