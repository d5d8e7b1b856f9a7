package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/review"
)

// Defaults of Config.
const (
	// DefaultRatePerSecond and DefaultRateBurst are the per-token rate
	// limit: sustained requests per second, and how many may come at
	// once. The burst lets a client push a full outbox of 1,000
	// decisions without waiting.
	DefaultRatePerSecond = 200
	DefaultRateBurst     = 1000
	// DefaultHeartbeat is how often an idle event stream sends a comment
	// so that clients and proxies know it is alive.
	DefaultHeartbeat = 15 * time.Second
	// DefaultStreamPoll is how often an event stream polls the database
	// for changes made by other server instances.
	DefaultStreamPoll = 5 * time.Second
)

// RateLimit is a per-token token bucket: PerSecond requests a second on
// average, Burst at once. The zero value means the defaults; PerSecond
// NoRateLimit (any negative value) disables the limit.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// NoRateLimit is the RateLimit.PerSecond that disables the limit
// (benchmarks).
const NoRateLimit = -1

// Config is what a Server is built from.
type Config struct {
	// Storage is the database; required.
	Storage Storage
	// Catalogue is the API catalogue served by GET /definitions, in the
	// order given; a request can be created only for one of them.
	Catalogue []instruct.Definition
	// Review is the review service the API adapts; nil means one built
	// from Storage, Catalogue and Now. Give the one SSH sessions share,
	// so that their decisions reach this server's event streams at once.
	Review *review.Service
	// Logger receives one JSON line per request; nil discards logs.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// RateLimit limits the requests of each token.
	RateLimit RateLimit
	// Heartbeat and StreamPoll tune the event stream; 0 means
	// DefaultHeartbeat and DefaultStreamPoll.
	Heartbeat  time.Duration
	StreamPoll time.Duration
	// Limits bound what one client may hold of the server (see
	// HTTPServer and Listener).
	Limits Limits
	// Extract reads the text of uploaded PDFs when Review is nil (see
	// review.Config.Extract): give a pdftext.Extractor's Extract.
	Extract review.ExtractFunc
}

// Server serves the HTTP API v1 of design/API.md. Create it with New,
// serve HTTPServer on Listener (or mount Handler), and call Close on
// shutdown to end the event streams.
type Server struct {
	store     Storage
	catalogue []instruct.Definition
	log       *slog.Logger
	now       func() time.Time
	limiter   *limiter
	review    *review.Service
	relay     *changeRelay
	heartbeat time.Duration
	poll      time.Duration
	limits    Limits
	mux       *http.ServeMux
	uploads   chan struct{}
	base      context.Context
	cancel    context.CancelFunc
}

// New returns a server configured by cfg.
func New(cfg Config) *Server {
	cfg = withDefaults(cfg)
	base, cancel := context.WithCancel(context.Background())
	s := &Server{
		store:     cfg.Storage,
		catalogue: cfg.Catalogue,
		log:       cfg.Logger,
		now:       cfg.Now,
		limiter:   newLimiter(cfg.RateLimit, cfg.Now),
		review:    cfg.Review,
		heartbeat: cfg.Heartbeat,
		poll:      cfg.StreamPoll,
		limits:    cfg.Limits,
		uploads:   make(chan struct{}, maxUploads),
		base:      base,
		cancel:    cancel,
	}
	s.relay = s.startRelay(cfg.Storage)
	s.mux = s.newMux()
	return s
}

func withDefaults(cfg Config) Config {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Review == nil {
		cfg.Review = review.New(review.Config{Storage: cfg.Storage, Catalogue: cfg.Catalogue, Now: cfg.Now, Extract: cfg.Extract})
	}
	if cfg.RateLimit.PerSecond == 0 {
		cfg.RateLimit.PerSecond = DefaultRatePerSecond
	}
	if cfg.RateLimit.Burst <= 0 {
		cfg.RateLimit.Burst = DefaultRateBurst
	}
	if cfg.Heartbeat <= 0 {
		cfg.Heartbeat = DefaultHeartbeat
	}
	if cfg.StreamPoll <= 0 {
		cfg.StreamPoll = DefaultStreamPoll
	}
	cfg.Limits = cfg.Limits.withDefaults()
	return cfg
}

// Handler returns the HTTP handler of the whole API.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Close ends the event streams in progress and refuses new ones; call it
// before http.Server.Shutdown, which waits for handlers to return.
func (s *Server) Close() { s.cancel() }
