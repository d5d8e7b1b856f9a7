// Package api holds the wire types of the server API v1: the JSON shapes
// that the server writes and the client reads, kept in one place so the
// two cannot drift apart. See design/API.md for the contract.
package api

import "github.com/instruct-dev/instruct/internal/instruct"

// BasePath is the prefix of every API v1 path.
const BasePath = "/api/v1"

// Headers of the contract.
const (
	HeaderIdempotencyKey = "Idempotency-Key"
	HeaderIfMatch        = "If-Match"
	HeaderETag           = "ETag"
	HeaderReplayed       = "Idempotent-Replayed"
	HeaderRetryAfter     = "Retry-After"
	HeaderRequestID      = "X-Request-Id"
)

// MaxBodyBytes is the largest request body the server reads.
const MaxBodyBytes = 1 << 20

// Sizes of the server's answers, derived from the bounds of a request
// and its history (internal/instruct), so that the client always reads
// whatever the server may send.
const (
	// FeedPageBudget is what the server packs a change-feed page (and a
	// page of GET /requests) to: it adds items while the page stays
	// within it, and a page always holds at least one item.
	FeedPageBudget = 4 << 20
	// envelopeBytes is room for what wraps the items of an answer: keys,
	// commas, the cursor.
	envelopeBytes = 64 << 10
	// MaxFeedItemBytes bounds the JSON of one feed item: a request with
	// all its events. It also bounds GET /requests/{id}/events and a
	// stale_version problem with its current request and events_since.
	MaxFeedItemBytes = instruct.MaxHistoryBytes + envelopeBytes
	// MaxFeedPageBytes bounds a page of the change feed or of GET
	// /requests: either within the budget, or one item alone.
	MaxFeedPageBytes = max(FeedPageBudget, MaxFeedItemBytes) + envelopeBytes
)

// ProblemContentType is the media type of error answers.
const ProblemContentType = "application/problem+json"

// Problem is an RFC 9457 problem details answer. Current and EventsSince
// are set for stale_version; Claim, the claim as it stands, for claimed;
// RequestID for internal errors.
type Problem struct {
	Type        string            `json:"type"`
	Title       string            `json:"title"`
	Status      int               `json:"status"`
	Detail      string            `json:"detail"`
	Code        instruct.Code     `json:"code"`
	RequestID   string            `json:"request_id,omitempty"`
	Current     *instruct.Request `json:"current,omitempty"`
	EventsSince []instruct.Event  `json:"events_since,omitempty"`
	Claim       *instruct.Claim   `json:"claim,omitempty"`
}

// Health is the answer of /healthz.
type Health struct {
	Status string `json:"status"`
}

// DefinitionList is the answer of GET /definitions.
type DefinitionList struct {
	Definitions []instruct.Definition `json:"definitions"`
}

// RequestList is the answer of GET /requests; Next is the opaque position
// of the next page, or nil on the last one.
type RequestList struct {
	Requests []instruct.Request `json:"requests"`
	Next     *string            `json:"next"`
}

// EventList is the answer of GET /requests/{id}/events, oldest first.
type EventList struct {
	Events []instruct.Event `json:"events"`
}

// ChangesPage is a page of the change feed.
type ChangesPage struct {
	Changes []instruct.FeedItem `json:"changes"`
	Cursor  string              `json:"cursor"`
	More    bool                `json:"more"`
}

// StreamChange is the data of an SSE "change" event.
type StreamChange struct {
	Seq int64 `json:"seq"`
}

// DecisionInput is the body of POST /requests/{id}/decisions.
type DecisionInput struct {
	Kind    instruct.Kind `json:"kind"`
	Comment string        `json:"comment"`
}

// DecisionResult is the answer to a decision: the request's new state and
// the event recorded.
type DecisionResult struct {
	Request instruct.Request `json:"request"`
	Event   instruct.Event   `json:"event"`
}

// NoteInput is the body of POST /requests/{id}/notes.
type NoteInput struct {
	Kind    instruct.Kind `json:"kind"`
	Comment string        `json:"comment"`
}

// DocumentResult is the answer of POST /requests/{id}/documents: the
// document attached (the request's new version is in the ETag header).
type DocumentResult struct {
	Document instruct.Document `json:"document"`
}

// DocumentPart is the name of the multipart/form-data part that carries
// an uploaded document.
const DocumentPart = "file"

// MaxUploadBytes bounds the body of an upload: the largest document and
// room for the multipart envelope.
const MaxUploadBytes = instruct.MaxDocumentBytes + 64<<10

// NoteResult is the answer to a note or message, the reviewer's or the
// applicant's.
type NoteResult struct {
	Event instruct.Event `json:"event"`
}

// MessageInput is the body of POST /requests/{id}/messages: the
// applicant's message to the reviewers.
type MessageInput struct {
	Body string `json:"body"`
}

// ClaimInput is the optional body of POST and DELETE
// /requests/{id}/claim: Force takes or releases a claim another reviewer
// holds, which only a manager of the request's definition may.
type ClaimInput struct {
	Force bool `json:"force"`
}

// ClaimResult is the answer to a claim or a release: the request as it
// now stands, and the event recorded, or nil when nothing changed (taking
// what one holds, releasing what nobody holds).
type ClaimResult struct {
	Request instruct.Request `json:"request"`
	Event   *instruct.Event  `json:"event"`
}

// AuditPage is a page of the hash-chained event log.
type AuditPage struct {
	Entries []instruct.AuditEntry `json:"entries"`
	Next    *string               `json:"next"`
}

// Me is the answer of GET and PATCH /me: the signed-in user, their roles,
// and, for each definition whose mails they may receive (those they
// decide on), whether they receive them.
type Me struct {
	ID            string           `json:"id"`
	Name          string           `json:"name"`
	Email         string           `json:"email"`
	Roles         []instruct.Grant `json:"roles"`
	Notifications map[string]bool  `json:"notifications"`
}

// MePatch is the body of PATCH /me: the mails to receive, or not, by
// definition.
type MePatch struct {
	Notifications map[string]bool `json:"notifications"`
}

// DeliveryList is the answer of GET /requests/{id}/deliveries: the mails
// and webhook calls the request's events caused, oldest first.
type DeliveryList struct {
	Deliveries []instruct.Delivery `json:"deliveries"`
}
