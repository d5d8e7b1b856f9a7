package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// WithMail makes the ledger write the mails events cause into its
// deliveries outbox, for a server that can send them (serve --smtp).
// Without it no mail is ever planned; webhook calls are planned whenever
// a definition has webhooks.
func WithMail() Option { return func(o *options) { o.mail = true } }

// outgoing is one delivery an event causes, before the event has its seq.
type outgoing struct {
	channel   instruct.DeliveryChannel
	webhookID string
	recipient string
	role      instruct.MailRole
	target    string
}

// planDeliveries returns, reading in tx before anything is written, the
// deliveries event e of the request of s causes: mails when the ledger
// sends them, calls of the webhooks of its definition subscribed to e's
// kind. Internal notes, claims and edits cause none.
func (l *Ledger) planDeliveries(ctx context.Context, tx querier, s storedRequest, e instruct.Event) ([]outgoing, error) {
	plan, err := l.planMails(ctx, tx, s, e)
	if err != nil {
		return nil, err
	}
	hooks, err := l.planWebhooks(ctx, tx, s.request.Definition, e.Kind)
	return append(plan, hooks...), err
}

// planMails returns the mails of event e: to the applicant of a decision,
// a transfer (both applicants) or a reviewer's message; to the
// definition's instructors, but those who opted out, of a submission or
// an applicant's message.
func (l *Ledger) planMails(ctx context.Context, tx querier, s storedRequest, e instruct.Event) ([]outgoing, error) {
	if !l.mail {
		return nil, nil
	}
	fromApplicant := e.Actor.ID == s.createdBy
	switch {
	case e.Kind == instruct.KindSubmit || (e.Kind == instruct.KindMessage && fromApplicant):
		return l.instructorMails(ctx, tx, s.request.Definition, e.Actor.ID)
	case e.Kind == instruct.KindTransfer:
		plan := mailsTo(instruct.MailApplicant, s.request.Applicant.Email)
		return append(plan, mailsTo(instruct.MailFormerApplicant, formerApplicant(e))...), nil
	case e.Kind == instruct.KindMessage, e.Kind == instruct.KindApprove, e.Kind == instruct.KindRefuse,
		e.Kind == instruct.KindRequestChanges, e.Kind == instruct.KindRevoke:
		return mailsTo(instruct.MailApplicant, s.request.Applicant.Email), nil
	}
	return nil, nil
}

// mailsTo returns a mail to address in role, or none when it is blank.
func mailsTo(role instruct.MailRole, address string) []outgoing {
	address = strings.TrimSpace(address)
	if !strings.Contains(address, "@") {
		return nil
	}
	return []outgoing{{channel: instruct.ChannelMail, recipient: address, role: role, target: instruct.MaskEmail(address)}}
}

// formerApplicant returns the e-mail of the applicant a transfer event
// took the request from, from its diff.
func formerApplicant(e instruct.Event) string {
	change, ok := e.Diff["applicant"]
	if !ok {
		return ""
	}
	raw, err := json.Marshal(change[0])
	if err != nil {
		return ""
	}
	var p instruct.Person
	if json.Unmarshal(raw, &p) != nil {
		return ""
	}
	return p.Email
}

// instructorMailsSQL selects the e-mails of the instructors and managers
// of a definition (or of every one) who did not turn its mails off.
const instructorMailsSQL = `SELECT DISTINCT u.email FROM users u JOIN grants g ON g.user_id = u.id
	WHERE g.role IN ('instructor', 'manager') AND g.definition IN (?, '*') AND u.id <> ?
	AND NOT EXISTS (SELECT 1 FROM notification_prefs p WHERE p.user_id = u.id AND p.definition = ? AND p.enabled = ?)
	ORDER BY u.email`

// instructorMails returns a mail to each instructor of definition def who
// did not opt out, but the actor.
func (l *Ledger) instructorMails(ctx context.Context, tx querier, def, actor string) ([]outgoing, error) {
	rows, err := tx.QueryContext(ctx, instructorMailsSQL, def, actor, def, false)
	if err != nil {
		return nil, fmt.Errorf("read the instructors of %s: %w", def, err)
	}
	defer rows.Close()
	var plan []outgoing
	for rows.Next() {
		var email string
		if err := rows.Scan(&email); err != nil {
			return nil, fmt.Errorf("read the instructors of %s: %w", def, err)
		}
		plan = append(plan, mailsTo(instruct.MailInstructor, email)...)
	}
	return plan, rows.Err()
}

// planWebhooks returns a call of each webhook of definition def that
// subscribes to events of kind k.
func (l *Ledger) planWebhooks(ctx context.Context, tx querier, def string, k instruct.Kind) ([]outgoing, error) {
	if !isWebhookKind(k) {
		return nil, nil
	}
	hooks, err := l.webhooksOf(ctx, tx, def)
	if err != nil {
		return nil, err
	}
	var plan []outgoing
	for _, w := range hooks {
		if w.Subscribes(k) {
			plan = append(plan, outgoing{channel: instruct.ChannelWebhook, webhookID: w.ID, target: webhookHost(w.URL)})
		}
	}
	return plan, nil
}

// isWebhookKind reports whether events of kind k are sent to webhooks.
func isWebhookKind(k instruct.Kind) bool {
	for _, known := range instruct.WebhookKinds() {
		if k == known {
			return true
		}
	}
	return false
}

// webhookHost returns the host of a webhook URL, which reviewers see.
func webhookHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Hostname()
}

// insertDeliverySQL stores one delivery of the outbox, pending.
const insertDeliverySQL = `INSERT INTO deliveries (id, request_number, event_seq, channel, webhook_id, recipient, role,
	target, status, attempts, last_status, last_error, next_attempt_at, lease, lease_until, created_at)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0, 0, '', ?, '', 0, ?)`

// writeDeliveries stores plan, the deliveries event e causes, due at
// once, in tx: the transaction that records e.
func (l *Ledger) writeDeliveries(ctx context.Context, tx querier, plan []outgoing, e instruct.Event) error {
	at := e.At.UnixNano()
	for _, o := range plan {
		id, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("number a delivery: %w", err)
		}
		_, err = tx.ExecContext(ctx, insertDeliverySQL, id.String(), e.RequestID, e.Seq, string(o.channel), o.webhookID,
			o.recipient, string(o.role), o.target, at, at)
		if err != nil {
			return fmt.Errorf("store a delivery of event %d: %w", e.Seq, err)
		}
	}
	return nil
}

// wakeDeliveries tells the ledger's delivery worker that deliveries were
// committed, without waiting.
func (l *Ledger) wakeDeliveries() {
	select {
	case l.deliveriesWritten <- struct{}{}:
	default:
	}
}

// DeliveriesWritten returns a channel that receives when this ledger
// committed new deliveries (or made one due again), so that a worker
// sends them at once instead of at its next poll.
func (l *Ledger) DeliveriesWritten() <-chan struct{} { return l.deliveriesWritten }

// unixTime returns the time of nanoseconds since the epoch, in UTC.
func unixTime(ns int64) time.Time { return time.Unix(0, ns).UTC() }
