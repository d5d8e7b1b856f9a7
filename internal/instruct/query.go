package instruct

import "time"

// ListQuery selects requests for a list: by status, definition and text,
// after a keyset position, at most Limit of them.
type ListQuery struct {
	Viewer      Viewer
	Statuses    []Status
	Definitions []string
	// Text matches ID, title, organisation name, SIRET and applicant
	// e-mail.
	Text string
	// After is the request number the page starts after (keyset).
	After int64
	Limit int
}

// FeedItem is one entry of the change feed: a request in its latest state
// and its events after the reader's position.
type FeedItem struct {
	Seq     int64   `json:"seq"`
	Request Request `json:"request"`
	Events  []Event `json:"events"`
	// Habilitations are every habilitation of the request as it is now.
	Habilitations []Habilitation `json:"habilitations,omitempty"`
}

// History is a request with its whole history, for imports such as the
// demo data. CreatedBy is the user ID of the applicant who created it.
type History struct {
	Request   Request
	CreatedBy string
	Events    []Event
	// Habilitations are the habilitations its approvals issued, oldest
	// first, with their IDs (which its events name).
	Habilitations []Habilitation
}

// HabilitationQuery selects habilitations for a list: by definition,
// status and SIRET, after a keyset position (a habilitation number), at
// most Limit of them, among those Viewer may see.
type HabilitationQuery struct {
	Viewer     Viewer
	Definition string
	Status     HabilitationStatus
	SIRET      string
	After      int64
	Limit      int
}

// Mutation is a change to one request, applied by the server's storage in
// one write transaction.
type Mutation struct {
	RequestID RequestID
	// IfMatch is the version the change is based on; 0 means no
	// precondition (notes and messages).
	IfMatch int64
	// HabilitationID, when set, names the habilitation of the request the
	// change is about: IfMatch is then that habilitation's version, and a
	// request without it is not_found.
	HabilitationID HabilitationID
	// IdempotencyKey and Fingerprint (a hash of what was asked) make a
	// retried mutation a replay; an empty key disables idempotency.
	IdempotencyKey string
	Fingerprint    string
	Now            time.Time
	// Change is what the mutation does to the request.
	Change Change
}

// Outcome is what applying a mutation did: the request's new state, the
// event recorded, and whether it was a replay of an earlier identical
// mutation.
type Outcome struct {
	Request Request
	Event   Event
	// Habilitation is the habilitation the event names (one an approval
	// issued or a revocation revoked), as the change left it; nil when
	// the event names none.
	Habilitation *Habilitation
	Replayed     bool
}
