package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/deliver"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/mailtest"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// providerToken is the token ID the provider's receiver answers an
// approval with.
const providerToken = "tok_5c1e9a"

// signedReceiver is a provider's webhook receiver, as the README tells
// one to write: it checks X-Hub-Signature-256 with the secret the admin
// command printed and answers an approval with the token it issued; a
// call it cannot verify gets 401 and no token.
type signedReceiver struct {
	*hookReceiver
	mu     sync.Mutex
	secret string
}

func newSignedReceiver(t *testing.T) *signedReceiver {
	s := &signedReceiver{}
	s.hookReceiver = newHookReceiver(t, func(_ int, c hookCall) (int, string) {
		s.mu.Lock()
		secret := s.secret
		s.mu.Unlock()
		if secret == "" || !deliver.Verify(secret, c.body, c.header.Get("X-Hub-Signature-256")) {
			return 401, `{"error": "bad signature"}`
		}
		if c.event != string(instruct.KindApprove) {
			return 204, ""
		}
		return 200, `{"token_id": "` + providerToken + `"}`
	})
	return s
}

// trust sets the secret the receiver checks signatures with.
func (s *signedReceiver) trust(secret string) {
	s.mu.Lock()
	s.secret = secret
	s.mu.Unlock()
}

// TestTUIApprovalDeliversTheTokenInTmux is the "done when" of the
// deliveries: "instruct serve --demo" mails through a real SMTP server
// and calls a provider's receiver (added with "admin webhook add") that
// checks the signature and answers with a token ID. A reviewer approves
// a submitted request in the real TUI, in a real terminal (a, Ctrl+S,
// y). Then the receiver got one approve call in DataPass's envelope,
// signed; the applicant's box holds the approval's mail; the
// habilitation's external_id is the token ID; and the reviewer's TUI,
// synced, shows in the request's history the token's delivery and the
// webhook's and mail's lines delivered, and on the habilitation's
// screen (H) the token with the day it was issued.
func TestTUIApprovalDeliversTheTokenInTmux(t *testing.T) {
	requireTmux(t)
	smtpd := mailtest.Start(t, mailtest.Options{})
	rc := newSignedReceiver(t)
	srv := startServer(t, filepath.Join(t.TempDir(), "server.db"), true,
		"--smtp", "smtp://"+smtpd.Addr, "--mail-from", "instruct@interieur.gouv.fr")
	box := newSandbox(t)
	rc.trust(addWebhook(t, box, srv.db, rc.URL+"/datapass/webhook", "approve"))
	r := createSubmitted(t, srv, "Cantine de Brest", "Ville de Brest")
	id := r.ID.String()

	cache := box.path("cache.db")
	firstSync(t, box, srv, cache)
	scr := startScreen(t, box, 200, 50, append(tuiArgs(srv, t, cache), "--tz", "UTC")...)
	fr := i18n.French().InZone(time.UTC)
	openBySearch(scr, fr, id)
	scr.waitText(id + " · ")
	scr.keys("a")
	scr.waitText(fr.FormHint(instruct.KindApprove))
	scr.keys("C-s")
	scr.waitText(fr.ConfirmHint)
	scr.keys("y")

	call := rc.next(t, string(instruct.KindApprove))
	h := checkApprovalCall(t, call, r)
	if m := waitMailTo(t, smtpd, r.Applicant.Email, "["+id+"] "); !strings.Contains(m.Header("Subject"), "validée") {
		t.Errorf("the applicant's mail about %s is not the approval's: %q", id, m.Header("Subject"))
	}
	token := waitEvent(t, srv, r.ID, instruct.KindTokenDelivered, h)
	got := habilitationOf(t, srv, h)
	if got.ExternalID == nil || *got.ExternalID != providerToken {
		t.Errorf("GET /habilitations/%s: external_id = %v, want the provider's token %s", h, got.ExternalID, providerToken)
	}
	approval := waitEvent(t, srv, r.ID, instruct.KindApprove, h)
	deliveries := waitAllDelivered(t, srv, r.ID, approval.Seq)

	// The approved request left the tab of those to review; back in the
	// queue, the search finds it in the approved ones.
	scr.waitText(fr.MatchesIn(1, fr.Tab(instruct.StatusValidated)))
	scr.keys("Escape")
	scr.waitFor("the queue focused", func(s string) bool { return strings.Contains(lineWith(s, fr.QueueTitle(0)), "┏") })
	scr.keys("Enter")
	scr.waitText(selected + id)
	talk := fr.Conversation()
	scr.keys("t")
	lines := []string{fr.Who(token.Actor) + " " + fr.Did(instruct.KindTokenDelivered), "→ " + talk.Webhook("127.0.0.1") + " " + talk.Delivered}
	for _, d := range deliveries {
		if d.Channel == instruct.ChannelMail {
			lines = append(lines, "→ "+talk.Mail(d.Target)+" "+talk.Delivered)
		}
	}
	scr.waitText(lines...)
	scr.keys("t", "H")
	life := fr.Life(time.UTC)
	scr.waitText(life.Title)
	scr.keys("/")
	scr.typeText(h.String())
	scr.waitText(selected + h.String())
	scr.keys("Enter", "Enter") // keep the search, open the habilitation
	scr.waitText(life.Token(providerToken, token.At))

	if n := rc.count(string(instruct.KindApprove)); n != 1 {
		t.Errorf("the receiver got %d approve calls, want one", n)
	}
}

// count returns how many calls of event kind the receiver got.
func (rc *hookReceiver) count(event string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for _, c := range rc.calls {
		if c.event == event {
			n++
		}
	}
	return n
}

// checkApprovalCall checks that call is the approval of r in DataPass's
// envelope, for the demo environment, and returns the habilitation it
// carries.
func checkApprovalCall(t *testing.T, call hookCall, r instruct.Request) instruct.HabilitationID {
	t.Helper()
	if env := call.header.Get("X-App-Environment"); env != "demo" || call.header.Get("X-Instruct-Delivery") == "" {
		t.Errorf("webhook headers %v: want X-App-Environment demo and an X-Instruct-Delivery", call.header)
	}
	var p deliver.Payload
	if err := json.Unmarshal(call.body, &p); err != nil {
		t.Fatalf("the approval's call %s: %v", call.body, err)
	}
	if p.Event != string(instruct.KindApprove) || p.ModelType != "authorization_request" || p.ModelID != int64(r.ID) ||
		p.Data.Request == nil || p.Data.Request.Status != instruct.StatusValidated || p.Data.Habilitation == nil || p.Data.Habilitation.ID == 0 {
		t.Fatalf("the approval's call %s: want the approval of %s with its habilitation", call.body, r.ID)
	}
	return p.Data.Habilitation.ID
}

// waitMailTo waits until a mail to address whose subject starts with
// prefix arrives, and returns it.
func waitMailTo(t *testing.T, smtpd *mailtest.Server, address, prefix string) mailtest.Message {
	t.Helper()
	var found *mailtest.Message
	waitUntil(deliveryWait, func() bool {
		for _, m := range smtpd.Messages() {
			if strings.Join(m.To, ",") == address && strings.HasPrefix(m.Header("Subject"), prefix) {
				found = &m
				return true
			}
		}
		return false
	})
	if found == nil {
		t.Fatalf("no mail to %s with a subject starting %q; the box holds %d mails", address, prefix, len(smtpd.Messages()))
	}
	return *found
}

// waitEvent waits until the history of request id, as the API gives it,
// holds an event of kind about habilitation h, and returns it.
func waitEvent(t *testing.T, srv *serverProc, id instruct.RequestID, kind instruct.Kind, h instruct.HabilitationID) instruct.Event {
	t.Helper()
	var found *instruct.Event
	waitUntil(deliveryWait, func() bool {
		for _, e := range eventsOf(t, srv.client(t, demo.InstructorID), id) {
			if e.Kind == kind && e.HabilitationID == h {
				found = &e
			}
		}
		return found != nil
	})
	if found == nil {
		t.Fatalf("the history of %s holds no %s event about %s", id, kind, h)
	}
	return *found
}

// waitAllDelivered waits until every delivery event seq of request id
// caused is delivered, as GET …/deliveries tells a reviewer, and returns
// them: one webhook call and mails.
func waitAllDelivered(t *testing.T, srv *serverProc, id instruct.RequestID, seq int64) []instruct.Delivery {
	t.Helper()
	var list []instruct.Delivery
	ok := waitUntil(deliveryWait, func() bool {
		all, err := srv.client(t, demo.InstructorID).Deliveries(context.Background(), id)
		if err != nil {
			t.Fatalf("GET deliveries of %s: %v", id, err)
		}
		list = list[:0]
		hooks := 0
		for _, d := range all {
			if d.EventSeq != seq {
				continue
			}
			if d.Status != instruct.DeliveryDelivered {
				return false
			}
			if d.Channel != instruct.ChannelMail {
				hooks++
			}
			list = append(list, d)
		}
		return hooks == 1 && len(list) > 1
	})
	if !ok {
		t.Fatalf("the deliveries of %s's event %d are not one webhook call and mails, all delivered: %+v", id, seq, list)
	}
	return list
}
