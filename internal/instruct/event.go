package instruct

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Event is one entry of a request's history and of the server-wide event
// log. Seq is its place in the one server-wide sequence.
type Event struct {
	Seq       int64     `json:"seq"`
	RequestID RequestID `json:"request_id"`
	Kind      Kind      `json:"kind"`
	Actor     Actor     `json:"actor"`
	Comment   string    `json:"comment,omitempty"`
	// Diff maps a changed field to its old and new values, for update and
	// submit events.
	Diff Diff `json:"diff,omitempty"`
	// HabilitationID names the habilitation an approve issued, a revoke
	// revoked or a token_delivered completed.
	HabilitationID HabilitationID `json:"habilitation_id,omitempty"`
	// Reopening marks the approve or refuse of a reopening.
	Reopening bool      `json:"reopening,omitempty"`
	At        time.Time `json:"at"`
}

// Diff maps a field name to its [old, new] values.
type Diff map[string][2]any

// ProviderActorID is the actor ID of the events an API provider causes
// through its webhook (token_delivered); screens name it in their own
// language.
const ProviderActorID = "provider"

// Actor is who did something: a user's ID and display name.
type Actor struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// ChainHash returns the hash that links event e to the log: the hex
// SHA-256 of prevHash followed by the canonical JSON of e.
func ChainHash(prevHash string, e Event) (string, error) {
	body, err := CanonicalJSON(e)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	h.Write([]byte(prevHash))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil)), nil
}

// CanonicalJSON returns the JSON encoding of e that the hash chain covers:
// encoding/json's, whose field order is fixed and map keys sorted, with
// times in UTC.
func CanonicalJSON(e Event) ([]byte, error) {
	e.At = e.At.UTC()
	return json.Marshal(e)
}

// AuditEntry is an event of the log with the hashes that chain it.
type AuditEntry struct {
	Seq      int64  `json:"seq"`
	PrevHash string `json:"prev_hash"`
	Hash     string `json:"hash"`
	Event    Event  `json:"event"`
}
