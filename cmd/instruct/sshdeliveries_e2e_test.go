package main

import (
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/mailtest"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// TestSSHHistoryShowsTheDeliveries: over a real OpenSSH session on
// ssh-serve, which mails through a real SMTP server and calls a webhook
// receiver on each refusal, a reviewer refuses a request; once the mail
// and the call are delivered, the request's history (t) shows both
// delivered, as the session reads them from the review service.
func TestSSHHistoryShowsTheDeliveries(t *testing.T) {
	requireOpenSSH(t)
	smtpd := mailtest.Start(t, mailtest.Options{})
	rc := newHookReceiver(t, func(int, hookCall) (int, string) { return 204, "" })
	box := newSandbox(t)
	srv := startSSHServeProc(t, box, "--smtp", "smtp://"+smtpd.Addr, "--mail-from", "instruct@interieur.gouv.fr")
	for _, g := range demoUser(t, demo.InstructorID).Roles {
		box.must("admin", "webhook", "add", "--db", srv.db, "--definition", g.Definition, "--url", rc.URL, "--events", "refuse")
	}
	key, line := srv.userKey(t, "id_instructor")
	srv.bindKey(t, demo.InstructorID, line)
	scr := srv.ssh(t, key, 160, 40)
	id := sshRefuseSelected(t, scr, "Le traitement décrit ne relève pas du cadre juridique cité.")
	rc.next(t, string(instruct.KindRefuse))
	waitDelivered(t, box, srv.db, mustID(t, id), 2)

	en := i18n.English()
	scr.keys("/")
	scr.typeText(id)
	scr.waitText(en.MatchesIn(1, en.Tab(instruct.StatusRefused)))
	scr.keys("Enter") // to the refused requests
	scr.waitFor(id+" selected among the refused requests", func(s string) bool { return sshSelectedID(s) == id })
	scr.keys("t")
	talk := en.Conversation()
	scr.waitFor("the refusal's mail and webhook call delivered in the history", func(s string) bool {
		mail := lineWith(s, "→ "+talk.Mail(""))
		return strings.Contains(s, "→ "+talk.Webhook("127.0.0.1")+" "+talk.Delivered) && strings.Contains(mail, " "+talk.Delivered)
	})
}

// demoUser returns demo user id.
func demoUser(t *testing.T, id string) instruct.User {
	t.Helper()
	for _, u := range demo.Users() {
		if u.ID == id {
			return u
		}
	}
	t.Fatalf("no demo user %s", id)
	return instruct.User{}
}
