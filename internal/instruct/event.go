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
	Reopening bool `json:"reopening,omitempty"`
	// FromApplicant marks a message the request's applicant wrote to the
	// reviewers, as the server knew them when it recorded it (a transfer
	// changes the applicant; the actor alone does not say it). Messages
	// recorded before the field existed lack it: see
	// [Event.ApplicantMessage].
	FromApplicant bool      `json:"from_applicant,omitempty"`
	At            time.Time `json:"at"`
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

// ApplicantMessage reports whether e is a message the request's
// applicant wrote to the reviewers, applicant being the ID of the
// applicant as the events before e name it (ApplicantAfter), "" when
// unknown. A message says so itself (FromApplicant); one recorded before
// messages could is the applicant's when its actor is that applicant.
func (e Event) ApplicantMessage(applicant string) bool {
	if e.Kind != KindMessage {
		return false
	}
	return e.FromApplicant || (applicant != "" && e.Actor.ID == applicant)
}

// ApplicantAfter returns the ID of the request's applicant once event e
// happened, given the one before it: who created the request from its
// create event; whom a transfer gave it to (unknown, "", for a transfer
// recorded before transfers named user IDs); as it was after any other
// event.
func (e Event) ApplicantAfter(applicant string) string {
	switch e.Kind {
	case KindCreate:
		return e.Actor.ID
	case KindTransfer:
		_, to := e.TransferredApplicants()
		return to
	}
	return applicant
}

// DiffApplicantID is the diff field of a transfer event that holds the
// user IDs of the former applicant and the new one.
const DiffApplicantID = "applicant_id"

// TransferredApplicants returns the user IDs of the applicants transfer
// event e took the request from and gave it to, "" for those it does not
// name (transfers recorded before their events named them).
func (e Event) TransferredApplicants() (from, to string) {
	if e.Kind != KindTransfer {
		return "", ""
	}
	ids := e.Diff[DiffApplicantID]
	from, _ = ids[0].(string)
	to, _ = ids[1].(string)
	return from, to
}

// ApplicantMessages returns the seqs of the messages of events (a
// request's, oldest first) its applicant wrote (Event.ApplicantMessage).
func ApplicantMessages(events []Event) map[int64]bool {
	out := map[int64]bool{}
	applicant := ""
	for _, e := range events {
		if e.ApplicantMessage(applicant) {
			out[e.Seq] = true
		}
		applicant = e.ApplicantAfter(applicant)
	}
	return out
}
