package instruct

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"
)

// The longest texts a request accepts, in characters. JSON may write one
// character in up to 6 bytes (`<` is \u003c), so what bounds a request's
// weight on the wire is 6 bytes a character, not the length people see.
const (
	MaxDefinitionLength   = 100
	MaxTitleLength        = 200
	MaxLongTextLength     = 10000 // description, legal basis
	MaxMediumTextLength   = 5000  // data recipients, retention justification
	MaxVolumetryLength    = 1000
	MaxURLLength          = 2000
	MaxNameLength         = 200 // names of people, organisations, documents, job titles
	MaxCityLength         = 100
	MaxEmailLength        = 254
	MaxPhoneLength        = 30
	MaxContactRoleLength  = 50
	MaxScopeLength        = 100
	MaxProductionDateSize = 40
	MaxSIRETLength        = 14
)

// The longest lists a request accepts.
const (
	MaxContacts = 10
	MaxScopes   = 50
)

// Bounds on a request with its history, so that no request with its
// events ever outweighs what a reviewer's client reads (internal/api
// derives the feed's page sizes from them).
const (
	// MaxRequestBytes bounds the JSON of a request. The text limits keep
	// every request under it; the server checks it as well.
	MaxRequestBytes = 384 << 10
	// MaxDiffBytes bounds the JSON of an event's diff: longer diffs are
	// stored shortened (see BoundDiff).
	MaxDiffBytes = 16 << 10
	// DiffTextLength is the longest text a diff keeps of a field's old or
	// new value, the cut marker included.
	DiffTextLength = 500
	// MaxEventBytes bounds the JSON of an event: a comment of
	// MaxCommentLength characters and a diff of MaxDiffBytes fit.
	MaxEventBytes = 80 << 10
	// MaxEventsPerRequest is the most events one request may have.
	MaxEventsPerRequest = 500
	// MaxEditsPerRequest is the most edits (update events) an applicant
	// may make to one request, so that reviewers keep room for theirs.
	MaxEditsPerRequest = 200
	// MaxHistoryBytes bounds the JSON of a request with all its events.
	MaxHistoryBytes = MaxRequestBytes + MaxEventsPerRequest*MaxEventBytes
)

// Quotas bound what one applicant may hold and how fast they may add to
// it.
type Quotas struct {
	// OpenDrafts is the most requests in draft one user may have.
	OpenDrafts int
	// Bytes is the most one user's requests and their own events (create,
	// update, submit) may weigh, in bytes of JSON.
	Bytes int64
	// CreationsPerHour is the most requests one user may create in any
	// hour.
	CreationsPerHour int
	// DocumentBytes is the most the documents attached to one user's
	// requests may weigh together, in bytes of file (each attachment
	// counts, even of bytes the server stores once).
	DocumentBytes int64
}

// DefaultQuotas are the quotas of every applicant: 20 open drafts,
// 32 MiB, 10 new requests an hour, 200 MiB of documents.
func DefaultQuotas() Quotas {
	return Quotas{OpenDrafts: 20, Bytes: 32 << 20, CreationsPerHour: 10, DocumentBytes: 200 << 20}
}

// text is one text of a patch with its name and its limit.
type text struct {
	field string
	value string
	max   int
}

// texts lists every text the patch sets, with its limit.
func (p RequestPatch) texts() []text {
	var out []text
	add := func(field string, s *string, max int) {
		if s != nil {
			out = append(out, text{field, *s, max})
		}
	}
	add("definition", p.Definition, MaxDefinitionLength)
	add("title", p.Title, MaxTitleLength)
	add("description", p.Description, MaxLongTextLength)
	if o := p.Organization; o != nil {
		add("organization.siret", &o.SIRET, MaxSIRETLength)
		add("organization.name", &o.Name, MaxNameLength)
		add("organization.city", &o.City, MaxCityLength)
	}
	if a := p.Applicant; a != nil {
		add("applicant.name", &a.Name, MaxNameLength)
		add("applicant.email", &a.Email, MaxEmailLength)
	}
	if p.Contacts != nil {
		for i := range *p.Contacts {
			out = append(out, (*p.Contacts)[i].texts(i)...)
		}
	}
	if lb := p.LegalBasis; lb != nil {
		add("legal_basis.nature", &lb.Nature, MaxLongTextLength)
		add("legal_basis.url", &lb.URL, MaxURLLength)
		add("legal_basis.document", lb.Document, MaxNameLength)
	}
	if p.Scopes != nil {
		for i := range *p.Scopes {
			add(fmt.Sprintf("scopes[%d]", i), &(*p.Scopes)[i], MaxScopeLength)
		}
	}
	add("data_recipients", p.DataRecipients, MaxMediumTextLength)
	add("retention_justification", p.RetentionJustification, MaxMediumTextLength)
	add("volumetry", p.Volumetry, MaxVolumetryLength)
	add("production_date", p.ProductionDate, MaxProductionDateSize)
	return out
}

// texts lists the texts of contact number i.
func (c Contact) texts(i int) []text {
	at := func(f string) string { return fmt.Sprintf("contacts[%d].%s", i, f) }
	return []text{
		{at("role"), c.Role, MaxContactRoleLength},
		{at("name"), c.Name, MaxNameLength},
		{at("email"), c.Email, MaxEmailLength},
		{at("phone"), c.Phone, MaxPhoneLength},
		{at("job_title"), c.JobTitle, MaxNameLength},
	}
}

// checkSizes refuses a patch with more contacts or scopes than a request
// holds (invalid) or a text over its limit (too_large).
func (p RequestPatch) checkSizes() error {
	if p.Contacts != nil && len(*p.Contacts) > MaxContacts {
		return Errorf(CodeInvalid, "a request names at most %d contacts; this one names %d", MaxContacts, len(*p.Contacts))
	}
	if p.Scopes != nil && len(*p.Scopes) > MaxScopes {
		return Errorf(CodeInvalid, "a request asks for at most %d scopes; this one asks for %d", MaxScopes, len(*p.Scopes))
	}
	for _, t := range p.texts() {
		if n := utf8.RuneCountInString(t.value); n > t.max {
			return Errorf(CodeTooLarge, "%s is %d characters long; at most %d are accepted", t.field, n, t.max)
		}
	}
	return nil
}

// CutMarker ends a text of which a diff keeps only the start, and
// stands alone for a value too large to keep in a diff at all. Reviewers
// read the whole text in the request itself.
const CutMarker = "[…]"

// BoundDiff returns d as it is stored: each value as its JSON reads back,
// texts longer than DiffTextLength characters cut to their start and
// CutMarker, then, while the diff's JSON is over MaxDiffBytes, its
// largest values replaced by CutMarker alone. A bounded diff is returned
// unchanged, so bounding twice is bounding once.
func BoundDiff(d Diff) (Diff, error) {
	if len(d) == 0 {
		return d, nil
	}
	plain, err := plainDiff(d)
	if err != nil {
		return nil, err
	}
	for field, pair := range plain {
		plain[field] = [2]any{cutTexts(pair[0]), cutTexts(pair[1])}
	}
	return plain, shrinkDiff(plain)
}

// plainDiff returns d with its values as JSON reads them back: strings,
// numbers, booleans, nil, lists and maps.
func plainDiff(d Diff) (Diff, error) {
	b, err := json.Marshal(d)
	if err != nil {
		return nil, fmt.Errorf("encode diff: %w", err)
	}
	var plain Diff
	if err := json.Unmarshal(b, &plain); err != nil {
		return nil, fmt.Errorf("decode diff: %w", err)
	}
	return plain, nil
}

// cutTexts cuts every text in v longer than DiffTextLength characters.
func cutTexts(v any) any {
	switch x := v.(type) {
	case string:
		return cutText(x)
	case []any:
		for i := range x {
			x[i] = cutTexts(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = cutTexts(x[k])
		}
	}
	return v
}

// cutText keeps the start of s and CutMarker, DiffTextLength characters
// in all, when s is longer than that.
func cutText(s string) string {
	if utf8.RuneCountInString(s) <= DiffTextLength {
		return s
	}
	keep := DiffTextLength - utf8.RuneCountInString(CutMarker) - 1
	i := 0
	for n := 0; n < keep; n++ {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + " " + CutMarker
}

// shrinkDiff replaces the largest values of d by CutMarker, largest first
// (ties by field then side), until d's JSON fits MaxDiffBytes.
func shrinkDiff(d Diff) error {
	total, err := jsonSize(d)
	if err != nil {
		return err
	}
	marker, _ := jsonSize(CutMarker)
	for total > MaxDiffBytes {
		field, side, size := largestValue(d)
		if size <= marker {
			return nil
		}
		pair := d[field]
		pair[side] = CutMarker
		d[field] = pair
		total -= size - marker
	}
	return nil
}

// largestValue returns where d's largest value is, and its JSON size.
func largestValue(d Diff) (field string, side, size int) {
	for _, f := range slices.Sorted(maps.Keys(d)) {
		for s, v := range d[f] {
			if n, _ := jsonSize(v); n > size {
				field, side, size = f, s, n
			}
		}
	}
	return field, side, size
}

// jsonSize returns the length of v's JSON.
func jsonSize(v any) (int, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return 0, fmt.Errorf("encode diff value: %w", err)
	}
	return len(b), nil
}
