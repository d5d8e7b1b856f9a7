package demo

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// fill builds the request's content, degrades it by the defects reviewers
// will ask to fix, and gives every step its patch or comment.
func (s *story) fill() {
	good := s.content()
	s.defects = s.chooseDefects(good, s.needed())
	current := good
	for _, d := range s.defects {
		s.degrade(&current, d)
	}
	for i := range s.steps {
		s.fillStep(&s.steps[i], good, current)
	}
}

// needed returns how many defects the story's requests for changes are
// about.
func (s *story) needed() int {
	n := 0
	for _, st := range s.steps {
		if st.purpose == purposeRequestChanges {
			n = max(n, st.round+1)
		}
	}
	return n
}

func (s *story) fillStep(st *step, good, current instruct.RequestPatch) {
	switch st.purpose {
	case purposeCreate:
		st.patch = s.createPatch(current)
	case purposeDetails:
		st.patch = &instruct.RequestPatch{Volumetry: current.Volumetry, ProductionDate: current.ProductionDate, DataRecipients: current.DataRecipients}
	case purposeDeclarations:
		yes := true
		st.patch = &instruct.RequestPatch{TermsAccepted: &yes, DPOInformed: &yes}
	case purposeFix:
		st.patch = s.fix(s.defects[st.round], good)
	case purposeReschedule:
		st.patch = &instruct.RequestPatch{ProductionDate: s.postpone()}
	default:
		st.comment = s.comment(st, current)
	}
}

// createPatch is the creation of the request: everything at once, or
// without the details and declarations a later edit adds.
func (s *story) createPatch(current instruct.RequestPatch) *instruct.RequestPatch {
	p := current
	if len(s.steps) > 1 && s.steps[1].purpose == purposeDetails {
		p.Volumetry, p.ProductionDate, p.DataRecipients, p.TermsAccepted, p.DPOInformed = nil, nil, nil, nil, nil
	}
	return &p
}

// content returns the request as it reads once every change asked for
// is made.
func (s *story) content() instruct.RequestPatch {
	def, title := s.uc.definition, s.fill1(s.uc.titles[s.r.IntN(len(s.uc.titles))])
	description := s.description()
	org := s.org.Organization()
	named := contacts(s.org, s.vendor(), s.uc.controllers, s.r)
	legal := s.legalBasis()
	scopes := s.scopes()
	recipients := s.uc.recipients[s.r.IntN(len(s.uc.recipients))]
	months, justification := s.retention()
	volumetry := s.fill1(s.g.texts.volumetry[s.r.IntN(len(s.g.texts.volumetry))])
	production := s.productionDate()
	yes := true
	return instruct.RequestPatch{
		Definition: &def, Title: &title, Description: &description, Organization: &org,
		Applicant: &s.person, Contacts: &named, LegalBasis: &legal, Scopes: &scopes,
		DataRecipients: &recipients, RetentionMonths: &months, RetentionJustification: justification,
		Volumetry: &volumetry, ProductionDate: &production, TermsAccepted: &yes, DPOInformed: &yes,
	}
}

// fill1 replaces the placeholders of a sentence: {de ville} ("de Lyon",
// "d'Angers"), {Org} ("La Ville de Lyon"), {de org} ("de la Ville de
// Lyon") and {n}, a plausible count.
func (s *story) fill1(text string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	text = strings.ReplaceAll(text, "{de ville}", of(s.org.city))
	text = strings.ReplaceAll(text, "{Org}", subject(s.org.name))
	text = strings.ReplaceAll(text, "{de org}", ofOrg(s.org.name))
	if strings.Contains(text, "{n}") {
		counts := [...]int{80, 150, 300, 450, 800, 1200, 2500, 4000, 6500, 12000}
		text = strings.ReplaceAll(text, "{n}", frenchNumber(counts[s.r.IntN(len(counts))]))
	}
	return text
}

// frenchNumber writes n with a space between thousands.
func frenchNumber(n int) string {
	digits := strconv.Itoa(n)
	if len(digits) <= 3 {
		return digits
	}
	return digits[:len(digits)-3] + " " + digits[len(digits)-3:]
}

// description returns one paragraph, two, or for one request in ten a
// long description of several paragraphs.
func (s *story) description() string {
	parts := []string{s.fill1(s.uc.summaries[s.r.IntN(len(s.uc.summaries))])}
	switch n := s.r.IntN(100); {
	case n < 10:
		for _, d := range s.uc.details {
			parts = append(parts, s.fill1(d))
		}
		generic := s.g.texts.paragraphs
		for _, i := range s.r.Perm(len(generic))[:2+s.r.IntN(2)] {
			parts = append(parts, s.fill1(generic[i]))
		}
	case n < 40 && len(s.uc.details) > 0:
		parts = append(parts, s.fill1(s.uc.details[s.r.IntN(len(s.uc.details))]))
	}
	return strings.Join(parts, "\n\n")
}

// vendor returns the software publisher whose engineer is the technical
// contact of a local authority's request, one time in four.
func (s *story) vendor() *organization {
	switch s.org.kind {
	case kindCommune, kindCCAS, kindEPCI:
		if s.chance(25) {
			vendors := s.g.orgs[kindVendor]
			return &vendors[s.r.IntN(len(vendors))]
		}
	}
	return nil
}

// legalBasis returns the use case's legal basis: mostly with its link,
// sometimes with an attached deliberation only, sometimes with neither.
func (s *story) legalBasis() instruct.LegalBasis {
	b := s.uc.bases[s.r.IntN(len(s.uc.bases))]
	lb := instruct.LegalBasis{Nature: b.nature}
	switch n := s.r.IntN(100); {
	case n < 65:
		lb.URL = b.url
		if b.document && s.chance(40) {
			lb.Document = s.documentName()
		}
	case n < 82 && b.document:
		lb.Document = s.documentName()
	case n < 82:
		lb.URL = b.url
	}
	return lb
}

// documentName names the deliberation an organisation attaches.
func (s *story) documentName() *string {
	year := s.created.Year() - s.r.IntN(2)
	body := assembly(s.org.kind)
	name := fmt.Sprintf("Convention-%d.pdf", year)
	if body != "" {
		name = fmt.Sprintf("Délibération n° %d-%03d %s", year, 1+s.r.IntN(240), body)
		if s.uc.subject != "" {
			name += " – " + s.uc.subject
		}
		name += ".pdf"
	}
	return &name
}

// assembly names the body whose deliberations an organisation of kind k
// attaches, or "" for organisations that have none.
func assembly(k orgKind) string {
	switch k {
	case kindCommune:
		return "du conseil municipal"
	case kindCCAS:
		return "du conseil d'administration du CCAS"
	case kindEPCI:
		return "du conseil communautaire"
	case kindDepartement:
		return "de la commission permanente"
	case kindRegion:
		return "du conseil régional"
	}
	return ""
}

// scopes returns a scope set of the use case, sometimes with optional
// scopes, and for about one request in fifty a scope the catalogue no
// longer offers: only on a request whose applicant last changed it
// before retiredAgo, as the server refuses a scope outside the catalogue
// at create and edit.
func (s *story) scopes() []string {
	set := slicesClone(s.uc.scopeSets[s.r.IntN(len(s.uc.scopeSets))])
	for _, id := range s.uc.optional {
		if !contains(set, id) && s.chance(20) {
			set = append(set, id)
		}
	}
	if s.chance(4) && s.lastFiled().Before(s.g.now.Add(-retiredAgo)) {
		set = append(set, s.unknownScope())
	}
	return set
}

// retiredAgo is how long ago the demo catalogue dropped the scopes that
// old requests still name.
const retiredAgo = 180 * day

// lastFiled returns when the applicant last created, edited or submitted
// the request.
func (s *story) lastFiled() time.Time {
	var last time.Time
	for i, st := range s.steps {
		if isFiling(st.kind) {
			last = s.times[i]
		}
	}
	return last
}

// isFiling reports whether an event of kind k is the applicant's: a
// create, an update or a submission.
func isFiling(k instruct.Kind) bool {
	return k == instruct.KindCreate || k == instruct.KindUpdate || k == instruct.KindSubmit
}

// unknownScope returns a scope identifier outside the catalogue.
func (s *story) unknownScope() string {
	for _, id := range s.g.texts.unknownScopes[s.uc.definition] {
		if _, known := s.def.Scope(id); !known {
			return id
		}
	}
	return s.uc.definition + "_donnees_etendues"
}

// retention returns the retention period in months: mostly up to 36
// months, about one request in twelve longer, half of those justified.
func (s *story) retention() (int, *string) {
	if s.chance(8) {
		months := []int{48, 60, 72, 120}[s.r.IntN(4)]
		if s.chance(50) {
			j := s.g.texts.justifications[s.r.IntN(len(s.g.texts.justifications))]
			return months, &j
		}
		return months, nil
	}
	return []int{6, 12, 12, 12, 18, 24, 24, 24, 36, 36}[s.r.IntN(10)], nil
}

// productionDate returns the expected production date, the first of a
// month one to eight months after creation.
func (s *story) productionDate() string {
	c := s.created
	return time.Date(c.Year(), c.Month()+time.Month(1+s.r.IntN(8)), 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// postpone returns a production date one to three months later than the
// request's, as an applicant who answers late sets it.
func (s *story) postpone() *string {
	last := s.created
	for _, st := range s.steps {
		if st.patch != nil && st.patch.ProductionDate != nil {
			if t, err := time.Parse(time.DateOnly, *st.patch.ProductionDate); err == nil {
				last = t
			}
		}
	}
	next := last.AddDate(0, 1+s.r.IntN(3), 0).Format(time.DateOnly)
	return &next
}

func slicesClone(ids []string) []string { return append([]string(nil), ids...) }

func contains(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// equalValues compares two values of a diff.
func equalValues(a, b any) bool { return reflect.DeepEqual(a, b) }
