package instruct

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Habilitation is what an approval issues: a frozen copy of the request as
// it was approved ("habilitation"). It lives on after the review: a later
// approval of the same request (a reopening) makes it obsolete, a reviewer
// may revoke it, and a transfer changes its applicant.
type Habilitation struct {
	ID              HabilitationID     `json:"id"`
	RequestID       RequestID          `json:"request_id"`
	Definition      string             `json:"definition"`
	Status          HabilitationStatus `json:"status"`
	Version         int64              `json:"version"`
	Organization    Organization       `json:"organization"`
	Applicant       Person             `json:"applicant"`
	Contacts        []Contact          `json:"contacts"`
	LegalBasis      LegalBasis         `json:"legal_basis"`
	Scopes          []string           `json:"scopes"`
	DataRecipients  string             `json:"data_recipients"`
	RetentionMonths int                `json:"retention_months"`
	ApprovedBy      Actor              `json:"approved_by"`
	Comment         string             `json:"comment"`
	// ExternalID is the provider's ID of the token it issued for this
	// habilitation (a webhook's {"token_id"} reply), nil until then.
	ExternalID *string    `json:"external_id"`
	CreatedAt  time.Time  `json:"created_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

// HabilitationStatus is where a habilitation stands.
type HabilitationStatus string

// The statuses of a habilitation.
const (
	HabilitationActive   HabilitationStatus = "active"
	HabilitationObsolete HabilitationStatus = "obsolete"
	HabilitationRevoked  HabilitationStatus = "revoked"
)

// HabilitationStatuses returns every habilitation status.
func HabilitationStatuses() []HabilitationStatus {
	return []HabilitationStatus{HabilitationActive, HabilitationObsolete, HabilitationRevoked}
}

// Valid reports whether s is a known habilitation status.
func (s HabilitationStatus) Valid() bool {
	for _, known := range HabilitationStatuses() {
		if s == known {
			return true
		}
	}
	return false
}

// FreezeHabilitation returns the habilitation an approval of r by actor at
// t issues: active, at version 1, with r's reviewed fields copied (slices
// too, so that later edits of r leave it as approved). Its ID is zero
// until the storage numbers it.
func FreezeHabilitation(r Request, actor Actor, comment string, t time.Time) Habilitation {
	return Habilitation{
		RequestID:       r.ID,
		Definition:      r.Definition,
		Status:          HabilitationActive,
		Version:         1,
		Organization:    r.Organization,
		Applicant:       r.Applicant,
		Contacts:        append([]Contact{}, r.Contacts...),
		LegalBasis:      r.LegalBasis,
		Scopes:          append([]string{}, r.Scopes...),
		DataRecipients:  r.DataRecipients,
		RetentionMonths: r.RetentionMonths,
		ApprovedBy:      actor,
		Comment:         comment,
		CreatedAt:       t,
	}
}

// Check is a finding the server computes on a request for its reviewers,
// such as a missing prerequisite.
type Check struct {
	Code CheckCode `json:"code"`
	// Definition is the definition the check is about (for
	// missing_prerequisite: the one the organisation does not hold).
	Definition string `json:"definition,omitempty"`
}

// CheckCode names a kind of Check.
type CheckCode string

// CheckMissingPrerequisite: the definition requires another one that the
// organisation (same SIRET) holds no active habilitation of.
const CheckMissingPrerequisite CheckCode = "missing_prerequisite"

// HabilitationID is the number of a habilitation. Its text form is the
// letter H and the number: H2041. The zero HabilitationID means "none";
// its text form is empty.
type HabilitationID int64

// HabilitationIDPrefix is the letter every habilitation ID starts with.
const HabilitationIDPrefix = "H"

// String returns the text form of id, such as H2041, or "" for the zero ID.
func (id HabilitationID) String() string {
	if id == 0 {
		return ""
	}
	return HabilitationIDPrefix + strconv.FormatInt(int64(id), 10)
}

// MarshalText returns the text form of id, so that JSON carries "H2041".
func (id HabilitationID) MarshalText() ([]byte, error) {
	return []byte(id.String()), nil
}

// UnmarshalText reads the text form strictly (see ParseHabilitationID);
// empty text is the zero ID.
func (id *HabilitationID) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*id = 0
		return nil
	}
	parsed, err := ParseHabilitationID(string(text))
	if err != nil {
		return err
	}
	*id = parsed
	return nil
}

// Value stores id as its number.
func (id HabilitationID) Value() (driver.Value, error) {
	return int64(id), nil
}

// Scan reads a habilitation number from a database column.
func (id *HabilitationID) Scan(src any) error {
	n, ok := src.(int64)
	if !ok {
		return fmt.Errorf("a habilitation number is an integer column, not %T", src)
	}
	*id = HabilitationID(n)
	return nil
}

// ParseHabilitationID reads the text form exactly as String writes it: H,
// then a positive number without a leading zero. Anything else is a
// not_found error saying what an ID looks like.
func ParseHabilitationID(s string) (HabilitationID, error) {
	digits, ok := strings.CutPrefix(s, HabilitationIDPrefix)
	if !ok || (len(digits) > 0 && digits[0] == '0') {
		return 0, badHabilitationID(s)
	}
	return parseHabilitationNumber(s, digits)
}

// ParseHabilitationIDInput reads a habilitation ID as a person or a URL
// path gives it: H2041, h2041 or 2041.
func ParseHabilitationIDInput(s string) (HabilitationID, error) {
	digits, ok := strings.CutPrefix(s, HabilitationIDPrefix)
	if !ok {
		digits, _ = strings.CutPrefix(s, "h")
	}
	return parseHabilitationNumber(s, digits)
}

// parseHabilitationNumber reads digits, the number part of input s.
func parseHabilitationNumber(s, digits string) (HabilitationID, error) {
	n, ok := parsePositive(digits)
	if !ok {
		return 0, badHabilitationID(s)
	}
	return HabilitationID(n), nil
}

// badHabilitationID is the error for text s that is not a habilitation ID,
// repeating s quoted or only its length when it is long.
func badHabilitationID(s string) error {
	const form = "a habilitation ID is H and a number, such as H2041"
	if len(s) > maxShownInput {
		return Errorf(CodeNotFound, "no habilitation: %d bytes of text are not a habilitation ID; %s", len(s), form)
	}
	return Errorf(CodeNotFound, "no habilitation %q: %s", s, form)
}
