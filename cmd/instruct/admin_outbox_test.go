package main

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/deliver"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/mailtest"
)

// webhookIDRE finds the ID "admin webhook add" prints.
var webhookIDRE = regexp.MustCompile(`webhook ([0-9a-f-]{36}) added`)

// TestAdminWebhookCommands: add prints the ID and the secret once; list
// shows the webhook but never a secret; test calls it signed; a rotated
// secret signs the next calls; remove ends it; the database file holds
// the secret but no log line does.
func TestAdminWebhookCommands(t *testing.T) {
	rc := newHookReceiver(t, func(int, hookCall) (int, string) { return 200, "" })
	srv := startServer(t, filepath.Join(t.TempDir(), "server.db"), true)
	box := newSandbox(t)
	added := box.must("admin", "webhook", "add", "--db", srv.db, "--definition", "api_particulier", "--url", rc.URL+"/hook", "--events", "approve,refuse")
	id, secret := webhookIDRE.FindStringSubmatch(added.stdout), secretRE.FindStringSubmatch(added.stdout)
	if id == nil || secret == nil {
		t.Fatalf("admin webhook add printed:\n%s", added)
	}
	list := box.must("admin", "webhook", "list", "--db", srv.db).stdout
	if !strings.Contains(list, id[1]) || !strings.Contains(list, "approve,refuse") || strings.Contains(list, secret[1]) {
		t.Errorf("admin webhook list:\n%s\nwant the webhook, its events, and no secret", list)
	}
	tested := box.must("admin", "webhook", "test", "--db", srv.db, id[1])
	call := rc.next(t, "test")
	if !strings.Contains(tested.stdout, "answered 200") || !deliver.Verify(secret[1], call.body, call.header.Get("X-Hub-Signature-256")) {
		t.Errorf("admin webhook test printed %q; the call's signature verifies: %v", tested.stdout,
			deliver.Verify(secret[1], call.body, call.header.Get("X-Hub-Signature-256")))
	}
	rotated := secretRE.FindStringSubmatch(box.must("admin", "webhook", "rotate-secret", "--db", srv.db, id[1]).stdout)
	if rotated == nil || rotated[1] == secret[1] {
		t.Fatalf("rotate-secret printed no new secret")
	}
	box.must("admin", "webhook", "test", "--db", srv.db, id[1])
	if call := rc.next(t, "test"); !deliver.Verify(rotated[1], call.body, call.header.Get("X-Hub-Signature-256")) {
		t.Errorf("after rotate-secret, the call is not signed with the new secret")
	}
	for _, bad := range [][]string{
		{"admin", "webhook", "add", "--db", srv.db, "--definition", "api_inconnue", "--url", rc.URL},
		{"admin", "webhook", "add", "--db", srv.db, "--definition", "api_particulier", "--url", rc.URL, "--events", "note"},
		{"admin", "webhook", "add", "--db", srv.db, "--definition", "api_particulier", "--url", "file:///etc/passwd"},
		{"admin", "webhook", "remove", "--db", srv.db, "pas-un-webhook"},
	} {
		if res := box.run(bad...); res.code == 0 || strings.TrimSpace(res.stderr) == "" {
			t.Errorf("instruct %s = %s, want a non-zero exit with a message", strings.Join(bad, " "), res)
		}
	}
	box.must("admin", "webhook", "remove", "--db", srv.db, id[1])
	if list := box.must("admin", "webhook", "list", "--db", srv.db).stdout; strings.Contains(list, id[1]) {
		t.Errorf("after remove, list shows it:\n%s", list)
	}
	srv.stop(t)
	if strings.Contains(srv.stderr(), rotated[1]) || strings.Contains(srv.stderr(), secret[1]) {
		t.Errorf("the server's log shows a secret")
	}
}

// TestAdminDeliveriesRetryByHand: a mail the SMTP server refuses is
// listed pending with its 451; marked failed (as three days of refusals
// would), it is listed by --failed, and retry sends it at once.
func TestAdminDeliveriesRetryByHand(t *testing.T) {
	smtpd := mailtest.Start(t, mailtest.Options{})
	smtpd.SetRefuse(true)
	db := filepath.Join(t.TempDir(), "server.db")
	srv := startServer(t, db, true, "--smtp", "smtp://"+smtpd.Addr, "--mail-from", "instruct@interieur.gouv.fr")
	box := newSandbox(t)
	r := createSubmitted(t, srv, "Cantine scolaire", "Ville de Lyon")
	var out string
	for deadline := time.Now().Add(deliveryWait); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if out = box.must("admin", "deliveries", "--db", db).stdout; strings.Contains(out, " 451 ") {
			break
		}
	}
	if !strings.Contains(out, r.ID.String()) || !strings.Contains(out, " pending ") || !strings.Contains(out, " 451 ") {
		t.Fatalf("admin deliveries after a refusal:\n%s\nwant the submission's mail pending after a 451", out)
	}
	execSQL(t, db, `UPDATE deliveries SET status = 'failed' RETURNING 1`)
	failed := box.must("admin", "deliveries", "--db", db, "--failed").stdout
	id := regexp.MustCompile(`(?m)^([0-9a-f-]{36}) +` + r.ID.String()).FindStringSubmatch(failed)
	if id == nil {
		t.Fatalf("admin deliveries --failed:\n%s\nwant the failed mail", failed)
	}
	smtpd.SetRefuse(false)
	box.must("admin", "deliveries", "retry", "--db", db, id[1])
	msgs := smtpd.Wait(t, 1, deliveryWait)
	if !strings.HasPrefix(msgs[0].Header("Subject"), "["+r.ID.String()+"] Nouvelle demande") {
		t.Errorf("the retried mail's subject = %q", msgs[0].Header("Subject"))
	}
	if res := box.run("admin", "deliveries", "retry", "--db", db, "pas-une-livraison"); res.code == 0 {
		t.Errorf("retry of an unknown delivery = %s, want an error", res)
	}
}

// TestNotificationsOffStopsTheMailsOfADefinition: "notifications off"
// through the API stops the submissions' mails to that reviewer only.
func TestNotificationsOffStopsTheMailsOfADefinition(t *testing.T) {
	smtpd := mailtest.Start(t, mailtest.Options{})
	srv := startServer(t, filepath.Join(t.TempDir(), "server.db"), true, "--smtp", "smtp://"+smtpd.Addr, "--mail-from", "instruct@interieur.gouv.fr")
	box := newSandbox(t).with("INSTRUCT_SERVER="+srv.URL, "INSTRUCT_TOKEN="+srv.token(t, demo.InstructorID))
	off := box.must("notifications", "off", "--definition", "api_particulier")
	if strings.TrimSpace(off.stdout) != "mails of api_particulier: off" {
		t.Errorf("notifications off printed %q", off.stdout)
	}
	createSubmitted(t, srv, "Cantine scolaire", "Ville de Lyon")
	marie := demoEmail(t, demo.InstructorID)
	msgs := smtpd.Wait(t, 1, deliveryWait)
	time.Sleep(time.Second) // the submission's mails go out together
	for _, m := range smtpd.Messages() {
		if strings.Contains(strings.Join(m.To, ","), marie) {
			t.Errorf("a mail reached %s, who turned api_particulier off", marie)
		}
	}
	if len(msgs) == 0 {
		t.Fatal("no instructor got the submission's mail")
	}
	if res := box.run("notifications", "off", "--definition", "api_inconnue"); res.code == 0 {
		t.Errorf("notifications off for an unknown definition = %s, want an error", res)
	}
	box.must("notifications", "on", "--definition", "api_particulier")
	createSubmitted(t, srv, "Périscolaire", "Ville de Lyon")
	for deadline := time.Now().Add(deliveryWait); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		for _, m := range smtpd.Messages() {
			if strings.Contains(strings.Join(m.To, ","), marie) {
				return
			}
		}
	}
	t.Errorf("after notifications on, no mail reached %s", marie)
}

// TestServeRefusesBadMailSettings: a wrong --smtp or a sender without a
// server stops serve at once with a message, before it opens anything.
func TestServeRefusesBadMailSettings(t *testing.T) {
	box := newSandbox(t)
	db := box.path("server.db")
	for _, args := range [][]string{
		{"serve", "--db", db, "--smtp", "ftp://mail.example.fr", "--mail-from", "a@b.fr"},
		{"serve", "--db", db, "--smtp", "smtp://mail.example.fr:25"},
		{"serve", "--db", db, "--mail-from", "instruct@interieur.gouv.fr"},
		{"serve", "--db", db, "--delivery-timeout", "0s"},
	} {
		if res := box.run(args...); res.code != 2 || strings.TrimSpace(res.stderr) == "" {
			t.Errorf("instruct %s = %s, want exit 2 with a message", strings.Join(args, " "), res)
		}
	}
}
