package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/backoff"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// Answer size limits: what the client reads of a server's answer at most.
// Those of answers that carry requests and events are the server's own
// bounds (internal/api), so that the client reads whatever the server may
// send: a request alone is well under smallAnswerLimit.
const (
	smallAnswerLimit = 4 << 20
	// historyAnswerLimit bounds a request with its events: GET …/events,
	// and the answers to changes, whose stale_version problem carries the
	// request and the events since the caller's version.
	historyAnswerLimit = api.MaxFeedItemBytes
	// pageAnswerLimit bounds a page of the change feed or of GET /requests.
	pageAnswerLimit = api.MaxFeedPageBytes
	// catalogueAnswerLimit bounds the API catalogue.
	catalogueAnswerLimit = 64 << 20
)

// call describes one API call: what to send, what may be retried, how
// much of the answer to read.
type call struct {
	method string
	// path is under api.BasePath; public calls (/healthz) are outside
	// it and carry no token.
	path   string
	query  url.Values
	body   []byte
	header http.Header
	retry  retryMode
	limit  int64
	// keepHead keeps the first limit bytes of a longer answer (and marks
	// it cut) instead of failing.
	keepHead bool
	public   bool
}

// answer is a server's answer, read whole.
type answer struct {
	status int
	header http.Header
	body   []byte
	// cut is true when body is the head of a longer answer (keepHead).
	cut bool
}

func (a answer) ok() bool { return a.status >= 200 && a.status < 300 }

// do sends k, retrying while its retry mode allows, and returns the first
// successful answer or the error of the last attempt.
func (c *Client) do(ctx context.Context, k call) (answer, error) {
	waits := backoff.Backoff{Min: c.opts.MinBackoff, Max: c.opts.MaxBackoff, Draw: c.opts.Jitter}
	for attempt := 0; ; attempt++ {
		ans, err := c.send(ctx, k)
		if ctx.Err() != nil {
			return answer{}, fmt.Errorf("%s %s: %w", k.method, k.path, ctx.Err())
		}
		if err == nil && ans.ok() {
			return ans, nil
		}
		failure := c.failure(k, ans, err)
		if attempt >= c.opts.MaxRetries || !k.retry.allows(ans, err) {
			return answer{}, failure
		}
		delay := delay(&waits, ans)
		c.log.Debug("retrying api call", "method", k.method, "path", k.path,
			"attempt", attempt+1, "delay", delay, "error", failure)
		if err := c.opts.Sleep(ctx, delay); err != nil {
			return answer{}, fmt.Errorf("%s %s: %w", k.method, k.path, err)
		}
	}
}

// failure is the error a failed attempt gives the caller.
func (c *Client) failure(k call, ans answer, err error) error {
	switch {
	case err == nil:
		return problemError(ans.status, ans.body)
	case isAnswerTooLarge(err):
		return fmt.Errorf("%s %s: %w", k.method, k.path, errors.Join(err,
			instruct.Errorf(instruct.CodeTooLarge, "the server's answer is larger than this client reads")))
	default:
		return unavailable(err)
	}
}

// send makes one attempt of k within the per-attempt timeout and reads
// the whole answer; its error is a transport error or an oversized answer.
func (c *Client) send(ctx context.Context, k call) (answer, error) {
	ctx, cancel := context.WithTimeout(ctx, c.opts.Timeout)
	defer cancel()
	req, err := c.newRequest(ctx, k)
	if err != nil {
		return answer{}, err
	}
	res, err := c.http.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	body, err := readLimited(res.Body, k.limit)
	cut := false
	if isAnswerTooLarge(err) && k.keepHead && res.StatusCode >= 200 && res.StatusCode < 300 {
		body, cut, err = body[:k.limit], true, nil
	}
	if err != nil {
		return answer{}, err
	}
	return answer{status: res.StatusCode, header: res.Header, body: body, cut: cut}, nil
}

func (c *Client) newRequest(ctx context.Context, k call) (*http.Request, error) {
	var body io.Reader
	if k.body != nil {
		body = bytes.NewReader(k.body)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, c.url(k), body)
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", k.method, k.path, err)
	}
	for name, values := range k.header {
		req.Header[name] = values
	}
	if req.Header.Get("Accept") == "" {
		req.Header.Set("Accept", "application/json")
	}
	if k.body != nil && req.Header.Get("Content-Type") == "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if !k.public {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	return req, nil
}

func (c *Client) url(k call) string {
	u := c.base
	if !k.public {
		u += api.BasePath
	}
	u += k.path
	if len(k.query) > 0 {
		u += "?" + k.query.Encode()
	}
	return u
}

// readLimited reads r whole, failing with an answerTooLargeError past
// limit bytes (with the limit+1 bytes read).
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	if limit <= 0 {
		limit = smallAnswerLimit
	}
	body, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(body)) > limit {
		return body, answerTooLargeError{limit: limit}
	}
	return body, nil
}
