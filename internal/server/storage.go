package server

import (
	"context"

	"github.com/instruct-dev/instruct/internal/review"
)

// Storage is what the server needs of its database: the review
// service's storage (internal/ledger on SQLite or PostgreSQL), which the
// server also reads for authentication, health, the audit log and the
// event streams' polls.
type Storage = review.Storage

// WriteChecker is implemented by a Storage that can tell whether it can
// write now (internal/ledger): /healthz then reports a database that
// answers reads but cannot write, on a full disk, as unavailable.
type WriteChecker interface {
	// CanWrite returns nil when the storage can write now, else an
	// unavailable error that says why.
	CanWrite(ctx context.Context) error
}

// ChangeNotifier is implemented by a Storage that several server
// instances may share (internal/ledger on PostgreSQL), to tell each at
// once of the changes the others commit; event streams then catch up
// without waiting for their poll. A Storage without it, or whose Changed
// returns nil, is polled every Config.StreamPoll.
type ChangeNotifier interface {
	// Changed returns a channel closed when a change is known to have
	// been committed after the call (or some may have been missed); call
	// it again for the next one. Many goroutines may wait on it.
	Changed() <-chan struct{}
}
