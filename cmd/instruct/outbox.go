package main

import (
	"context"
	"errors"
	"flag"
	"log/slog"
	"time"

	"github.com/instruct-dev/instruct/internal/deliver"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
)

// outboxFlags are serve's flags of the deliveries: the SMTP server, the
// sender, and how long an attempt may take.
type outboxFlags struct {
	smtp, from string
	timeout    time.Duration
}

func (o *outboxFlags) register(fs *flag.FlagSet, e *env) {
	fs.StringVar(&o.smtp, "smtp", e.getenv("INSTRUCT_SMTP"),
		"SMTP server of the mails, smtp://user:password@host:port (STARTTLS when offered) or smtps://… (env INSTRUCT_SMTP, which keeps the password out of the process list); none sends no mail")
	fs.StringVar(&o.from, "mail-from", e.getenv("INSTRUCT_MAIL_FROM"), "sender address of the mails (env INSTRUCT_MAIL_FROM)")
	fs.DurationVar(&o.timeout, "delivery-timeout", deliver.DefaultTimeout, "how long one attempt at a mail or webhook call may take")
}

// mailer returns the mailer of the flags, nil when no SMTP server is set.
func (o outboxFlags) mailer() (*deliver.Mailer, error) {
	if o.timeout <= 0 {
		return nil, errors.New("--delivery-timeout must be positive")
	}
	if o.smtp == "" {
		if o.from != "" {
			return nil, errors.New("--mail-from needs --smtp")
		}
		return nil, nil
	}
	return deliver.NewMailer(o.smtp, o.from, o.timeout)
}

// ledgerOptions makes the ledger plan mails when there is a mailer.
func (o outboxFlags) ledgerOptions(m *deliver.Mailer) []ledger.Option {
	if m == nil {
		return nil
	}
	return []ledger.Option{ledger.WithMail()}
}

// worker returns the worker sending l's outbox; tokens records the
// tokens providers answer approvals with.
func (o outboxFlags) worker(l *ledger.Ledger, tokens deliver.TokenRecorder, m *deliver.Mailer, defs []instruct.Definition, demo bool, log *slog.Logger) *deliver.Worker {
	env := "production"
	if demo {
		env = "demo"
	}
	return deliver.New(deliver.Config{Store: l, Mailer: m, Habilitations: l, Tokens: tokens, Catalogue: defs,
		Environment: env, Timeout: o.timeout, Wake: l.DeliveriesWritten(), Log: log})
}

// startDeliveries runs w until the returned stop is called, which waits
// for the attempts under way to end.
func startDeliveries(w *deliver.Worker) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
