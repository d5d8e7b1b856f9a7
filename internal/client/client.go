// Package client is the HTTP client of the instruct server API v1
// (design/API.md). It sends the bearer token, bounds every call with a
// timeout and every answer with a size limit, retries with jittered
// exponential backoff (package backoff) where a retry is safe, and turns
// problem+json answers back into instruct domain errors, so that callers
// match errors by code whether they arose locally or on the server.
package client

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Defaults of Options.
const (
	DefaultTimeout    = 15 * time.Second
	DefaultMaxRetries = 5
	DefaultMinBackoff = 200 * time.Millisecond
	DefaultMaxBackoff = 10 * time.Second
	DefaultStreamIdle = 45 * time.Second
)

// Options tunes a Client. The zero value is usable.
type Options struct {
	// HTTP sends the requests; nil means a client of its own.
	HTTP *http.Client
	// Timeout bounds each attempt of a call, reading the answer
	// included; 0 means DefaultTimeout.
	Timeout time.Duration
	// MaxRetries is how many times a call is retried when a retry is
	// safe; 0 means DefaultMaxRetries, a negative value no retry.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the exponential backoff between
	// attempts; 0 means DefaultMinBackoff and DefaultMaxBackoff.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// StreamIdle is how long Stream waits for any byte, heartbeats
	// included, before it takes the stream for broken; 0 means
	// DefaultStreamIdle.
	StreamIdle time.Duration
	// Logger receives retries at debug level; nil discards them.
	Logger *slog.Logger
	// Sleep waits d or until ctx ends; nil means a timer. Tests replace
	// it to observe the delays without waiting.
	Sleep func(ctx context.Context, d time.Duration) error
	// Jitter draws the wait before a retry from its ceiling; nil means
	// backoff.Jitter, a uniform draw in the ceiling's upper half.
	Jitter func(ceiling time.Duration) time.Duration
}

// Client calls one server as one user. It is safe for concurrent use.
type Client struct {
	base  string
	token string
	http  *http.Client
	opts  Options
	log   *slog.Logger
}

// New returns a client of the server at baseURL (such as
// "http://127.0.0.1:8080"), authenticating with token.
func New(baseURL, token string, opts Options) *Client {
	opts = withDefaults(opts)
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{
		base:  strings.TrimRight(baseURL, "/"),
		token: token,
		http:  opts.HTTP,
		opts:  opts,
		log:   log,
	}
}

func withDefaults(o Options) Options {
	if o.HTTP == nil {
		o.HTTP = &http.Client{Transport: newTransport()}
	}
	o.Timeout = orDefault(o.Timeout, DefaultTimeout)
	o.MinBackoff = orDefault(o.MinBackoff, DefaultMinBackoff)
	o.MaxBackoff = orDefault(o.MaxBackoff, DefaultMaxBackoff)
	o.StreamIdle = orDefault(o.StreamIdle, DefaultStreamIdle)
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = DefaultMaxRetries
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	if o.Sleep == nil {
		o.Sleep = sleep
	}
	return o
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	return t
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
