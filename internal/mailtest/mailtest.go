// Package mailtest runs a real SMTP server in process for tests
// (github.com/emersion/go-smtp's server): the mails instruct sends arrive
// in its box, where tests read them as they arrived. Only tests import it.
package mailtest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Message is one mail as the server received it.
type Message struct {
	From string
	To   []string
	// User is who authenticated the session, "" when none did.
	User string
	// TLS tells whether the session was encrypted when the mail came.
	TLS  bool
	Data []byte
}

// Header returns the decoded header field name of the message.
func (m Message) Header(name string) string {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return ""
	}
	v := msg.Header.Get(name)
	if d, err := new(mimeDecoder).DecodeHeader(v); err == nil {
		return d
	}
	return v
}

// Server is an SMTP server on a loopback port.
type Server struct {
	// Addr is its host:port.
	Addr string
	mu   sync.Mutex
	// box holds the mails received; arrive hears of each; refuse makes
	// the server answer every RCPT with 451 (a temporary failure).
	box    []Message
	arrive chan struct{}
	refuse bool
}

// Options configure Start.
type Options struct {
	// User and Password, when set, are the only credentials AUTH PLAIN
	// accepts, and a session must authenticate to send.
	User, Password string
	// TLS, when set, is offered by STARTTLS, or from the first byte when
	// Implicit is set too (smtps).
	TLS      *tls.Config
	Implicit bool
}

// Start runs a server until the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	if o.TLS != nil && o.Implicit {
		ln = tls.NewListener(ln, o.TLS)
	}
	s := &Server{Addr: ln.Addr().String(), arrive: make(chan struct{}, 1000)}
	srv := smtp.NewServer(&backend{s: s, o: o})
	srv.Domain = "mail.test"
	srv.AllowInsecureAuth = true
	srv.EnableSMTPUTF8 = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	if o.TLS != nil && !o.Implicit {
		srv.TLSConfig = o.TLS
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// SetRefuse makes the server refuse (451) or accept recipients.
func (s *Server) SetRefuse(refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = refuse
}

// Messages returns the mails received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.box...)
}

// Wait returns the mails once n have arrived, or fails the test after
// timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if got := s.Messages(); len(got) >= n {
			return got
		}
		select {
		case <-s.arrive:
		case <-deadline:
			t.Fatalf("%d mails arrived in %s, want %d", len(s.Messages()), timeout, n)
		}
	}
}

func (s *Server) deliver(m Message) {
	s.mu.Lock()
	s.box = append(s.box, m)
	s.mu.Unlock()
	select {
	case s.arrive <- struct{}{}:
	default:
	}
}

type backend struct {
	s *Server
	o Options
}

func (b *backend) NewSession(c *smtp.Conn) (smtp.Session, error) { return &session{b: b, conn: c}, nil }

// session is one SMTP session.
type session struct {
	b    *backend
	conn *smtp.Conn
	user string
	msg  Message
}

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, password string) error {
		if user != s.b.o.User || password != s.b.o.Password {
			return errors.New("bad credentials")
		}
		s.user = user
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if s.b.o.User != "" && s.user == "" {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "authenticate first"}
	}
	s.msg = Message{From: from, User: s.user}
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.b.s.mu.Lock()
	refuse := s.b.s.refuse
	s.b.s.mu.Unlock()
	if refuse {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.msg.To = append(s.msg.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.msg.Data = b
	_, s.msg.TLS = s.conn.TLSConnectionState()
	s.b.s.deliver(s.msg)
	return nil
}

func (s *session) Reset()        { s.msg = Message{User: s.user} }
func (s *session) Logout() error { return nil }

// Body returns the decoded text body of a single-part message, its lines
// ending in \n.
func (m Message) Body() string {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return ""
	}
	raw, _ := io.ReadAll(msg.Body)
	text := string(raw)
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
		text = decodeQP(raw)
	}
	return strings.ReplaceAll(text, "\r\n", "\n")
}
