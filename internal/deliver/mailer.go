package deliver

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	mail "github.com/wneessen/go-mail"
)

// Mailer sends mails through one SMTP server. It is safe for concurrent
// use: each mail opens its own session.
type Mailer struct {
	host     string
	opts     []mail.Option
	from     string
	redacted string
}

// NewMailer returns the mailer of rawURL, smtp://user:pass@host:port
// (STARTTLS when the server offers it, port 25 by default) or
// smtps://… (TLS from the start, port 465 by default), sending from
// address from. Each session is bounded by timeout. A user and password
// authenticate by AUTH PLAIN, which is sent only over TLS or to this
// machine.
func NewMailer(rawURL, from string, timeout time.Duration) (*Mailer, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("the SMTP server is smtp://user:password@host:port or smtps://…")
	}
	if !strings.Contains(from, "@") {
		return nil, errors.New("mails need a sender address (--mail-from)")
	}
	opts, err := mailOptions(u, timeout)
	if err != nil {
		return nil, err
	}
	return &Mailer{host: u.Hostname(), opts: opts, from: from, redacted: u.Redacted()}, nil
}

// mailOptions returns the session options of SMTP URL u.
func mailOptions(u *url.URL, timeout time.Duration) ([]mail.Option, error) {
	opts := []mail.Option{mail.WithTimeout(timeout)}
	port := 25
	if u.Scheme == "smtps" {
		port = 465
		opts = append(opts, mail.WithSSL())
	} else {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n <= 0 || n > 65535 {
			return nil, fmt.Errorf("the SMTP port %q is not a port", p)
		}
		port = n
	}
	opts = append(opts, mail.WithPort(port))
	if u.User != nil {
		password, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain),
			mail.WithUsername(u.User.Username()), mail.WithPassword(password))
	}
	return opts, nil
}

// String names the SMTP server without its password.
func (m *Mailer) String() string { return m.redacted }

// Mail is one plain-text mail to send.
type Mail struct {
	// ID makes the Message-ID, the same on every retry.
	ID      string
	To      string
	Subject string
	Body    string
	Date    time.Time
}

// Send sends mail in one SMTP session. It returns the SMTP code of a
// refusal (0 when there was no answer) with the error.
func (m *Mailer) Send(ctx context.Context, ml Mail) (int, error) {
	msg := mail.NewMsg(mail.WithCharset(mail.CharsetUTF8), mail.WithEncoding(mail.EncodingQP))
	if err := msg.From(m.from); err != nil {
		return 0, fmt.Errorf("sender address: %w", err)
	}
	if err := msg.To(ml.To); err != nil {
		return 0, fmt.Errorf("recipient address: %w", err)
	}
	msg.Subject(ml.Subject)
	msg.SetDateWithValue(ml.Date)
	msg.SetMessageIDWithValue(ml.ID + "@" + m.host)
	msg.SetBulk()
	msg.SetBodyString(mail.TypeTextPlain, ml.Body)
	c, err := mail.NewClient(m.host, m.opts...)
	if err != nil {
		return 0, fmt.Errorf("SMTP client: %w", err)
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		var se *mail.SendError
		if errors.As(err, &se) {
			return se.ErrorCode(), err
		}
		return 0, err
	}
	return 250, nil
}
