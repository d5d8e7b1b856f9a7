package sshd

import (
	"io"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// activity is a session's input that remembers when the user last typed
// (or the terminal last answered). Output doesn't count: the screen
// redraws on its own.
type activity struct {
	r    io.Reader
	base time.Time
	// last is when input last came, as time since base (monotonic).
	last atomic.Int64
}

func newActivity(r io.Reader) *activity {
	return &activity{r: r, base: time.Now()}
}

// Read reads the session's input, noting the time.
func (a *activity) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if n > 0 {
		a.last.Store(int64(time.Since(a.base)))
	}
	return n, err
}

// idleFor is how long ago input last came.
func (a *activity) idleFor() time.Duration {
	return time.Since(a.base) - time.Duration(a.last.Load())
}

// watchIdle quits p once st has had no input for the idle timeout, and
// returns when the session ends.
func (s *Server) watchIdle(st *session, p *tea.Program) {
	timer := time.NewTimer(s.idle)
	defer timer.Stop()
	for {
		select {
		case <-st.ctx.Done():
			return
		case <-timer.C:
		}
		if left := s.idle - st.input.idleFor(); left > 0 {
			timer.Reset(left)
			continue
		}
		st.idled.Store(true)
		p.Quit()
		return
	}
}

// watchAccess looks the session's key up again every access-check
// interval and quits p once the key was removed, now belongs to someone
// else, or its user lost every role, so that an administrator's removal
// ends the sessions already open. Roles changed otherwise change the
// session's view, and its screen reloads. A failed lookup is logged and
// tried again at the next check. It returns when the session ends.
func (s *Server) watchAccess(st *session, p *tea.Program) {
	ticker := time.NewTicker(s.accessCheck)
	defer ticker.Stop()
	for {
		select {
		case <-st.ctx.Done():
			return
		case <-ticker.C:
		}
		u, err := s.users.UserBySSHFingerprint(st.ctx, st.fp)
		if withdrawn(st, u, err) {
			st.withdrawn.Store(true)
			p.Quit()
			return
		}
		if err != nil {
			if st.ctx.Err() == nil {
				s.log.Warn("ssh access check", "user", st.user.ID, "fingerprint", st.fp, "conn", st.conn, "err", err)
			}
			continue
		}
		if st.view.setUser(u) {
			s.log.Info("ssh roles changed", "user", st.user.ID, "conn", st.conn)
			s.model.hub.reoffer(st.listen)
		}
	}
}

// withdrawn reports whether the lookup of st's key (u, err) says it no
// longer opens a session for its user.
func withdrawn(st *session, u instruct.User, err error) bool {
	switch {
	case instruct.ErrorCode(err) == instruct.CodeNotFound:
		return true
	case err != nil:
		return false
	}
	return u.ID != st.user.ID || !u.IsReviewer()
}
