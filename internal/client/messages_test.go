package client

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestMessageSendsTheApplicantsAnswer: Message posts {"body": …} to
// …/messages with its Idempotency-Key and reads the event back.
func TestMessageSendsTheApplicantsAnswer(t *testing.T) {
	var got sent
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got = sent{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"),
			Key: r.Header.Get(api.HeaderIdempotencyKey), ContentType: r.Header.Get("Content-Type"), Body: string(body)}
		writeJSON(w, http.StatusCreated, api.NoteResult{Event: sampleEvent(4, 41, instruct.KindMessage, "Voici la délibération.")})
	}, Options{MaxRetries: -1})
	res, err := c.Message(context.Background(), "k-msg", 4, "Voici la délibération.")
	if err != nil {
		t.Fatalf("Message() = %v", err)
	}
	want := sent{Method: "POST", Path: "/api/v1/requests/D4/messages", Auth: "Bearer secret-token", Key: "k-msg",
		ContentType: "application/json", Body: `{"body":"Voici la délibération."}`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Message() sent (-want +got):\n%s", diff)
	}
	if res.Event.Seq != 41 || res.Event.Kind != instruct.KindMessage {
		t.Errorf("Message() = %+v, want the message event at seq 41", res.Event)
	}
}

// deliveriesContract is GET /requests/{id}/deliveries as
// design/LIFECYCLE.md writes it, typed out rather than encoded from the
// Go type, so that a renamed field fails here.
const deliveriesContract = `{"deliveries": [
 {"id": "0193a1b2-mail", "channel": "mail", "event_seq": 41, "target": "a…@ville-x.fr", "status": "delivered",
  "attempts": 1, "last_status": 250, "last_error": "", "next_attempt_at": null, "delivered_at": "2026-11-02T10:04:05Z"},
 {"id": "0193a1b2-hook", "channel": "webhook", "event_seq": 42, "target": "api.example.gouv.fr", "status": "pending",
  "attempts": 3, "last_status": 500, "last_error": "500 Internal Server Error", "next_attempt_at": "2026-11-02T13:05:00Z",
  "delivered_at": null}]}`

// TestDeliveriesReadsTheContract: Deliveries asks GET …/deliveries and
// reads every field of the documented answer; an answer without any is
// an empty list, not nil.
func TestDeliveriesReadsTheContract(t *testing.T) {
	var path, auth string
	answer := deliveriesContract
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		path, auth = r.URL.Path, r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, answer)
	}, Options{MaxRetries: -1})
	got, err := c.Deliveries(context.Background(), 1042)
	if err != nil {
		t.Fatalf("Deliveries() = %v", err)
	}
	if path != "/api/v1/requests/D1042/deliveries" || auth != "Bearer secret-token" {
		t.Errorf("Deliveries() asked %s with %q", path, auth)
	}
	delivered := time.Date(2026, 11, 2, 10, 4, 5, 0, time.UTC)
	next := time.Date(2026, 11, 2, 13, 5, 0, 0, time.UTC)
	want := []instruct.Delivery{
		{ID: "0193a1b2-mail", Channel: instruct.ChannelMail, EventSeq: 41, Target: "a…@ville-x.fr", Status: instruct.DeliveryDelivered,
			Attempts: 1, LastStatus: 250, DeliveredAt: &delivered},
		{ID: "0193a1b2-hook", Channel: instruct.ChannelWebhook, EventSeq: 42, Target: "api.example.gouv.fr", Status: instruct.DeliveryPending,
			Attempts: 3, LastStatus: 500, LastError: "500 Internal Server Error", NextAttemptAt: &next},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Deliveries() (-want +got):\n%s", diff)
	}
	answer = `{"deliveries": []}`
	if got, err := c.Deliveries(context.Background(), 1042); err != nil || got == nil || len(got) != 0 {
		t.Errorf("Deliveries() of none = %v, %v; want an empty list", got, err)
	}
}
