package sshd

import (
	"io"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
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
