package instruct

import "time"

// Sort orders a reviewer's queue.
type Sort string

// The orders of the queue.
const (
	// SortAge puts the requests waiting longest first.
	SortAge Sort = "age"
	// SortUpdated puts the most recently updated first.
	SortUpdated Sort = "updated"
	// SortOrganization orders by organisation name.
	SortOrganization Sort = "organization"
)

// QueueQuery selects the rows of a reviewer's queue from the local cache.
type QueueQuery struct {
	// Statuses keeps requests in one of these statuses (as the reviewer
	// sees them, pending decisions laid over); empty keeps all.
	Statuses []Status
	// Definition keeps one API; empty keeps all.
	Definition string
	// Text searches ID, title, organisation, SIRET, applicant e-mail and
	// scope labels, matching word prefixes.
	Text string
	// Mine, a user ID, keeps the requests that user holds, decided last,
	// or has operations on that the server has not accepted (waiting,
	// in conflict, rejected), those with operations first.
	Mine   string
	Sort   Sort
	Offset int
	// Limit caps the rows; 0 means all.
	Limit int
}

// QueueItem is one line of the queue: enough to draw it, nothing more.
type QueueItem struct {
	ID           RequestID
	Definition   string
	Title        string
	Organization string
	// Status is what the reviewer sees: the server's status with the
	// reviewer's pending decision laid over it.
	Status       Status
	ServerStatus Status
	Version      int64
	SubmittedAt  *time.Time
	UpdatedAt    time.Time
	// Op is the state of the reviewer's latest operation on the request
	// (pending, sending, conflict, rejected), or "" when none is open.
	Op OpState
	// Claim is who holds the request, with the reviewer's own claim or
	// release waiting to sync laid over; nil when nobody does.
	Claim *Claim
	// DecidedAt and DecidedBy date and name the latest decision (approve,
	// refuse, request changes, revoke, archive); nil before any.
	DecidedAt *time.Time
	DecidedBy *Actor
	// Notes is set when the request has internal notes; Unread when its
	// applicant wrote messages since the reviewer last opened it.
	Notes, Unread bool
}
