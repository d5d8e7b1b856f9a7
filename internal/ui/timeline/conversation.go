package timeline

import (
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
)

// talk is what the history knows of a request's exchanges with its
// applicant: who the applicant is, the deliveries of its events, and
// whether the conversation is shown instead of the whole history.
type talk struct {
	// conversation shows the messages alone, the applicant's and the
	// reviewers', without internal notes or anything else.
	conversation bool
	// fromApplicant holds the seqs of the messages the request's
	// applicant wrote to the reviewers (instruct.ApplicantMessages).
	fromApplicant map[int64]bool
	// deliveries holds the deliveries of request deliveriesOf by the seq
	// of the event that caused them, as of deliveriesAt.
	deliveries   map[int64][]instruct.Delivery
	deliveriesOf instruct.RequestID
	deliveriesAt time.Time
}

// SetConversation shows the conversation with the applicant (true) or
// the whole history, at the latest message or event.
func (m *Model) SetConversation(on bool) {
	m.talk.conversation = on
	m.ShowLatest()
}

// Conversation reports whether the conversation is shown.
func (m Model) Conversation() bool { return m.talk.conversation }

// SetDeliveries shows, in the history of request id, the deliveries
// (sanitised) under the events that caused them; now tells today's
// times from other days'. Deliveries of another request than the one
// shown are kept for when it is.
func (m *Model) SetDeliveries(id instruct.RequestID, list []instruct.Delivery, now time.Time) {
	byEvent := make(map[int64][]instruct.Delivery, len(list))
	for _, d := range list {
		byEvent[d.EventSeq] = append(byEvent[d.EventSeq], d)
	}
	m.talk.deliveries, m.talk.deliveriesOf, m.talk.deliveriesAt = byEvent, id, now
	m.rebuild()
}

// fromApplicant reports whether e is a message of the request's
// applicant, as they were when they wrote it.
func (m Model) fromApplicant(e instruct.Event) bool {
	return e.Kind == instruct.KindMessage && m.talk.fromApplicant[e.Seq]
}

// conversationLines draws the messages, oldest first, each headed by who
// wrote it, to whom, and when.
func (m *Model) conversationLines(w int) []string {
	words := m.msgs.Conversation()
	var out []string
	for i, e := range m.events {
		if e.Kind != instruct.KindMessage {
			continue
		}
		if len(out) > 0 {
			out = append(out, "")
		}
		m.latest = len(out)
		m.starts = append(m.starts, len(out))
		m.startOf = append(m.startOf, i)
		who, pen := words.FromReviewer(e.Actor.Name), m.theme.Title
		if m.fromApplicant(e) {
			who, pen = words.FromApplicant(e.Actor.Name), m.theme.Accent
		}
		out = append(out, pen.Paint(frame.Fit(m.msgs.Stamp(e.At)+"  "+who, w)))
		out = append(out, frame.Indent("  ", e.Comment, w)...)
	}
	if len(out) == 0 {
		return []string{m.msgs.Conversation().None}
	}
	return out
}

// deliveryLines draws the deliveries event e caused, one a line.
func (m Model) deliveryLines(e instruct.Event, w int) []string {
	if m.talk.deliveriesOf != m.id {
		return nil
	}
	var out []string
	for _, d := range m.talk.deliveries[e.Seq] {
		out = append(out, m.theme.Muted.Paint(frame.Fit("  → "+m.delivery(d), w)))
	}
	return out
}

// delivery says where a delivery stands: "mail to a…@ville-x.fr
// delivered", "webhook to api.example.gouv.fr: failed 3 times, next try
// 14:05".
func (m Model) delivery(d instruct.Delivery) string {
	words := m.msgs.Conversation()
	name := words.Webhook(oneLine(d.Target))
	if d.Channel == instruct.ChannelMail {
		name = words.Mail(oneLine(d.Target))
	}
	switch {
	case d.Status == instruct.DeliveryDelivered:
		return name + " " + words.Delivered
	case d.Status == instruct.DeliveryFailed:
		return name + words.Colon + words.Failed(d.Attempts) + lastError(d)
	case d.Attempts > 0 && d.NextAttemptAt != nil:
		return name + words.Colon + words.Retrying(d.Attempts, words.At(*d.NextAttemptAt, m.talk.deliveriesAt)) + lastError(d)
	}
	return name + " " + words.Waiting
}

// lastError returns the last error of a failed attempt, in parentheses,
// short and on one line; "" when there is none.
func lastError(d instruct.Delivery) string {
	text := oneLine(d.LastError)
	if text == "" {
		return ""
	}
	return " (" + cells.Truncate(text, 60) + ")"
}

// oneLine joins the lines and runs of spaces of s into single spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
