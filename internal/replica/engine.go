// Package replica is the sync engine between the client's cache and the
// server: it pushes the cache's outbox of decisions, notes, messages,
// claims and releases,
// oldest first, each with its Idempotency-Key and If-Match, then pulls the
// server's change feed into the cache page by page. It keeps conflicts
// and rejections visible in the outbox, backs off while the server is out
// of reach, and reports its status for a status bar. Two syncs never run
// at once on one cache: an in-process mutex and an exclusive lock file
// keep them apart, also across processes (the TUI next to `instruct sync`).
//
// Follow makes an engine that only pulls, from any Feed: ssh-serve keeps
// its one read model of every request with it, following the review
// service in-process.
package replica

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// Cache is what the engine needs of the client's local cache
// (internal/store).
type Cache interface {
	// Pending returns the operations to push, pending and sending,
	// oldest first.
	Pending(ctx context.Context) ([]instruct.Operation, error)
	// SetOpState records where an operation stands.
	SetOpState(ctx context.Context, id string, state instruct.OpState, reason string, conflict *instruct.StaleError) error
	// SetClaimed records a claim or release the server refused because
	// another reviewer holds the request, with their claim.
	SetClaimed(ctx context.Context, id string, claim instruct.Claim, reason string) error
	// Reject records an operation the server refused for good, with the
	// API error code it answered and its own words.
	Reject(ctx context.Context, id string, code instruct.Code, reason string) error
	// Accept records an operation accepted, with the server's answer.
	Accept(ctx context.Context, id string, r instruct.Request, e instruct.Event) error
	// Cursor returns the feed cursor of the last page applied, "" for none.
	Cursor(ctx context.Context) (string, error)
	// ApplyPage stores a feed page and its cursor in one transaction.
	ApplyPage(ctx context.Context, items []instruct.FeedItem, cursor string) error
	// ResetFeed drops the cached requests and the cursor, keeping the
	// outbox.
	ResetFeed(ctx context.Context) error
	// PutDefinitions replaces the cached catalogue.
	PutDefinitions(ctx context.Context, defs []instruct.Definition) error
	// PutMe caches the signed-in user.
	PutMe(ctx context.Context, u instruct.User) error
	// Summary counts the outbox: Pending, Conflicts, Rejected.
	Summary(ctx context.Context) (instruct.SyncStatus, error)
	// SetLastSync records when a sync last succeeded; LastSync returns
	// it, the zero time if none has.
	SetLastSync(ctx context.Context, t time.Time) error
	LastSync(ctx context.Context) (time.Time, error)
	// Heal replaces the cache file once a call found it damaged
	// (instruct.ErrCacheDamaged), keeping its outbox; it returns how,
	// or nil when no damage was found.
	Heal(ctx context.Context) (*instruct.CacheRecovery, error)
}

// Feed is what the engine pulls from: the server's change feed over HTTP
// (internal/client), or read in-process (the read model of ssh-serve,
// internal/sshd.Feed).
type Feed interface {
	// Me returns the signed-in user with their roles.
	Me(ctx context.Context) (instruct.User, error)
	// Definitions returns the API catalogue.
	Definitions(ctx context.Context) ([]instruct.Definition, error)
	// Changes returns the feed page after cursor; an expired cursor
	// fails with code cursor_expired.
	Changes(ctx context.Context, cursor string, limit int) (api.ChangesPage, error)
	// Stream calls opened once the server accepted the stream, then
	// onChange for each change it announces, until ctx ends or the
	// stream breaks.
	Stream(ctx context.Context, opened func(), onChange func(seq int64)) error
}

// API is what the engine needs of the server (internal/client): its feed,
// and where the outbox is pushed.
type API interface {
	Feed
	// Decide posts a decision with its Idempotency-Key and If-Match; a
	// version mismatch fails with a *instruct.StaleError.
	Decide(ctx context.Context, key string, id instruct.RequestID, ifMatch int64, in api.DecisionInput) (api.DecisionResult, error)
	// Note posts a note or a message with its Idempotency-Key.
	Note(ctx context.Context, key string, id instruct.RequestID, in api.NoteInput) (api.NoteResult, error)
	// Claim takes (or, with release, leaves) a request with its
	// Idempotency-Key; another's claim fails with a
	// *instruct.ClaimedError.
	Claim(ctx context.Context, key string, id instruct.RequestID, release, force bool) (api.ClaimResult, error)
	// RevokeHabilitation revokes one habilitation with its
	// Idempotency-Key and If-Match (the habilitation's version); a
	// version mismatch fails with code stale_version.
	RevokeHabilitation(ctx context.Context, key string, id instruct.HabilitationID, ifMatch int64, comment string) (api.DecisionResult, error)
	// Transfer gives a request to the user with an e-mail, with its
	// Idempotency-Key and If-Match; an unknown e-mail fails with code
	// invalid.
	Transfer(ctx context.Context, key string, id instruct.RequestID, ifMatch int64, in api.TransferInput) (api.DecisionResult, error)
}

// Defaults of Options.
const (
	DefaultPollInterval = 30 * time.Second
	DefaultPageLimit    = 1000
	// DefaultPushConcurrency keeps a few decisions on their way at once,
	// so that a push over a slow network isn't bound by its round trips.
	DefaultPushConcurrency = 4
	DefaultMinBackoff      = time.Second
	DefaultMaxBackoff      = 2 * time.Minute
	// metaMaxAge is how long the cached user and catalogue are trusted
	// before a sync reads them again.
	metaMaxAge = 10 * time.Minute
)

// Options tunes an Engine. The zero value is usable.
type Options struct {
	// Logger receives one line per sync problem; nil discards logs.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// PollInterval is how often Run syncs without being asked; 0 means
	// DefaultPollInterval.
	PollInterval time.Duration
	// PageLimit is the size of the feed pages asked for; 0 means
	// DefaultPageLimit.
	PageLimit int
	// PushConcurrency is how many operations may be on their way to the
	// server at once, each on another request; 0 means
	// DefaultPushConcurrency, 1 sends them strictly oldest first.
	PushConcurrency int
	// MinBackoff and MaxBackoff bound the wait of Run between failed
	// syncs and between stream reconnections; 0 means the defaults.
	MinBackoff time.Duration
	MaxBackoff time.Duration
	// LockPath is the lock file that keeps syncs of one cache apart
	// across processes, conventionally the cache's path + ".lock"; ""
	// keeps them apart only within this engine.
	LockPath string
}

// Engine syncs one cache with one server. Its methods are safe for
// concurrent use.
type Engine struct {
	cache Cache
	feed  Feed
	// api pushes the outbox; nil for an engine that only follows the
	// feed (Follow).
	api  API
	opts Options
	log  *slog.Logger
	// turn is held by the sync under way (a one-slot semaphore, so that
	// waiting for it heeds the context).
	turn    chan struct{}
	trigger chan struct{}
	updates chan instruct.SyncStatus

	mu     sync.Mutex
	status instruct.SyncStatus
	// metaAt is when the user and catalogue were last cached; guarded
	// by turn.
	metaAt time.Time
}

// New returns an engine syncing cache with the server behind api.
func New(cache Cache, api API, opts Options) *Engine {
	e := Follow(cache, api, opts)
	e.api = api
	return e
}

// Follow returns an engine that keeps cache up to date with feed and
// pushes nothing: for a cache that is a read model, such as the one
// ssh-serve shares between its sessions, whose decisions go to the
// review service directly.
func Follow(cache Cache, feed Feed, opts Options) *Engine {
	opts = withDefaults(opts)
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Engine{
		cache:   cache,
		feed:    feed,
		opts:    opts,
		log:     log,
		turn:    make(chan struct{}, 1),
		trigger: make(chan struct{}, 1),
		updates: make(chan instruct.SyncStatus, 1),
	}
}

func withDefaults(o Options) Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PollInterval <= 0 {
		o.PollInterval = DefaultPollInterval
	}
	if o.PageLimit <= 0 {
		o.PageLimit = DefaultPageLimit
	}
	if o.PushConcurrency <= 0 {
		o.PushConcurrency = DefaultPushConcurrency
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = DefaultMinBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	return o
}

// Trigger asks Run for a sync now. It never blocks; triggers made while
// one is waiting coalesce into one sync.
func (e *Engine) Trigger() {
	select {
	case e.trigger <- struct{}{}:
	default:
	}
}

// Status returns the engine's latest status.
func (e *Engine) Status() instruct.SyncStatus {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status
}

// Updates delivers the engine's status each time it changes. The channel
// holds only the latest status: a slow reader misses intermediate ones,
// never the last, and never slows the engine.
func (e *Engine) Updates() <-chan instruct.SyncStatus { return e.updates }

// setStatus changes the status under the lock and publishes it.
func (e *Engine) setStatus(change func(*instruct.SyncStatus)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	change(&e.status)
	select {
	case <-e.updates:
	default:
	}
	e.updates <- e.status
}
