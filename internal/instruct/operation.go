package instruct

import "time"

// OpState is where an operation of a client's outbox stands.
type OpState string

// The states of an outbox operation.
const (
	OpPending  OpState = "pending"
	OpSending  OpState = "sending"
	OpAccepted OpState = "accepted"
	OpConflict OpState = "conflict"
	OpRejected OpState = "rejected"
)

// Operation is a decision, note, message, claim or release a reviewer
// recorded in the client's outbox, waiting to be pushed to the server. ID
// is a UUIDv7 and the Idempotency-Key of the push; BaseVersion its
// If-Match (decisions only).
type Operation struct {
	ID        string    `json:"id"`
	RequestID RequestID `json:"request_id"`
	Kind      Kind      `json:"kind"`
	Comment   string    `json:"comment"`
	// Force, on a claim or a release, takes or ends another reviewer's
	// claim (a manager's call).
	Force bool `json:"force,omitempty"`
	// HabilitationID, on a revoke, names the one habilitation it revokes;
	// zero revokes the whole request.
	HabilitationID HabilitationID `json:"habilitation_id,omitempty"`
	// To, on a transfer, is the e-mail of the user who becomes the
	// applicant.
	To          string    `json:"to,omitempty"`
	BaseVersion int64     `json:"base_version"`
	State       OpState   `json:"state"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
	// Reason is why the server rejected the operation, in its own
	// (English) words; ReasonCode is the API error code it answered with,
	// from which screens say why in the reviewer's language.
	Reason     string `json:"reason,omitempty"`
	ReasonCode Code   `json:"reason_code,omitempty"`
	// Conflict holds what the server said happened first, for OpConflict.
	Conflict *StaleError `json:"conflict,omitempty"`
	// Claim, for a claim or release in OpConflict, is the claim of the
	// reviewer who holds the request.
	Claim *Claim `json:"claim,omitempty"`
}

// Open reports whether the operation is still to be pushed.
func (o Operation) Open() bool { return o.State == OpPending || o.State == OpSending }
