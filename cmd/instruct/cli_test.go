package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	gossh "golang.org/x/crypto/ssh"
	_ "modernc.org/sqlite"

	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestServeDemoSeedsAndPrintsTokens: "serve --demo" fills an empty
// database with at least 300 requests and prints working tokens for an
// instructor, a reporter and an applicant.
func TestServeDemoSeedsAndPrintsTokens(t *testing.T) {
	srv := runDemoServer(t)
	cases := []struct {
		name, user string
		want       instruct.Role // on api_particulier; "" for an applicant
	}{
		{"instructor", demo.InstructorID, instruct.RoleInstructor},
		{"reporter", demo.ReporterID, instruct.RoleReporter},
		{"applicant", demo.ApplicantID, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			me, err := srv.client(t, c.user).Me(t.Context())
			if err != nil {
				t.Fatalf("GET /me with the printed token of %s: %v", c.user, err)
			}
			if got := me.RoleOn("api_particulier"); got != c.want {
				t.Errorf("GET /me for %s: role on api_particulier %q, want %q (roles %+v)", c.user, got, c.want, me.Roles)
			}
		})
	}
	if n := len(listRequests(t, srv.client(t, demo.ReporterID), "", "")); n < 300 {
		t.Errorf("serve --demo seeded %d requests the reporter sees, want at least 300", n)
	}
}

// TestAdminCreatesUsersTokensAndKeys: "admin user add", "admin token
// create" and "admin ssh-key add" on the database of a running server;
// the printed token works at once, and the file holds only its hash.
func TestAdminCreatesUsersTokensAndKeys(t *testing.T) {
	srv := runDemoServer(t)
	box := newSandbox(t)
	email := "lea.girard@interieur.gouv.fr"
	added := box.must("admin", "user", "add", "--db", srv.db, "--email", email, "--name", "Léa Girard",
		"--role", "api_particulier:instructor", "--role", "*:reporter")
	if !strings.Contains(added.stdout, "created") {
		t.Errorf("admin user add printed %q, want the user created", added.stdout)
	}

	token := strings.TrimSpace(box.must("admin", "token", "create", "--db", srv.db, "--email", email).stdout)
	if token == "" || strings.ContainsAny(token, " \n") {
		t.Fatalf("admin token create printed %q, want one token", token)
	}
	me, err := srv.clientWith(token).Me(t.Context())
	if err != nil {
		t.Fatalf("GET /me with the new token: %v", err)
	}
	if me.Email != email || me.RoleOn("api_particulier") != instruct.RoleInstructor || me.RoleOn("api_entreprise") != instruct.RoleReporter {
		t.Errorf("GET /me = %+v, want %s, instructor on api_particulier and reporter elsewhere", me, email)
	}
	for _, f := range []string{srv.db, srv.db + "-wal"} {
		data, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(token)) {
			t.Errorf("%s holds the token in plain text", filepath.Base(f))
		}
	}

	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key))) + " lea@poste"
	bound := box.must("admin", "ssh-key", "add", "--db", srv.db, "--email", email, "--key", line)
	if fp := gossh.FingerprintSHA256(key); !strings.Contains(bound.stdout, fp) || !strings.Contains(bound.stdout, me.ID) {
		t.Errorf("admin ssh-key add printed %q, want the fingerprint %s and the user %s", bound.stdout, fp, me.ID)
	}

	for _, bad := range [][]string{
		{"admin", "user", "add", "--db", srv.db, "--email", "x@y.fr", "--name", "X", "--role", "api_particulier:chef"},
		{"admin", "token", "create", "--db", srv.db, "--email", "personne@nulle.part"},
		{"admin", "ssh-key", "add", "--db", srv.db, "--email", email, "--key", "ssh-ed25519 pas-une-clé"},
	} {
		if res := box.run(bad...); res.code == 0 || strings.TrimSpace(res.stderr) == "" {
			t.Errorf("instruct %s = %s, want a non-zero exit with a message", strings.Join(bad, " "), res)
		}
	}
}

// TestAuditVerifyFindsTamperingAndDeletion: "audit verify" passes on an
// untouched log, and names the event when one event's body was changed
// or one event deleted in the database file.
func TestAuditVerifyFindsTamperingAndDeletion(t *testing.T) {
	box := newSandbox(t)
	intact := stoppedDemoDB(t)
	if res := box.must("audit", "verify", "--db", intact); !strings.Contains(res.stdout, "intact") {
		t.Errorf("audit verify on an untouched log printed %q, want it intact", res.stdout)
	}

	tampered := stoppedDemoDB(t)
	seq := tamperComment(t, tampered)
	res := box.run("audit", "verify", "--db", tampered)
	if res.code == 0 || !strings.Contains(res.stderr, fmt.Sprintf("event %d", seq)) {
		t.Errorf("audit verify after changing the comment of event %d = %s, want a non-zero exit naming it", seq, res)
	}

	deleted := stoppedDemoDB(t)
	gone := execSQL(t, deleted, "DELETE FROM events WHERE seq = (SELECT seq FROM events ORDER BY seq LIMIT 1 OFFSET 100) RETURNING seq")
	res = box.run("audit", "verify", "--db", deleted)
	if res.code == 0 || !strings.Contains(res.stderr, fmt.Sprintf("event %d", gone)) {
		t.Errorf("audit verify after deleting event %d = %s, want a non-zero exit naming it", gone, res)
	}
}

// stoppedDemoDB returns the database of a demo server that ran and was
// stopped with SIGTERM.
func stoppedDemoDB(t *testing.T) string {
	t.Helper()
	srv := runDemoServer(t)
	if code := srv.stop(t); code != 0 {
		t.Fatalf("serve exited %d after SIGTERM, want 0", code)
	}
	return srv.db
}

// tamperComment changes the comment in the body of one event of the
// ledger at db, as someone editing the file would, and returns its seq.
func tamperComment(t *testing.T, db string) int64 {
	t.Helper()
	conn := openDB(t, db)
	var seq int64
	var body string
	err := conn.QueryRow(`SELECT seq, body FROM events WHERE body LIKE '%"comment":"%' ORDER BY seq LIMIT 1 OFFSET 10`).Scan(&seq, &body)
	if err != nil {
		t.Fatalf("find an event with a comment: %v", err)
	}
	var ev map[string]any
	if err := json.Unmarshal([]byte(body), &ev); err != nil {
		t.Fatalf("event %d body is not JSON: %v", seq, err)
	}
	ev["comment"] = fmt.Sprint(ev["comment"]) + " (phrase ajoutée après coup)"
	changed, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(`UPDATE events SET body = ? WHERE seq = ?`, string(changed), seq); err != nil {
		t.Fatalf("tamper with event %d: %v", seq, err)
	}
	return seq
}

// execSQL runs a statement returning one integer on the SQLite file db.
func execSQL(t *testing.T, db, query string) int64 {
	t.Helper()
	var n int64
	if err := openDB(t, db).QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

// openDB opens the SQLite file at path until the test ends.
func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestLoginStoresAPrivateConfig: "login" checks the token, stores it in a
// 0600 file under the user's config directory, and later commands use it;
// a config file others can read is refused with a message saying how to
// fix it.
func TestLoginStoresAPrivateConfig(t *testing.T) {
	srv := runDemoServer(t)
	box := newSandbox(t)
	config := box.path("config", "instruct", "config.json")

	if res := box.runInput("ins_pas-le-bon-jeton\n", "login", "--server", srv.URL); res.code == 0 {
		t.Errorf("login with a bad token = %s, want a non-zero exit", res)
	}
	if _, err := os.Stat(config); !os.IsNotExist(err) {
		t.Errorf("login with a bad token left a config file (%v)", err)
	}

	login := box.runInput(srv.token(t, demo.InstructorID)+"\n", "login", "--server", srv.URL)
	if login.code != 0 {
		t.Fatalf("login = %s, want exit 0", login)
	}
	info, err := os.Stat(config)
	if err != nil {
		t.Fatalf("login wrote no config at %s: %v", config, err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("config mode = %04o, want 0600", perm)
	}

	box.must("sync")
	caches, _ := filepath.Glob(box.path("cache", "instruct", "*.db"))
	if len(caches) != 1 {
		t.Errorf("cache files under the user cache dir = %v, want one", caches)
	}
	req := pickSubmitted(t, srv.client(t, demo.InstructorID), "api_particulier")
	if ls := box.must("ls", "--status", "submitted"); !strings.Contains(ls.stdout, req.ID.String()) {
		t.Errorf("ls after login and sync lacks %s:\n%s", req.ID, ls.stdout)
	}

	if err := os.Chmod(config, 0o644); err != nil {
		t.Fatal(err)
	}
	res := box.run("ls")
	if res.code == 0 || !strings.Contains(res.stderr, config) || !strings.Contains(res.stderr, "chmod 600") {
		t.Errorf("ls with a 0644 config = %s, want a non-zero exit naming the file and chmod 600", res)
	}
}

// TestListAndShowNeutraliseHostileText: a request whose title and
// organisation carry ESC sequences, C0 and C1 controls and bidi overrides
// is listed and shown, as text and JSON, without any of them raw in the
// output; the JSON still carries the exact text.
func TestListAndShowNeutraliseHostileText(t *testing.T) {
	srv := runDemoServer(t)
	title := "Cantine \x1b[2J\x1b]0;pwned\x07 tarif \u009b31m rouge \u202eexe.ppa\u202c fin"
	org := "Ville \x1b[31mde Lyon\u2066"
	req := createSubmitted(t, srv, title, org)

	box := newSandbox(t)
	flags := connFlags(srv.URL, srv.token(t, demo.InstructorID), box.path("cache.db"))
	box.must(append([]string{"sync"}, flags...)...)

	ls := box.must(append([]string{"ls", "--definition", "api_particulier"}, flags...)...)
	show := box.must(append([]string{"show", req.ID.String()}, flags...)...)
	lsJSON := box.must(append([]string{"ls", "--json"}, flags...)...)
	showJSON := box.must(append([]string{"show", req.ID.String(), "--json"}, flags...)...)
	for name, out := range map[string]string{"ls": ls.stdout, "show": show.stdout, "ls --json": lsJSON.stdout, "show --json": showJSON.stdout} {
		if r, at := rawControl(out); at >= 0 {
			t.Errorf("%s output holds the raw control %U at byte %d", name, r, at)
		}
	}
	for name, out := range map[string]string{"ls": ls.stdout, "show": show.stdout} {
		if !strings.Contains(out, req.ID.String()) || !strings.Contains(out, "^[") {
			t.Errorf("%s output lacks %s with its ESC shown as ^[:\n%s", name, req.ID, out)
		}
	}

	var listed []struct{ ID, Title, Organization string }
	if err := json.Unmarshal([]byte(lsJSON.stdout), &listed); err != nil {
		t.Fatalf("ls --json is not JSON: %v\n%s", err, lsJSON.stdout)
	}
	found := false
	for _, it := range listed {
		if it.ID == req.ID.String() {
			found = it.Title == title && it.Organization == org
		}
	}
	if !found {
		t.Errorf("ls --json lacks %s with its exact title and organisation", req.ID)
	}
	var shown struct{ Request instruct.Request }
	if err := json.Unmarshal([]byte(showJSON.stdout), &shown); err != nil {
		t.Fatalf("show --json is not JSON: %v\n%s", err, showJSON.stdout)
	}
	if shown.Request.ID != req.ID || shown.Request.Title != title {
		t.Errorf("show --json = %s %q, want %s %q", shown.Request.ID, shown.Request.Title, req.ID, title)
	}
}

// createSubmitted creates and submits, as the demo applicant through the
// API, a complete api_particulier request with title and organisation.
func createSubmitted(t *testing.T, srv *serverProc, title, org string) instruct.Request {
	t.Helper()
	return createSubmittedBy(t, srv, demo.ApplicantID, title, org)
}

// createSubmittedBy creates and submits, as demo user id through the
// API, a complete api_particulier request with title and organisation.
func createSubmittedBy(t *testing.T, srv *serverProc, id, title, org string) instruct.Request {
	t.Helper()
	return submitComplete(t, srv.client(t, id), title, org, "cnaf_quotient_familial")
}

// submitComplete creates and submits, as the applicant of c, a complete
// api_particulier request with title and organisation asking for scopes.
func submitComplete(t *testing.T, c *client.Client, title, org string, scopes ...string) instruct.Request {
	t.Helper()
	def, months, yes := "api_particulier", 12, true
	p := instruct.RequestPatch{
		Definition:      &def,
		Title:           &title,
		Description:     pointer("Tarification sociale de la restauration scolaire."),
		Organization:    &instruct.Organization{SIRET: "21690123100011", Name: org, City: "Lyon"},
		LegalBasis:      &instruct.LegalBasis{Nature: "Code de l'éducation, article R531-52", URL: "https://www.legifrance.gouv.fr/"},
		Scopes:          &scopes,
		DataRecipients:  pointer("Service éducation"),
		RetentionMonths: &months,
		TermsAccepted:   &yes,
		DPOInformed:     &yes,
	}
	ctx := context.Background()
	r, err := c.Create(ctx, p)
	if err != nil {
		t.Fatalf("create a request as the applicant: %v", err)
	}
	r, err = c.Submit(ctx, r.ID, r.Version)
	if err != nil {
		t.Fatalf("submit %s: %v", r.ID, err)
	}
	return r
}

func pointer[T any](v T) *T { return &v }

// rawControl returns the first rune of s a terminal would obey rather
// than show — C0 controls but newline and tab, DEL, C1 controls, bidi
// overrides and isolates — and its byte offset, or -1.
func rawControl(s string) (rune, int) {
	for i, r := range s {
		switch {
		case r < 0x20 && r != '\n' && r != '\t',
			r == 0x7f,
			r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e,
			r >= 0x2066 && r <= 0x2069,
			r == utf8.RuneError:
			return r, i
		}
	}
	return 0, -1
}

// TestEveryCommandHasHelpWithAnExample: "instruct COMMAND --help" exits 0
// and shows an example for every command; "instruct --help" lists them.
func TestEveryCommandHasHelpWithAnExample(t *testing.T) {
	box := newSandbox(t)
	top := box.must("--help")
	for _, cmd := range [][]string{
		{"demo"}, {"tui"}, {"serve"}, {"admin", "user", "add"}, {"admin", "token", "create"},
		{"admin", "ssh-key", "add"}, {"admin", "token", "revoke"}, {"admin", "user", "roles"}, {"admin", "ssh-key", "remove"},
		{"audit", "verify"}, {"login"}, {"sync"}, {"ls"}, {"show"}, {"decide"}, {"doc"}, {"ssh-serve"},
		{"admin", "webhook", "add"}, {"admin", "webhook", "list"}, {"admin", "webhook", "remove"}, {"admin", "webhook", "test"},
		{"admin", "webhook", "rotate-secret"}, {"admin", "deliveries"}, {"admin", "deliveries", "retry"}, {"notifications", "off"},
	} {
		name := strings.Join(cmd, " ")
		t.Run(strings.ReplaceAll(name, " ", "_"), func(t *testing.T) {
			res := box.run(append(cmd, "--help")...)
			help := res.stdout + res.stderr
			if res.code != 0 || !exampleLine.MatchString(help) {
				t.Errorf("instruct %s --help = %s, want exit 0 and an example", name, res)
			}
			if !strings.Contains(top.stdout, cmd[0]) {
				t.Errorf("instruct --help does not list %s:\n%s", cmd[0], top.stdout)
			}
		})
	}
}

// exampleLine finds "Example:" followed by an instruct command line.
var exampleLine = regexp.MustCompile(`Example:\s*\n\s+instruct `)
