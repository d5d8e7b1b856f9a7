package sshd

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	bm "charm.land/wish/v2/bubbletea"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui"
)

// session is the state of one SSH session running a screen.
type session struct {
	conn    string
	user    instruct.User
	fp      string
	lang    string
	loc     *time.Location
	msgs    messages
	noColor bool
	pty     ssh.Pty
	// view is what the session's screen reads and decides through;
	// listen its status; desk what it shares with the user's other
	// sessions.
	view   *view
	listen *listener
	desk   *desk
	input  *activity
	// ctx ends with the session; cancel ends it.
	ctx    context.Context
	cancel context.CancelFunc
	idled  atomic.Bool
	// withdrawn is set when the session ended because its key or its
	// user's roles were taken away.
	withdrawn atomic.Bool
	start     time.Time
}

// sessionMiddleware runs before the program: it identifies the user from
// the key they proved, requires a PTY, gives the session its view of the
// read model, and logs the login and the logout.
func (s *Server) sessionMiddleware(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if !s.enter() {
			_ = sess.Exit(1)
			return
		}
		defer s.sessions.Done()
		st, err := s.begin(sess)
		if err != nil {
			s.refuse(sess, st, err)
			return
		}
		s.live.Store(sess, st)
		s.log.Info("ssh login", "user", st.user.ID, "fingerprint", st.fp, "conn", st.conn,
			"term", st.pty.Term, "width", st.pty.Window.Width, "height", st.pty.Window.Height)
		next(sess)
		s.end(sess, st)
	}
}

// begin identifies the session's user and gives the session its view.
func (s *Server) begin(sess ssh.Session) (*session, error) {
	getenv := environ(sess.Environ())
	st := &session{conn: shortID(sess.Context().SessionID()), lang: s.language(getenv),
		loc: s.zone(getenv), noColor: getenv("NO_COLOR") != "", start: time.Now()}
	st.msgs = messagesFor(st.lang)
	var err error
	if st.user, st.fp, err = s.identify(sess); err != nil {
		return st, err
	}
	var ok bool
	if st.pty, _, ok = sess.Pty(); !ok {
		return st, &refusal{reason: reasonNoPTY}
	}
	st.pty.Window.Width, st.pty.Window.Height = clampWindow(st.pty.Window.Width, st.pty.Window.Height)
	if err := s.awaitModel(sess, st); err != nil {
		return st, &refusal{reason: reasonNoDesk, err: err}
	}
	s.open(st)
	st.ctx, st.cancel = context.WithCancel(sess.Context())
	st.input = newActivity(sess)
	return st, nil
}

// awaitModel waits for the read model's first sync, saying so when it
// takes a while (a first start on a large database).
func (s *Server) awaitModel(sess ssh.Session, st *session) error {
	wait := time.NewTimer(preparingAfter)
	defer wait.Stop()
	select {
	case <-s.model.ready:
		return nil
	case <-wait.C:
		fmt.Fprint(sess, st.msgs.preparing+"\r\n")
	case <-sess.Context().Done():
		return sess.Context().Err()
	}
	return waitFor(sess.Context(), s.model.ready)
}

// open gives st its view of the read model, its status listener and its
// user's desk.
func (s *Server) open(st *session) {
	st.desk = s.desks.of(st.user.ID)
	st.view = newView(s.model, s.reviews, st.desk, st.user, s.now)
	st.listen = s.model.hub.subscribe(s.model.engine.Trigger, st.shapeStatus)
	st.desk.attach(st.listen)
}

// close undoes open.
func (s *Server) close(st *session) {
	st.desk.detach(st.listen)
	s.model.hub.unsubscribe(st.listen)
}

// shapeStatus is the read model's status as st's status bar shows it:
// the user's own conflicts and rejections, and, when the user's roles
// changed since the last sync, the time they did, so that the screen
// reloads what it shows.
func (st *session) shapeStatus(s instruct.SyncStatus) instruct.SyncStatus {
	s.Pending = 0
	s.Conflicts, s.Rejected = st.desk.counts()
	if at := st.view.changedAt.Load(); at != 0 && time.Unix(0, at).After(s.LastSync) {
		s.LastSync = time.Unix(0, at)
	}
	return s
}

// program builds the session's own screen and Bubble Tea program: the
// session's PTY size (clamped, at start and on every resize, to
// MaxWidth×MaxHeight), TERM and environment (so its colour profile), its
// own background query, its language; no signal handler, since signals
// are the server's; and the filter that turns a suspend into nothing, so
// ctrl+z never stops the server.
func (s *Server) program(sess ssh.Session) *tea.Program {
	v, ok := s.live.Load(sess)
	if !ok {
		return nil
	}
	st := v.(*session)
	model := ui.New(ui.Options{Cache: st.view, Syncer: st.listen, Lang: st.lang, Location: st.loc,
		Logger: s.log.With("user", st.user.ID, "conn", st.conn), NoColor: st.noColor,
		Context: st.ctx, Now: s.now, Documents: st.view, Deliveries: st.view})
	// These follow MakeOptions' and replace its size and its filter.
	opts := append(bm.MakeOptions(sess), tea.WithInput(st.input), tea.WithoutSignalHandler(),
		tea.WithWindowSize(st.pty.Window.Width, st.pty.Window.Height), tea.WithFilter(sessionFilter))
	p := tea.NewProgram(model, opts...)
	go s.watchIdle(st, p)
	go s.watchAccess(st, p)
	return p
}

// end closes the session's view and logs the logout once the program has
// ended.
func (s *Server) end(sess ssh.Session, st *session) {
	s.live.Delete(sess)
	st.cancel()
	s.close(st)
	reason := "quit"
	switch {
	case st.idled.Load():
		reason = "idle"
		fmt.Fprint(sess, st.msgs.idle(s.idle)+"\r\n")
	case st.withdrawn.Load():
		reason = "access_withdrawn"
		fmt.Fprint(sess, st.msgs.withdrawn+"\r\n")
	case sess.Context().Err() != nil:
		reason = "disconnected"
	}
	s.log.Info("ssh logout", "user", st.user.ID, "fingerprint", st.fp, "conn", st.conn,
		"reason", reason, "duration", time.Since(st.start).Round(time.Second).String())
	_ = sess.Exit(0)
}

// refuse logs why a session was refused and tells the user in plain
// words, then ends the session with status 1.
func (s *Server) refuse(sess ssh.Session, st *session, err error) {
	reason := reasonOf(err)
	attrs := []any{"reason", reason, "fingerprint", st.fp, "conn", st.conn}
	if st.user.ID != "" {
		attrs = append(attrs, "user", st.user.ID)
	}
	if reason == reasonLookup || reason == reasonNoDesk {
		attrs = append(attrs, "err", err)
	}
	s.log.Info("ssh refused", attrs...)
	msg := st.msgs.refused
	switch reason {
	case reasonNoRole:
		msg = st.msgs.noRole
	case reasonNoPTY:
		msg = st.msgs.noPTY
	case reasonNoDesk, reasonLookup:
		msg = st.msgs.unavailable
	}
	fmt.Fprint(sess.Stderr(), msg+"\r\n")
	_ = sess.Exit(1)
}

// shortID shortens a connection's session ID for logs.
func shortID(id string) string {
	if len(id) > 16 {
		return id[:16]
	}
	return id
}

// waitFor waits for ch to close or ctx to end.
func waitFor(ctx context.Context, ch <-chan struct{}) error {
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
