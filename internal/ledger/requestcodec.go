package ledger

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// decodeRequest reads a request back from its stored body, the JSON
// encoding/json wrote: directly in that fixed layout when it matches, by
// encoding/json otherwise (see decodeEvent).
func decodeRequest(body string) (instruct.Request, error) {
	r, ok := readCanonicalRequest(body)
	if !ok {
		r = instruct.Request{}
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			return instruct.Request{}, fmt.Errorf("decode request: %w", err)
		}
	}
	if r.HabilitationIDs == nil { // bodies stored before habilitations
		r.HabilitationIDs = []instruct.HabilitationID{}
	}
	return r, nil
}

// readCanonicalRequest reads body in the layout json.Marshal gives an
// instruct.Request; ok is false at the first thing it does not expect
// (such as a document, which encoding/json reads).
func readCanonicalRequest(body string) (q instruct.Request, ok bool) {
	r := reader{s: body, ok: true}
	r.lit(`{"id":`)
	q.ID = r.requestID()
	r.lit(`,"definition":`)
	q.Definition = r.str()
	r.lit(`,"status":`)
	q.Status = instruct.Status(r.str())
	r.lit(`,"version":`)
	q.Version = r.int()
	r.lit(`,"title":`)
	q.Title = r.str()
	r.lit(`,"description":`)
	q.Description = r.str()
	r.lit(`,"organization":{"siret":`)
	q.Organization = instruct.Organization{SIRET: r.str(), Name: r.field("name"), City: r.field("city")}
	r.lit(`},"applicant":{"name":`)
	q.Applicant = instruct.Person{Name: r.str(), Email: r.field("email")}
	r.lit(`},"contacts":`)
	q.Contacts = r.contacts()
	r.lit(`,"legal_basis":{"nature":`)
	q.LegalBasis = instruct.LegalBasis{Nature: r.str(), URL: r.field("url")}
	r.lit(`,"document":`)
	q.LegalBasis.Document = r.strOrNull()
	r.lit(`},"scopes":`)
	q.Scopes = r.strings()
	readRequestTail(&r, &q)
	return q, r.ok && r.i == len(r.s)
}

// readRequestTail reads the fields after the scopes.
func readRequestTail(r *reader, q *instruct.Request) {
	q.DataRecipients = r.field("data_recipients")
	r.lit(`,"retention_months":`)
	q.RetentionMonths = int(r.int())
	r.lit(`,"retention_justification":`)
	q.RetentionJustification = r.strOrNull()
	q.Volumetry = r.field("volumetry")
	q.ProductionDate = r.field("production_date")
	q.TermsAccepted = r.boolField("terms_accepted")
	q.DPOInformed = r.boolField("dpo_informed")
	q.Reopening = r.boolField("reopening")
	if r.opt(`,"habilitation_ids":`) { // bodies stored before habilitations have none
		q.HabilitationIDs = list(r, r.habilitationID)
	}
	if r.opt(`,"documents":`) { // the same before documents
		q.Documents = list(r, func() instruct.Document { r.ok = false; return instruct.Document{} })
	}
	r.lit(`,"created_at":`)
	q.CreatedAt = r.time()
	r.lit(`,"submitted_at":`)
	q.SubmittedAt = r.timeOrNull()
	r.lit(`,"updated_at":`)
	q.UpdatedAt = r.time()
	r.lit(`,"decided_at":`)
	q.DecidedAt = r.timeOrNull()
	if r.opt(`,"claim":`) { // bodies stored before claims have none
		q.Claim = r.claimOrNull()
	}
	r.lit(`}`)
}

// habilitationID reads a habilitation ID in its JSON text form; text that
// is not one clears ok.
func (r *reader) habilitationID() instruct.HabilitationID {
	var id instruct.HabilitationID
	r.ok = r.ok && id.UnmarshalText([]byte(r.str())) == nil
	return id
}

// claimOrNull reads a claim or null.
func (r *reader) claimOrNull() *instruct.Claim {
	if r.opt("null") {
		return nil
	}
	r.lit(`{"user":{"id":`)
	c := instruct.Claim{User: instruct.Actor{ID: r.str(), Name: r.field("name")}}
	r.lit(`},"at":`)
	c.At = r.time()
	r.lit(`}`)
	return &c
}

// field reads `,"name":` and the string after it.
func (r *reader) field(name string) string {
	r.lit(`,"`)
	r.lit(name)
	r.lit(`":`)
	return r.str()
}

// boolField reads `,"name":` and the boolean after it.
func (r *reader) boolField(name string) bool {
	r.lit(`,"`)
	r.lit(name)
	r.lit(`":`)
	if r.opt("true") {
		return true
	}
	r.lit("false")
	return false
}

// strOrNull reads a string or null.
func (r *reader) strOrNull() *string {
	if r.opt("null") {
		return nil
	}
	s := r.str()
	return &s
}

// timeOrNull reads a time or null.
func (r *reader) timeOrNull() *time.Time {
	if r.opt("null") {
		return nil
	}
	t := r.time()
	return &t
}

// list reads null (false, nil) or an array whose items item reads; an
// empty array is an empty, non-nil list, as encoding/json makes it.
func list[T any](r *reader, item func() T) []T {
	if r.opt("null") {
		return nil
	}
	r.lit("[")
	out := []T{}
	if r.opt("]") {
		return out
	}
	for r.ok {
		out = append(out, item())
		if !r.opt(",") {
			break
		}
	}
	r.lit("]")
	return out
}

func (r *reader) strings() []string { return list(r, r.str) }

func (r *reader) contacts() []instruct.Contact {
	return list(r, func() instruct.Contact {
		r.lit(`{"role":`)
		c := instruct.Contact{Role: r.str(), Name: r.field("name"), Email: r.field("email"),
			Phone: r.field("phone"), JobTitle: r.field("job_title")}
		r.lit(`}`)
		return c
	})
}
