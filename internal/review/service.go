package review

import (
	"context"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/stats"
)

// Storage is what the service needs of the server's database.
// internal/ledger implements it on SQLite and PostgreSQL; every method is
// safe for concurrent use. Errors carry instruct codes: not_found for a
// missing request or user, stale_version (*instruct.StaleError) for a
// version mismatch, idempotency_key_reused, invalid_transition,
// comment_required.
type Storage interface {
	// UserByTokenHash returns the user owning the token whose SHA-256 is
	// hash, or not_found.
	UserByTokenHash(ctx context.Context, hash []byte) (instruct.User, error)

	// Request returns request number id with the user ID of its creator.
	Request(ctx context.Context, id instruct.RequestID) (instruct.Request, string, error)
	// Requests lists the requests q selects and the viewer may see,
	// ordered by request number, at most q.Limit.
	Requests(ctx context.Context, q instruct.ListQuery) ([]instruct.Request, error)
	// Events returns the events of request id, oldest first.
	Events(ctx context.Context, id instruct.RequestID) ([]instruct.Event, error)

	// Changes returns, ordered by seq, the requests the viewer may see
	// whose last change is after seq `after`, each once with its latest
	// state and its events after `after`; at most limit of them, and
	// whether more follow.
	Changes(ctx context.Context, v instruct.Viewer, after int64, limit int) ([]instruct.FeedItem, bool, error)
	// ChangesFrom is Changes for a reader part-way through a pull that
	// began at seq base: the requests changed after `after`, each with
	// its events after base, so that a request whose earlier events fell
	// before a page boundary still brings them all.
	ChangesFrom(ctx context.Context, v instruct.Viewer, base, after int64, limit int) ([]instruct.FeedItem, bool, error)
	// FeedHorizon returns the oldest seq a cursor may carry: cursors
	// before it were purged and must resync from 0.
	FeedHorizon(ctx context.Context) (int64, error)
	// LastSeq returns the last seq assigned.
	LastSeq(ctx context.Context) (int64, error)
	// LostByTransfer returns the seq of the last transfer after seq
	// `after` that took from applicant u a request they file no longer,
	// 0 when none did.
	LostByTransfer(ctx context.Context, u instruct.User, after int64) (int64, error)

	// Create stores a new draft built from the patch, created by actor,
	// and records its create event.
	Create(ctx context.Context, actor instruct.Actor, p instruct.RequestPatch, now time.Time) (instruct.Request, error)
	// Apply runs m in one write transaction: replays m.IdempotencyKey if
	// it was used (Outcome.Replayed), checks m.IfMatch against the
	// request's version, applies m.Change, assigns the next seq to the
	// event, chains its hash, bumps the version when the change says so,
	// and stores the idempotency record with the outcome.
	Apply(ctx context.Context, m instruct.Mutation) (instruct.Outcome, error)

	// Habilitation returns habilitation id with the user ID of the
	// account that files its request, or not_found.
	Habilitation(ctx context.Context, id instruct.HabilitationID) (instruct.Habilitation, string, error)
	// Habilitations lists the habilitations q selects and q.Viewer may
	// see, ordered by number, at most q.Limit.
	Habilitations(ctx context.Context, q instruct.HabilitationQuery) ([]instruct.Habilitation, error)
	// ActiveDefinitions returns, for each of sirets, the definitions its
	// organisation holds an active habilitation of.
	ActiveDefinitions(ctx context.Context, sirets []string) (map[string][]string, error)
	// UserByEmail returns the user with that e-mail (case-insensitive),
	// or not_found.
	UserByEmail(ctx context.Context, email string) (instruct.User, error)
	// StatHistories returns the marks the statistics read (stats.Counts)
	// of the requests of definitions defs, by request number, each
	// request's marks in seq order.
	StatHistories(ctx context.Context, defs []string) ([]stats.History, error)

	// Audit returns the hash-chained log after seq `after`, at most limit.
	Audit(ctx context.Context, after int64, limit int) ([]instruct.AuditEntry, error)

	DeliveryStorage
}

// Config is what a Service is built from.
type Config struct {
	// Storage is the database; required.
	Storage Storage
	// Catalogue is the API catalogue; a request can be created only for
	// one of its definitions.
	Catalogue []instruct.Definition
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Extract reads the text of the PDFs applicants upload; nil reads it
	// in-process within pdftext's page and text caps, which only trusted
	// files may be (tests, tools): the server wires a pdftext.Extractor.
	Extract ExtractFunc
}

// Service applies the review rules for every front. Create it with New;
// it is safe for concurrent use.
type Service struct {
	store     Storage
	catalogue []instruct.Definition
	now       func() time.Time
	inflight  *inflight
	hub       *hub
	extract   ExtractFunc
}

// New returns the service configured by cfg.
func New(cfg Config) *Service {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Extract == nil {
		cfg.Extract = inProcessExtract
	}
	return &Service{store: cfg.Storage, catalogue: cfg.Catalogue, now: cfg.Now, inflight: newInflight(), hub: newHub(),
		extract: cfg.Extract}
}

// Storage returns the database the service works on, for what is not a
// rule: authentication, health, the audit log.
func (s *Service) Storage() Storage { return s.store }

// Catalogue returns the API catalogue, in the order it was given.
func (s *Service) Catalogue() []instruct.Definition { return s.catalogue }

// Definition returns the catalogue entry of id.
func (s *Service) Definition(id string) (instruct.Definition, bool) {
	for _, d := range s.catalogue {
		if d.ID == id {
			return d, true
		}
	}
	return instruct.Definition{}, false
}

// clock returns the service's time, in UTC to the microsecond, the
// precision every storage keeps, so that a replayed answer equals the
// first.
func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }
