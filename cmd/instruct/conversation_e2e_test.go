package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/mailtest"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// TestTUIConversationInTmux: on the demo server, which mails through a
// real SMTP server, a colleague writes to the applicant of a fresh
// request and the applicant answers through POST …/messages with their
// own token. The reviewer's real TUI, synced by the server's event
// stream, marks the request @ in the queue; opening it clears the mark,
// and M shows the conversation: the colleague's question, then the
// applicant's answer, its escape sequence made visible. The history (t)
// then shows the mails the answer caused to the instructors, delivered,
// as GET …/deliveries tells.
func TestTUIConversationInTmux(t *testing.T) {
	requireTmux(t)
	smtpd := mailtest.Start(t, mailtest.Options{})
	srv := startServer(t, filepath.Join(t.TempDir(), "server.db"), true,
		"--smtp", "smtp://"+smtpd.Addr, "--mail-from", "instruct@interieur.gouv.fr")
	r := createSubmitted(t, srv, "Cantine de Saint-Lô", "Ville de Saint-Lô")
	id := r.ID.String()
	box := newSandbox(t)
	cache := box.path("cache.db")
	firstSync(t, box, srv, cache)
	scr := startScreen(t, box, 120, 40, tuiArgs(srv, t, cache)...)
	fr := i18n.French()
	talk := fr.Conversation()
	scr.waitFor("the queue after the first sync", func(s string) bool { return strings.Contains(s, selected+"D") })

	ctx := context.Background()
	question := "Pouvez-vous joindre la délibération fixant les tarifs ?"
	if _, err := srv.client(t, demo.ManagerID).Note(ctx, "e2e-question", r.ID, api.NoteInput{Kind: instruct.KindMessage, Comment: question}); err != nil {
		t.Fatalf("the colleague's message: %v", err)
	}
	answer := "Voici la délibération n° 2026-061.\x1b[31m Merci."
	sent, err := srv.client(t, demo.ApplicantID).Message(ctx, "e2e-answer", r.ID, answer)
	if err != nil {
		t.Fatalf("the applicant's answer through POST …/messages: %v", err)
	}

	scr.keys("/")
	scr.typeText(id)
	scr.waitFor(id+" marked @ once the answer is synced", func(s string) bool {
		return strings.Contains(lineWith(s, selected+id), "@")
	})
	scr.keys("Enter", "Enter") // keep the search, open the request
	scr.waitText(id + " · ")
	scr.waitFor(id+" no longer marked @ once opened", func(s string) bool {
		row := lineWith(s, selected+id)
		return row != "" && !strings.Contains(row, "@")
	})
	scr.keys("M")
	screen := scr.waitText(talk.Title(id), talk.FromReviewer("Thomas Lefèvre"), talk.FromApplicant("Camille Martin"),
		"Voici la délibération n° 2026-061.^[[31m Merci.")
	if strings.Index(screen, talk.FromReviewer("Thomas Lefèvre")) > strings.Index(screen, talk.FromApplicant("Camille Martin")) {
		t.Errorf("the question shows after the answer:\n%s", screen)
	}
	scr.keys("Escape")
	scr.waitFor(id+" still read after closing the conversation", func(s string) bool {
		row := lineWith(s, selected+id)
		return row != "" && !strings.Contains(row, "@") && !strings.Contains(s, talk.Title(id))
	})

	mails := deliveredMails(t, srv, r.ID, sent.Event.Seq)
	scr.keys("t")
	for _, d := range mails {
		scr.waitText("→ " + talk.Mail(d.Target) + " " + talk.Delivered)
	}
}

// deliveredMails waits until the mails event seq of request id caused
// are all delivered, as a reviewer reads them through GET …/deliveries,
// and returns them.
func deliveredMails(t *testing.T, srv *serverProc, id instruct.RequestID, seq int64) []instruct.Delivery {
	t.Helper()
	var mails []instruct.Delivery
	ok := waitUntil(20*time.Second, func() bool {
		list, err := srv.client(t, demo.InstructorID).Deliveries(context.Background(), id)
		if err != nil {
			t.Fatalf("GET deliveries of %s: %v", id, err)
		}
		mails = mails[:0]
		for _, d := range list {
			if d.EventSeq == seq && d.Channel == instruct.ChannelMail {
				mails = append(mails, d)
			}
		}
		for _, d := range mails {
			if d.Status != instruct.DeliveryDelivered {
				return false
			}
		}
		return len(mails) > 0
	})
	if !ok {
		t.Fatalf("the mails of the applicant's answer (seq %d) are not all delivered: %+v", seq, mails)
	}
	return mails
}
