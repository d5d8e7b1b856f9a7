package instruct

import (
	"strings"
	"time"
)

// Request is a request for access to an API ("demande d'habilitation"), in
// the shape the API serves it. Version grows by one on every change.
type Request struct {
	ID                     RequestID    `json:"id"`
	Definition             string       `json:"definition"`
	Status                 Status       `json:"status"`
	Version                int64        `json:"version"`
	Title                  string       `json:"title"`
	Description            string       `json:"description"`
	Organization           Organization `json:"organization"`
	Applicant              Person       `json:"applicant"`
	Contacts               []Contact    `json:"contacts"`
	LegalBasis             LegalBasis   `json:"legal_basis"`
	Scopes                 []string     `json:"scopes"`
	DataRecipients         string       `json:"data_recipients"`
	RetentionMonths        int          `json:"retention_months"`
	RetentionJustification *string      `json:"retention_justification"`
	Volumetry              string       `json:"volumetry"`
	ProductionDate         string       `json:"production_date"`
	TermsAccepted          bool         `json:"terms_accepted"`
	DPOInformed            bool         `json:"dpo_informed"`
	// Reopening is set while the holder of a validated request asks to
	// change it (from reopen to the next approval, refusal or cancel).
	Reopening bool `json:"reopening"`
	// HabilitationIDs are the habilitations its approvals issued, oldest
	// first.
	HabilitationIDs []HabilitationID `json:"habilitation_ids"`
	// Documents are the files attached to the request (metadata only).
	Documents []Document `json:"documents"`
	// Checks are the server's findings for reviewers (a missing
	// prerequisite); computed when the request is read, not stored.
	Checks      []Check    `json:"checks,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	SubmittedAt *time.Time `json:"submitted_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	DecidedAt   *time.Time `json:"decided_at"`
	// Claim is who is on the request, nil when nobody is; it changes
	// without changing Version.
	Claim *Claim `json:"claim"`
}

// Organization is the organisation that files a request.
type Organization struct {
	SIRET string `json:"siret"`
	Name  string `json:"name"`
	City  string `json:"city"`
}

// Person is someone named on a request, such as its applicant.
type Person struct {
	Name  string `json:"name"`
	Email string `json:"email"`
}

// The contact roles a request must name.
const (
	ContactDPO        = "delegue_protection_donnees"
	ContactController = "responsable_traitement"
	ContactTechnical  = "contact_technique"
)

// Contact is one of the people responsible for the use of the data.
type Contact struct {
	Role     string `json:"role"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Phone    string `json:"phone"`
	JobTitle string `json:"job_title"`
}

// LegalBasis is the text of law that entitles the applicant to the data
// ("cadre juridique"), with a link to it and/or an attached document name.
type LegalBasis struct {
	Nature   string  `json:"nature"`
	URL      string  `json:"url"`
	Document *string `json:"document"`
}

// ValidSIRET reports whether s is 14 digits passing the Luhn check (the
// SIRETs of La Poste, 356000000xxxxx, use their own digit sum rule).
func ValidSIRET(s string) bool {
	if len(s) != 14 {
		return false
	}
	sum := 0
	for i := range 14 {
		c := s[i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if strings.HasPrefix(s, "356000000") {
			sum += d
			continue
		}
		if i%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	if strings.HasPrefix(s, "356000000") {
		return sum%5 == 0
	}
	return sum%10 == 0
}

// SubmitChecks returns the reason r cannot be submitted, or nil: the terms
// must be accepted, the DPO informed, a legal basis given and at least one
// scope requested.
func (r Request) SubmitChecks() error {
	switch {
	case !r.TermsAccepted:
		return Errorf(CodeInvalid, "the terms of use must be accepted before submitting")
	case !r.DPOInformed:
		return Errorf(CodeInvalid, "the data protection officer must be informed before submitting")
	case IsBlank(r.LegalBasis.Nature):
		return Errorf(CodeInvalid, "a legal basis is required before submitting")
	case len(r.Scopes) == 0:
		return Errorf(CodeInvalid, "at least one scope is required before submitting")
	}
	return nil
}
