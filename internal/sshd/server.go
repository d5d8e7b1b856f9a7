package sshd

import (
	"errors"
	"log/slog"
	"net"
	"sync"
	"time"

	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"

	"github.com/instruct-dev/instruct/internal/locale"
)

// Defaults of Config.
const (
	// DefaultIdleTimeout ends a session after this long without a key
	// press.
	DefaultIdleTimeout = 30 * time.Minute
	// handshakeTimeout bounds a connection's key exchange and
	// authentication.
	handshakeTimeout = 30 * time.Second
	// connectionGrace is how much longer than a session a connection
	// without any traffic may stay.
	connectionGrace = time.Minute
	// DefaultAccessCheck is how often an open session looks its key up
	// again, ending when the key or the user's roles were taken away.
	DefaultAccessCheck = 30 * time.Second
	// preparingAfter is how long a session waits for the read model's
	// first sync before it says it is preparing it.
	preparingAfter = 500 * time.Millisecond
)

// Config is what a Server is built from.
type Config struct {
	// Users resolves registered keys to users; required.
	Users Users
	// Model is the read model of every request the sessions read, and
	// Engine what keeps it up to date (started by New, stopped by
	// Close); Reviews takes the sessions' decisions. All required.
	Model   ReadModel
	Engine  Engine
	Reviews Reviews
	// HostKey is the server's host key (see HostKey); required.
	HostKey gossh.Signer
	// Logger receives logins, logouts and refusals; nil discards them.
	Logger *slog.Logger
	// IdleTimeout ends a session without input for that long; 0 means
	// DefaultIdleTimeout.
	IdleTimeout time.Duration
	// AccessCheck is how often an open session checks its key is still
	// registered to a user with a role; 0 means DefaultAccessCheck.
	AccessCheck time.Duration
	// Language picks a session's language ("fr" or "en") from its
	// environment as the client sent it; nil means locale.Language.
	Language func(getenv func(string) string) string
	// Zone picks the time zone a session's screen shows dates in, from
	// its environment as the client sent it; nil means the server's
	// (time.Local).
	Zone func(getenv func(string) string) *time.Location
	// Now is the clock of the screens; nil means time.Now.
	Now func() time.Time
}

// Server serves the reviewer's screen over SSH. Create it with New, run
// Serve, and Close it to end every session.
type Server struct {
	ssh     *ssh.Server
	users   Users
	model   *model
	reviews Reviews
	desks   *desks
	log     *slog.Logger
	idle    time.Duration
	// accessCheck is Config.AccessCheck.
	accessCheck time.Duration
	language    func(getenv func(string) string) string
	zone        func(getenv func(string) string) *time.Location
	now         func() time.Time

	// live maps a running session to its state, for the program handler.
	live sync.Map

	mu        sync.Mutex
	closing   bool
	listeners []net.Listener
	sessions  sync.WaitGroup
}

// New returns a server configured by cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Users == nil || cfg.Model == nil || cfg.Engine == nil || cfg.Reviews == nil || cfg.HostKey == nil {
		return nil, errors.New("sshd: Users, Model, Engine, Reviews and HostKey are required")
	}
	s := &Server{users: cfg.Users, reviews: cfg.Reviews, log: cfg.Logger, idle: cfg.IdleTimeout,
		accessCheck: cfg.AccessCheck, language: cfg.Language, zone: cfg.Zone, now: cfg.Now}
	s.withDefaults()
	srv, err := wish.NewServer(
		withHostKey(cfg.HostKey),
		wish.WithVersion("instruct"),
		wish.WithPublicKeyAuth(s.acceptKey),
		// A connection without traffic at all, such as one that opened no
		// session, ends a little after a session would have.
		wish.WithIdleTimeout(s.idle+connectionGrace),
		wish.WithMiddleware(bm.MiddlewareWithProgramHandler(s.program), s.sessionMiddleware),
	)
	if err != nil {
		return nil, err
	}
	srv.HandshakeTimeout = handshakeTimeout
	srv.ConnectionFailedCallback = s.handshakeFailed
	s.ssh = srv
	s.model = startModel(cfg.Model, cfg.Engine, s.log)
	s.desks = newDesks(s.model.hub)
	return s, nil
}

func (s *Server) withDefaults() {
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.idle <= 0 {
		s.idle = DefaultIdleTimeout
	}
	if s.accessCheck <= 0 {
		s.accessCheck = DefaultAccessCheck
	}
	if s.language == nil {
		s.language = locale.Language
	}
	if s.zone == nil {
		s.zone = func(func(string) string) *time.Location { return time.Local }
	}
	if s.now == nil {
		s.now = time.Now
	}
}

// withHostKey sets the server's only host key.
func withHostKey(key gossh.Signer) ssh.Option {
	return func(srv *ssh.Server) error {
		srv.AddHostKey(key)
		return nil
	}
}

// Serve accepts connections on ln until Close; it then returns nil.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return ln.Close()
	}
	s.listeners = append(s.listeners, ln)
	s.mu.Unlock()
	err := s.ssh.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) || s.isClosing() {
		return nil
	}
	return err
}

func (s *Server) isClosing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing
}

// Close closes the listeners and every connection, waits for the
// sessions to end, and stops the read model's engine.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closing = true
	listeners := s.listeners
	s.mu.Unlock()
	err := s.ssh.Close()
	for _, ln := range listeners {
		// Serve may not have handed ln to the SSH server yet.
		_ = ln.Close()
	}
	s.sessions.Wait()
	s.model.close()
	return err
}

// enter counts a session in, unless the server is closing.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return false
	}
	s.sessions.Add(1)
	return true
}

// handshakeFailed logs a connection that never authenticated.
func (s *Server) handshakeFailed(_ net.Conn, err error) {
	s.log.Info("ssh handshake failed", "err", err)
}
