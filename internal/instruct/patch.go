package instruct

import (
	"reflect"
	"strconv"
)

// RequestPatch is what an applicant sets on a request: the fields of a new
// draft, or the changes of an edit. Nil fields are left as they are.
type RequestPatch struct {
	Definition             *string       `json:"definition,omitempty"`
	Title                  *string       `json:"title,omitempty"`
	Description            *string       `json:"description,omitempty"`
	Organization           *Organization `json:"organization,omitempty"`
	Applicant              *Person       `json:"applicant,omitempty"`
	Contacts               *[]Contact    `json:"contacts,omitempty"`
	LegalBasis             *LegalBasis   `json:"legal_basis,omitempty"`
	Scopes                 *[]string     `json:"scopes,omitempty"`
	DataRecipients         *string       `json:"data_recipients,omitempty"`
	RetentionMonths        *int          `json:"retention_months,omitempty"`
	RetentionJustification *string       `json:"retention_justification,omitempty"`
	Volumetry              *string       `json:"volumetry,omitempty"`
	ProductionDate         *string       `json:"production_date,omitempty"`
	TermsAccepted          *bool         `json:"terms_accepted,omitempty"`
	DPOInformed            *bool         `json:"dpo_informed,omitempty"`
}

// Apply sets the patch's fields on r and returns the diff of what changed.
// The definition is set only on a new request (version 0).
func (p RequestPatch) Apply(r *Request) Diff {
	diff := Diff{}
	if p.Definition != nil && r.Version == 0 {
		set(diff, "definition", &r.Definition, *p.Definition)
	}
	setPtr(diff, "title", &r.Title, p.Title)
	setPtr(diff, "description", &r.Description, p.Description)
	setPtr(diff, "organization", &r.Organization, p.Organization)
	setPtr(diff, "applicant", &r.Applicant, p.Applicant)
	setPtr(diff, "contacts", &r.Contacts, p.Contacts)
	setPtr(diff, "legal_basis", &r.LegalBasis, p.LegalBasis)
	setPtr(diff, "scopes", &r.Scopes, p.Scopes)
	setPtr(diff, "data_recipients", &r.DataRecipients, p.DataRecipients)
	setPtr(diff, "retention_months", &r.RetentionMonths, p.RetentionMonths)
	if p.RetentionJustification != nil {
		set(diff, "retention_justification", &r.RetentionJustification, p.RetentionJustification)
	}
	setPtr(diff, "volumetry", &r.Volumetry, p.Volumetry)
	setPtr(diff, "production_date", &r.ProductionDate, p.ProductionDate)
	setPtr(diff, "terms_accepted", &r.TermsAccepted, p.TermsAccepted)
	setPtr(diff, "dpo_informed", &r.DPOInformed, p.DPOInformed)
	return diff
}

// Check validates the values a patch sets: texts within their limits
// (too_large), lists within theirs, a valid SIRET and retention period
// (invalid).
func (p RequestPatch) Check() error {
	if err := p.checkSizes(); err != nil {
		return err
	}
	if p.Organization != nil && p.Organization.SIRET != "" && !ValidSIRET(p.Organization.SIRET) {
		return Errorf(CodeInvalid, "the SIRET %q is not 14 digits with a valid check digit", p.Organization.SIRET)
	}
	if p.RetentionMonths != nil && (*p.RetentionMonths < 0 || *p.RetentionMonths > 1200) {
		return Errorf(CodeInvalid, "the retention period must be between 0 and 1200 months")
	}
	return nil
}

// CheckDocument refuses a patch whose legal_basis.document names no
// document of held, the documents of the request it changes (none for a
// new one): a legal basis cites a file by the ID its upload answered, and
// only a file of its own request, so that it never points at another
// request's file. A patch that leaves the legal basis alone passes.
func (p RequestPatch) CheckDocument(held []Document) error {
	if p.LegalBasis == nil || p.LegalBasis.Document == nil {
		return nil
	}
	id := *p.LegalBasis.Document
	for _, d := range held {
		if d.ID == id {
			return nil
		}
	}
	shown := strconv.Quote(id)
	if len(id) > maxShownInput {
		shown = strconv.Itoa(len(id)) + " bytes of text"
	}
	return Errorf(CodeInvalid, "legal_basis.document must be the ID of a document attached to this request, or null; %s is none: "+
		"upload the file to the request's documents first, then name it by the ID the upload answers", shown)
}

func setPtr[T any](diff Diff, field string, dst *T, v *T) {
	if v != nil {
		set(diff, field, dst, *v)
	}
}

func set[T any](diff Diff, field string, dst *T, v T) {
	if reflect.DeepEqual(*dst, v) {
		return
	}
	diff[field] = [2]any{*dst, v}
	*dst = v
}
