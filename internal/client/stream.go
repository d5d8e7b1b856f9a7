package client

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
)

// Stream listens to GET /stream, calls opened once the server accepted
// the stream, and onChange with the seq of each change the server
// announces. It returns when ctx ends (with ctx's
// error) or when the stream breaks, ends, takes longer than
// Options.Timeout to open or stays silent longer than Options.StreamIdle
// (with an error of code unavailable); an error answer is mapped as for
// other calls. It does not reconnect: that is the caller's policy.
func (c *Client) Stream(ctx context.Context, opened func(), onChange func(seq int64)) error {
	streamCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	dog := newWatchdog(c.opts.Timeout, cancel)
	defer dog.stop()
	res, err := c.openStream(streamCtx)
	if err == nil {
		defer res.Body.Close()
		dog.rearm(c.opts.StreamIdle)
		opened()
		err = c.readStream(&kickingReader{r: res.Body, dog: dog, every: c.opts.StreamIdle}, onChange)
	}
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("stream: %w", ctx.Err())
	case dog.fired.Load():
		return unavailable(errors.New("the event stream timed out"))
	case err == nil:
		return unavailable(errors.New("the server ended the event stream"))
	}
	return err
}

// openStream connects to the stream and checks the answer.
func (c *Client) openStream(ctx context.Context) (*http.Response, error) {
	req, err := c.newRequest(ctx, call{method: http.MethodGet, path: "/stream"})
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream")
	res, err := c.http.Do(req)
	if err != nil {
		return nil, unavailable(err)
	}
	if res.StatusCode == http.StatusOK {
		return res, nil
	}
	defer res.Body.Close()
	body, err := readLimited(res.Body, smallAnswerLimit)
	if err != nil {
		return nil, unavailable(err)
	}
	return nil, problemError(res.StatusCode, body)
}

// readStream reads events until r fails or ends, passing the seq of each
// change event to onChange. It returns nil at the end of r.
func (c *Client) readStream(r io.Reader, onChange func(seq int64)) error {
	events := newEventReader(r)
	for {
		ev, err := events.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return unavailable(err)
		}
		if ev.name != "change" {
			continue
		}
		change, err := decode[api.StreamChange]([]byte(ev.data))
		if err != nil {
			c.log.Debug("ignoring unreadable stream event", "error", err)
			continue
		}
		onChange(change.Seq)
	}
}

// watchdog calls its function once if not rearmed in time.
type watchdog struct {
	timer *time.Timer
	fired atomic.Bool
}

func newWatchdog(d time.Duration, fire func()) *watchdog {
	w := &watchdog{}
	w.timer = time.AfterFunc(d, func() {
		w.fired.Store(true)
		fire()
	})
	return w
}

func (w *watchdog) rearm(d time.Duration) { w.timer.Reset(d) }

func (w *watchdog) stop() { w.timer.Stop() }

// kickingReader rearms a watchdog on every read that brings bytes.
type kickingReader struct {
	r     io.Reader
	dog   *watchdog
	every time.Duration
}

func (k *kickingReader) Read(p []byte) (int, error) {
	n, err := k.r.Read(p)
	if n > 0 {
		k.dog.rearm(k.every)
	}
	return n, err
}
