package server

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/review"
)

// streamRetryMillis is the reconnection delay the stream suggests.
const streamRetryMillis = 3000

// relayPause is the least time between two wakes of the event streams
// by the relay: a burst of commits wakes them once or twice, not once a
// commit.
const relayPause = 100 * time.Millisecond

// applicantPollLimit is how many changes a stream poll reads for an
// applicant, whose changes that are only internal notes are skipped; a
// reviewer needs one change to know they must pull.
const applicantPollLimit = 50

// sse writes Server-Sent Events and flushes each, each within the
// write timeout: a client that stops reading is cut, one that reads is
// kept however long the stream lasts.
type sse struct {
	w       io.Writer
	rc      *http.ResponseController
	timeout time.Duration
}

func (e sse) send(text string) error {
	_ = e.rc.SetWriteDeadline(time.Now().Add(e.timeout))
	if _, err := io.WriteString(e.w, text); err != nil {
		return err
	}
	return e.rc.Flush()
}

// change sends one "change" event for seq.
func (e sse) change(seq int64) error {
	data, _ := json.Marshal(api.StreamChange{Seq: seq})
	return e.send(fmt.Sprintf("id: %d\nevent: change\ndata: %s\n\n", seq, data))
}

// streamState is where one event stream stands: the last seq sent, and
// the last seq the database poll has covered.
type streamState struct {
	user    instruct.User
	sent    int64
	checked int64
	// tokenHash is the hash of the token the stream opened with, looked
	// up again at every heartbeat.
	tokenHash []byte
}

// errAccessChanged ends a stream whose token was revoked, or whose user's
// roles changed, since it opened: the client reconnects and is refused,
// or served under its new rights.
var errAccessChanged = errors.New("the stream's access changed")

// stream answers GET /stream with Server-Sent Events: a "change" event
// whenever something the caller may see changed, heartbeat comments
// while idle. It ends when the client leaves or the server closes, and
// at a heartbeat when its token was revoked or its user's roles changed.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	ctx := r.Context()
	if s.base.Err() != nil {
		return instruct.Errorf(instruct.CodeUnavailable, "the server is shutting down")
	}
	sub := s.review.Subscribe(u)
	defer sub.Close()
	_, changed := s.relay.current()
	last, err := s.store.LastSeq(ctx)
	if err != nil {
		return err
	}
	token, _ := bearerToken(r.Header.Get("Authorization"))
	hash := sha256.Sum256([]byte(token))
	st := &streamState{user: u, sent: last, checked: last, tokenHash: hash[:]}
	resumeFrom(st, r.Header.Get("Last-Event-ID"))
	out := s.startStream(w)
	if err := out.send(fmt.Sprintf("retry: %d\n: connected\n\n", streamRetryMillis)); err != nil {
		return nil
	}
	if st.checked < last {
		s.pollStream(ctx, out, st)
	}
	s.runStream(ctx, out, sub, changed, st)
	return nil
}

// resumeFrom rewinds a reconnecting stream to the Last-Event-ID its
// client saw, so that changes made while it was away are announced.
func resumeFrom(st *streamState, lastEventID string) {
	id, err := strconv.ParseInt(lastEventID, 10, 64)
	if err == nil && id >= 0 && id < st.checked {
		st.sent, st.checked = id, id
	}
}

// startStream writes the headers of an event stream. The server's read
// timeout does not cut it (net/http lifts it once the handler of a
// request without a body runs), and each event has its own write
// timeout rather than the response as a whole.
func (s *Server) startStream(w http.ResponseWriter) sse {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	return sse{w: w, rc: rc, timeout: s.limits.WriteTimeout}
}

// runStream sends events until the client leaves, the server closes or
// a write fails. changed is closed when the relay learns of a change
// committed by any instance (nil without relay).
func (s *Server) runStream(ctx context.Context, out sse, sub *review.Subscription, changed <-chan struct{}, st *streamState) {
	heartbeat := time.NewTicker(s.heartbeat)
	defer heartbeat.Stop()
	poll := time.NewTicker(s.poll)
	defer poll.Stop()
	for {
		var err error
		select {
		case <-ctx.Done():
			return
		case <-s.base.Done():
			return
		case <-sub.Wake():
			err = st.announce(out, sub.Take())
		case <-heartbeat.C:
			if err = s.recheck(ctx, st); err == nil {
				err = out.send(": heartbeat\n\n")
			}
		case <-poll.C:
			err = s.pollStream(ctx, out, st)
		case <-changed:
			var last int64
			last, changed = s.relay.current()
			err = s.catchUp(ctx, out, st, last)
		}
		if err != nil {
			return
		}
	}
}

// recheck looks the stream's token up again: errAccessChanged when it
// was revoked or its user's roles changed. A database error is logged and
// the stream goes on; the next heartbeat checks again.
func (s *Server) recheck(ctx context.Context, st *streamState) error {
	u, err := s.store.UserByTokenHash(ctx, st.tokenHash)
	switch {
	case instruct.ErrorCode(err) == instruct.CodeNotFound:
		return errAccessChanged
	case err != nil:
		s.logPollError(ctx, err)
		return nil
	case u.ID != st.user.ID || rolesFingerprint(u) != rolesFingerprint(st.user):
		return errAccessChanged
	}
	return nil
}

// announce sends seq unless a later one was already sent.
func (st *streamState) announce(out sse, seq int64) error {
	if seq <= st.sent {
		return nil
	}
	st.sent = seq
	return out.change(seq)
}

// pollStream catches the changes other server instances made, reading
// the last seq and catching up to it. A database error is logged and
// retried at the next poll; only a write error ends the stream.
func (s *Server) pollStream(ctx context.Context, out sse, st *streamState) error {
	last, err := s.store.LastSeq(ctx)
	if err != nil {
		s.logPollError(ctx, err)
		return nil
	}
	return s.catchUp(ctx, out, st, last)
}

// catchUp covers the stream up to seq last: when last is past what the
// stream covered, it asks the feed for one change the user may see
// after that, and announces it. A database error is logged and left to
// the next poll; only a write error ends the stream.
func (s *Server) catchUp(ctx context.Context, out sse, st *streamState, last int64) error {
	floor := max(st.sent, st.checked)
	if last <= floor {
		return nil
	}
	limit := 1
	if !st.user.IsReviewer() {
		limit = applicantPollLimit
	}
	items, _, err := s.store.Changes(ctx, st.user.Viewer(), floor, limit)
	if err != nil {
		s.logPollError(ctx, err)
		return nil
	}
	st.checked = last
	if items = review.ItemsFor(st.user, items); len(items) > 0 {
		return st.announce(out, items[len(items)-1].Seq)
	}
	return s.announceLoss(ctx, out, st, floor)
}

// announceLoss announces to an applicant's stream the last transfer
// after seq floor that took a request from them, which their feed does
// not bring: their client pulls, and is told to pull again from the
// start. A database error is logged and left to the next poll.
func (s *Server) announceLoss(ctx context.Context, out sse, st *streamState, floor int64) error {
	if !st.user.Viewer().ApplicantOnly {
		return nil
	}
	lost, err := s.store.LostByTransfer(ctx, st.user, floor)
	if err != nil {
		st.checked = floor
		s.logPollError(ctx, err)
		return nil
	}
	if lost == 0 {
		return nil
	}
	return st.announce(out, lost)
}

func (s *Server) logPollError(ctx context.Context, err error) {
	if err != nil && ctx.Err() == nil {
		s.log.WarnContext(ctx, "stream poll", "request_id", exchangeOf(ctx).id, "error", err.Error())
	}
}

// changeRelay tells the event streams of the changes that the storage
// notifies, committed by any server instance: the last seq then, and a
// channel closed when a later one is known. One goroutine reads the
// last seq for all the streams; each catches up from it. A nil relay
// (the storage does not notify) has no channel: streams keep to polling.
type changeRelay struct {
	mu   sync.Mutex
	last int64
	next chan struct{}
}

// startRelay starts relaying the changes store notifies until the server
// closes, or returns nil when it notifies none.
func (s *Server) startRelay(store Storage) *changeRelay {
	n, ok := store.(ChangeNotifier)
	if !ok {
		return nil
	}
	changed := n.Changed()
	if changed == nil {
		return nil
	}
	r := &changeRelay{next: make(chan struct{})}
	go s.relayChanges(r, n, changed)
	return r
}

// current returns the last seq the relay knows of and the channel closed
// when it knows of a later one; 0 and nil for a nil relay.
func (r *changeRelay) current() (int64, <-chan struct{}) {
	if r == nil {
		return 0, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last, r.next
}

// publish records last, when it is past the last seq known, and wakes
// the streams.
func (r *changeRelay) publish(last int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if last <= r.last {
		return
	}
	r.last = last
	close(r.next)
	r.next = make(chan struct{})
}

// relayChanges waits for each change n notifies, reads the last seq and
// publishes it to the streams, pausing relayPause between two, until the
// server closes. A change notified during the pause is published after
// it; a database error leaves the change to the streams' poll.
func (s *Server) relayChanges(r *changeRelay, n ChangeNotifier, changed <-chan struct{}) {
	for {
		select {
		case <-s.base.Done():
			return
		case <-changed:
		}
		changed = n.Changed()
		s.publishLast(r)
		select {
		case <-s.base.Done():
			return
		case <-time.After(relayPause):
		}
	}
}

// publishLast reads the last seq and publishes it to the streams.
func (s *Server) publishLast(r *changeRelay) {
	last, err := s.store.LastSeq(s.base)
	if err != nil {
		if s.base.Err() == nil {
			s.log.Warn("change relay", "error", err.Error())
		}
		return
	}
	r.publish(last)
}
