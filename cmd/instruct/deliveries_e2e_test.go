package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/deliver"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/mailtest"
)

// deliveryWait bounds how long a test waits for a delivery to arrive; it
// only delays a failure.
const deliveryWait = 30 * time.Second

// hookCall is one call a webhook receiver got.
type hookCall struct {
	header http.Header
	body   []byte
	event  string
}

// hookReceiver is a webhook receiver on a loopback port that records
// each call; answer decides the reply to the nth call (1-based).
type hookReceiver struct {
	*httptest.Server
	mu     sync.Mutex
	calls  []hookCall
	arrive chan hookCall
	answer func(n int, c hookCall) (int, string)
}

func newHookReceiver(t *testing.T, answer func(n int, c hookCall) (int, string)) *hookReceiver {
	rc := &hookReceiver{arrive: make(chan hookCall, 100), answer: answer}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var p struct{ Event string }
		json.Unmarshal(body, &p)
		c := hookCall{header: r.Header.Clone(), body: body, event: p.Event}
		rc.mu.Lock()
		rc.calls = append(rc.calls, c)
		n := len(rc.calls)
		rc.mu.Unlock()
		rc.arrive <- c
		status, text := rc.answer(n, c)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		io.WriteString(w, text)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// next returns the next call of event kind, failing after deliveryWait.
func (rc *hookReceiver) next(t *testing.T, event string) hookCall {
	t.Helper()
	deadline := time.After(deliveryWait)
	for {
		select {
		case c := <-rc.arrive:
			if c.event == event {
				return c
			}
		case <-deadline:
			t.Fatalf("no %s webhook call within %s", event, deliveryWait)
		}
	}
}

// secretRE finds the secret "admin webhook add" prints.
var secretRE = regexp.MustCompile(`(?m)^secret: ([0-9a-f]{64})$`)

// addWebhook runs "admin webhook add" and returns the secret it printed.
func addWebhook(t *testing.T, box *sandbox, db, url, events string) string {
	t.Helper()
	res := box.must("admin", "webhook", "add", "--db", db, "--definition", "api_particulier", "--url", url, "--events", events)
	m := secretRE.FindStringSubmatch(res.stdout)
	if m == nil {
		t.Fatalf("admin webhook add printed no secret:\n%s", res)
	}
	return m[1]
}

// approve approves request r as the demo instructor, through the API.
func approve(t *testing.T, srv *serverProc, r instruct.Request) instruct.Event {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	res, err := srv.client(t, demo.InstructorID).Decide(ctx, uuid.NewString(), r.ID, r.Version,
		api.DecisionInput{Kind: instruct.KindApprove, Comment: "Cadre juridique vérifié, accès accordé."})
	if err != nil {
		t.Fatalf("approve %s: %v", r.ID, err)
	}
	return res.Event
}

// TestServeDemoApprovalEndsWithASignedWebhookAndAMail: the real server,
// run with --demo and --smtp, a webhook added by the admin command; a
// reviewer's approval reaches the receiver signed, in DataPass's format,
// and the applicant's box; admin deliveries shows both delivered, and
// the provider's token is back in the habilitation.
func TestServeDemoApprovalEndsWithASignedWebhookAndAMail(t *testing.T) {
	smtpd := mailtest.Start(t, mailtest.Options{User: "instruct", Password: "mot-de-passe"})
	rc := newHookReceiver(t, func(int, hookCall) (int, string) { return 200, `{"token_id": "tok_8f3a"}` })
	srv := startServer(t, filepath.Join(t.TempDir(), "server.db"), true,
		"--smtp", "smtp://instruct:mot-de-passe@"+smtpd.Addr, "--mail-from", "instruct@interieur.gouv.fr")
	box := newSandbox(t)
	secret := addWebhook(t, box, srv.db, rc.URL+"/datapass/webhook", "approve")

	r := createSubmitted(t, srv, "Cantine scolaire", "Ville de Lyon")
	e := approve(t, srv, r)
	call := rc.next(t, "approve")
	if !deliver.Verify(secret, call.body, call.header.Get("X-Hub-Signature-256")) || call.header.Get("X-App-Environment") != "demo" {
		t.Errorf("webhook headers %v: want a signature that verifies with the secret printed, environment demo", call.header)
	}
	var p deliver.Payload
	if err := json.Unmarshal(call.body, &p); err != nil || p.ModelID != int64(r.ID) || p.ModelType != "authorization_request" ||
		p.Data.Request == nil || p.Data.Request.Status != instruct.StatusValidated || !p.FiredAt.Equal(e.At) {
		t.Errorf("payload %s (%v): want the approval of %s", call.body, err, r.ID)
	}

	applicantMail := r.Applicant.Email
	var got *mailtest.Message
	for deadline := time.Now().Add(deliveryWait); got == nil && time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		for _, m := range smtpd.Messages() {
			if strings.Join(m.To, ",") == applicantMail && strings.HasPrefix(m.Header("Subject"), "["+r.ID.String()+"] ") {
				got = &m
			}
		}
	}
	if got == nil {
		t.Fatalf("no mail to the applicant %s about %s; the box holds %d mails", applicantMail, r.ID, len(smtpd.Messages()))
	}
	if !strings.Contains(got.Header("Subject"), "validée") || !strings.Contains(got.Body(), "Cadre juridique vérifié, accès accordé.") {
		t.Errorf("the applicant's mail: %q\n%s", got.Header("Subject"), got.Body())
	}
	waitDelivered(t, box, srv.db, r.ID, 2)
	if log := srv.stderr(); strings.Contains(log, "mot-de-passe") || strings.Contains(log, applicantMail) || !strings.Contains(log, smtpd.Addr) {
		t.Errorf("the server's log shows the SMTP password or the applicant's address, or not the SMTP server:\n%s", log)
	}
	if p.Data.Habilitation == nil || p.Data.Habilitation.ID != e.HabilitationID || e.HabilitationID == 0 {
		t.Fatalf("the approval's call carries habilitation %v, want %s", p.Data.Habilitation, e.HabilitationID)
	}
	if got := habilitationOf(t, srv, e.HabilitationID); got.ExternalID == nil || *got.ExternalID != "tok_8f3a" {
		t.Errorf("habilitation %s external_id = %v, want the provider's token tok_8f3a", e.HabilitationID, got.ExternalID)
	}
	var delivered bool
	for _, ev := range eventsOf(t, srv.client(t, demo.InstructorID), r.ID) {
		delivered = delivered || (ev.Kind == instruct.KindTokenDelivered && ev.HabilitationID == e.HabilitationID)
	}
	if !delivered {
		t.Errorf("the history of %s has no token_delivered event", r.ID)
	}
}

// habilitationOf reads habilitation id through the API as the demo
// instructor.
func habilitationOf(t *testing.T, srv *serverProc, id instruct.HabilitationID) instruct.Habilitation {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+"/api/v1/habilitations/"+id.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+srv.token(t, demo.InstructorID))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var h instruct.Habilitation
	if err := json.NewDecoder(res.Body).Decode(&h); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /habilitations/%s = %d, %v", id, res.StatusCode, err)
	}
	return h
}

// waitDelivered waits until "admin deliveries" shows n deliveries of
// request id delivered.
func waitDelivered(t *testing.T, box *sandbox, db string, id instruct.RequestID, n int) string {
	t.Helper()
	var out string
	for deadline := time.Now().Add(deliveryWait); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		out = box.must("admin", "deliveries", "--db", db).stdout
		count := 0
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, " "+id.String()+" ") && strings.Contains(line, " delivered ") {
				count++
			}
		}
		if count >= n {
			return out
		}
	}
	t.Fatalf("admin deliveries does not show %d deliveries of %s delivered:\n%s", n, id, out)
	return ""
}

// TestServerKilledMidDeliverySendsItAgainAfterRestart: the real server
// is killed while a webhook call is under way; once restarted on the
// same database, it sends that delivery again, the same bytes with the
// same X-Instruct-Delivery, and records it delivered.
func TestServerKilledMidDeliverySendsItAgainAfterRestart(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	t.Cleanup(func() { once.Do(func() { close(release) }) })
	rc := newHookReceiver(t, func(n int, _ hookCall) (int, string) {
		if n == 1 {
			<-release // hangs until the server that sent it is dead
		}
		return 204, ""
	})
	db := filepath.Join(t.TempDir(), "server.db")
	srv := startServer(t, db, true, "--delivery-timeout", "3s")
	box := newSandbox(t)
	secret := addWebhook(t, box, db, rc.URL, "submit")
	r := createSubmitted(t, srv, "Cantine scolaire", "Ville de Lyon")
	first := rc.next(t, "submit")
	srv.kill()
	once.Do(func() { close(release) })

	startServer(t, db, false, "--delivery-timeout", "3s")
	again := rc.next(t, "submit")
	if id := first.header.Get("X-Instruct-Delivery"); id == "" || again.header.Get("X-Instruct-Delivery") != id {
		t.Errorf("X-Instruct-Delivery %q, then %q: want the same delivery", id, again.header.Get("X-Instruct-Delivery"))
	}
	if string(again.body) != string(first.body) || !deliver.Verify(secret, again.body, again.header.Get("X-Hub-Signature-256")) {
		t.Errorf("the call after restart differs or is not signed:\n%s\n%s", first.body, again.body)
	}
	out := waitDelivered(t, box, db, r.ID, 1)
	if !strings.Contains(out, first.header.Get("X-Instruct-Delivery")) {
		t.Errorf("admin deliveries does not list delivery %s:\n%s", first.header.Get("X-Instruct-Delivery"), out)
	}
}

// TestSSHServeDecisionIsMailed: ssh-serve, given --smtp, plans and sends
// the mails of the decisions taken over SSH: a refusal typed in a real
// SSH session reaches the applicant's box with its comment.
func TestSSHServeDecisionIsMailed(t *testing.T) {
	requireOpenSSH(t)
	smtpd := mailtest.Start(t, mailtest.Options{})
	srv := startSSHServeProc(t, newSandbox(t), "--smtp", "smtp://"+smtpd.Addr, "--mail-from", "instruct@interieur.gouv.fr")
	key, line := srv.userKey(t, "id_instructor")
	srv.bindKey(t, demo.InstructorID, line)
	scr := srv.ssh(t, key, 120, 40)
	const comment = "Le traitement décrit ne relève pas du cadre juridique cité."
	id := sshRefuseSelected(t, scr, comment)
	for deadline := time.Now().Add(deliveryWait); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		for _, m := range smtpd.Messages() {
			if strings.HasPrefix(m.Header("Subject"), "["+id+"] ") && strings.Contains(m.Body(), comment) {
				return
			}
		}
	}
	t.Fatalf("no mail of the refusal of %s with its comment; the box holds %d mails", id, len(smtpd.Messages()))
}
