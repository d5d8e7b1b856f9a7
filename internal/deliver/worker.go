package deliver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Store is what the worker needs of the server's database
// (internal/ledger).
type Store interface {
	// HasDueDeliveries reports, without locking, whether a delivery is
	// due at now and held by no worker.
	HasDueDeliveries(ctx context.Context, now time.Time) (bool, error)
	// ClaimDeliveries takes up to limit deliveries due at now, held by no
	// worker, for this one until now+hold.
	ClaimDeliveries(ctx context.Context, now time.Time, hold time.Duration, limit int) ([]instruct.Dispatch, error)
	// FreezeDeliveryBody keeps body as what every attempt of delivery id
	// sends, while lease holds it.
	FreezeDeliveryBody(ctx context.Context, id, lease string, body []byte) error
	// FinishDelivery records an attempt; false when its lease no longer
	// held the delivery.
	FinishDelivery(ctx context.Context, a instruct.Attempt) (bool, error)
	// Request returns request id with the user ID of its creator.
	Request(ctx context.Context, id instruct.RequestID) (instruct.Request, string, error)
}

// HabilitationReader reads the habilitation an event concerns, for the
// webhook calls that carry it (internal/ledger): the habilitation, with
// the user ID of the account that files its request.
type HabilitationReader interface {
	Habilitation(ctx context.Context, id instruct.HabilitationID) (instruct.Habilitation, string, error)
}

// TokenRecorder records the token ID a provider's webhook answered an
// approval with: it sets the habilitation's external_id and records the
// event token_delivered. Recording the same token again changes nothing.
type TokenRecorder interface {
	RecordToken(ctx context.Context, request instruct.RequestID, habilitation instruct.HabilitationID, tokenID string) error
}

// Config is what a Worker is built from.
type Config struct {
	// Store is the database; required.
	Store Store
	// Mailer sends mails; nil fails them (no SMTP server is set).
	Mailer *Mailer
	// Habilitations and Tokens, when set, put the habilitation in webhook
	// calls and take the token an approval's call answers with.
	Habilitations HabilitationReader
	Tokens        TokenRecorder
	// Catalogue names the definitions in mails.
	Catalogue []instruct.Definition
	// Environment is X-App-Environment: "production" or "demo".
	Environment string
	// Timeout bounds one attempt (10 s when zero).
	Timeout time.Duration
	// Poll is how often the worker looks for due deliveries when nothing
	// wakes it (1 s when zero).
	Poll time.Duration
	// Wake, when set, wakes the worker as soon as deliveries are written.
	Wake <-chan struct{}
	// Batch is how many deliveries the worker takes and sends at once
	// (8 when zero).
	Batch int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Log hears of failures, by delivery ID only; nil discards.
	Log *slog.Logger
}

// Worker sends the deliveries outbox. Create it with New.
type Worker struct {
	cfg  Config
	http *http.Client
}

// DefaultTimeout bounds one attempt when Config.Timeout is zero.
const DefaultTimeout = 10 * time.Second

// New returns the worker of cfg.
func New(cfg Config) *Worker {
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 8
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Environment == "" {
		cfg.Environment = "production"
	}
	return &Worker{cfg: cfg, http: &http.Client{Timeout: cfg.Timeout, CheckRedirect: noRedirect}}
}

// noRedirect makes a redirect the answer: a webhook is called at its URL
// only.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// hold is how long a worker holds the deliveries it takes: an attempt
// is bounded by the timeout, and recording it gets 5 s more. A worker
// that died holding a delivery delays it by that much.
func (w *Worker) hold() time.Duration { return w.cfg.Timeout + 5*time.Second }

// Run sends due deliveries until ctx ends, waking at each poll or when
// deliveries are written. The attempts under way when ctx ends are
// finished and recorded (each within the timeout) before Run returns.
func (w *Worker) Run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		case <-w.cfg.Wake:
		}
		for ctx.Err() == nil {
			n, err := w.RunOnce(context.WithoutCancel(ctx))
			if err != nil && ctx.Err() == nil {
				w.cfg.Log.Error("deliveries", "error", err.Error())
			}
			if err != nil || n < w.cfg.Batch {
				break
			}
		}
		timer.Reset(w.cfg.Poll)
	}
}

// RunOnce takes the deliveries due now (one batch at most), sends them
// concurrently and records their outcomes; it returns how many it took.
func (w *Worker) RunOnce(ctx context.Context) (int, error) {
	now := w.cfg.Now().UTC()
	due, err := w.cfg.Store.HasDueDeliveries(ctx, now)
	if err != nil || !due {
		return 0, err
	}
	batch, err := w.cfg.Store.ClaimDeliveries(ctx, now, w.hold(), w.cfg.Batch)
	if err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(batch))
	for i, d := range batch {
		wg.Go(func() { errs[i] = w.deliver(ctx, d) })
	}
	wg.Wait()
	return len(batch), errors.Join(errs...)
}

// deliver sends d once and records the outcome.
func (w *Worker) deliver(ctx context.Context, d instruct.Dispatch) error {
	status, err := w.send(ctx, d)
	a := instruct.Attempt{ID: d.Delivery.ID, Lease: d.Lease, At: w.cfg.Now().UTC(), Status: status}
	if err != nil {
		a.Error = redact(err.Error(), d.Recipient)
		a.Next = NextAttempt(d.Delivery.Attempts, d.CreatedAt, a.At)
		w.cfg.Log.Warn("delivery failed", "delivery", d.Delivery.ID, "channel", string(d.Delivery.Channel), "status", status,
			"attempts", d.Delivery.Attempts+1, "retry", a.Next != nil)
	}
	if _, err := w.cfg.Store.FinishDelivery(ctx, a); err != nil {
		return err
	}
	return nil
}

// redact returns an error text without the recipient's address, which
// reviewers see masked only.
func redact(text, recipient string) string {
	if recipient == "" {
		return text
	}
	return strings.ReplaceAll(text, recipient, instruct.MaskEmail(recipient))
}

// send makes one attempt at d, bounded by the worker's timeout.
func (w *Worker) send(ctx context.Context, d instruct.Dispatch) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, w.cfg.Timeout)
	defer cancel()
	if d.Event.Seq == 0 {
		return 0, errors.New("the event of this delivery is no longer kept")
	}
	switch d.Delivery.Channel {
	case instruct.ChannelMail:
		return w.sendMail(ctx, d)
	case instruct.ChannelWebhook:
		return w.callWebhook(ctx, d)
	}
	return 0, fmt.Errorf("unknown channel %q", d.Delivery.Channel)
}

// sendMail writes and sends the mail of d.
func (w *Worker) sendMail(ctx context.Context, d instruct.Dispatch) (int, error) {
	if w.cfg.Mailer == nil {
		return 0, errors.New("no SMTP server is set (serve --smtp)")
	}
	r, _, err := w.cfg.Store.Request(ctx, d.Event.RequestID)
	if err != nil {
		return 0, fmt.Errorf("read the request: %w", err)
	}
	text, err := renderMail(d.Role, d.Event, r, w.definitionName(r.Definition))
	if err != nil {
		return 0, err
	}
	return w.cfg.Mailer.Send(ctx, Mail{ID: d.Delivery.ID, To: d.Recipient, Subject: text.subject, Body: text.body, Date: d.Event.At})
}

// definitionName returns the catalogue's name of definition id.
func (w *Worker) definitionName(id string) string {
	for _, d := range w.cfg.Catalogue {
		if d.ID == id {
			return d.Name
		}
	}
	return id
}

// callWebhook posts the payload of d, the same bytes on every attempt,
// and takes the token an approval's answer carries.
func (w *Worker) callWebhook(ctx context.Context, d instruct.Dispatch) (int, error) {
	if d.WebhookURL == "" {
		return 0, errors.New("the webhook was removed")
	}
	body, err := w.body(ctx, d)
	if err != nil {
		return 0, err
	}
	ans, err := post(ctx, w.http, d.WebhookURL, d.Secret, d.Delivery.ID, w.cfg.Environment, body)
	if err != nil {
		return ans.status, err
	}
	if !ans.delivered() {
		return ans.status, fmt.Errorf("the receiver answered %d", ans.status)
	}
	return ans.status, w.takeToken(ctx, d, ans.body)
}

// body returns the payload of d: frozen at its first attempt.
func (w *Worker) body(ctx context.Context, d instruct.Dispatch) ([]byte, error) {
	if d.Body != nil {
		return d.Body, nil
	}
	r, _, err := w.cfg.Store.Request(ctx, d.Event.RequestID)
	if err != nil {
		return nil, fmt.Errorf("read the request: %w", err)
	}
	h, err := w.habilitation(ctx, d.Event)
	if err != nil {
		return nil, err
	}
	body, err := json.Marshal(NewPayload(d.Event, r, h))
	if err != nil {
		return nil, fmt.Errorf("encode the payload: %w", err)
	}
	return body, w.cfg.Store.FreezeDeliveryBody(ctx, d.Delivery.ID, d.Lease, body)
}

// habilitation returns the habilitation event e concerns, nil when none.
func (w *Worker) habilitation(ctx context.Context, e instruct.Event) (*instruct.Habilitation, error) {
	if e.HabilitationID == 0 || w.cfg.Habilitations == nil {
		return nil, nil
	}
	h, _, err := w.cfg.Habilitations.Habilitation(ctx, e.HabilitationID)
	if err != nil {
		return nil, fmt.Errorf("read habilitation %s: %w", e.HabilitationID, err)
	}
	return &h, nil
}

// takeToken hands the token ID of an answer to an approval's call to the
// recorder; a failure to record it fails the attempt, so that the call is
// made again.
func (w *Worker) takeToken(ctx context.Context, d instruct.Dispatch, answer []byte) error {
	if d.Event.Kind != instruct.KindApprove || w.cfg.Tokens == nil {
		return nil
	}
	id, err := tokenID(answer)
	if err != nil || id == "" {
		return err
	}
	if err := w.cfg.Tokens.RecordToken(ctx, d.Event.RequestID, d.Event.HabilitationID, id); err != nil {
		return fmt.Errorf("record the token: %w", err)
	}
	return nil
}
