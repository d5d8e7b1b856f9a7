package review

import (
	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// checkFiling applies the rules on what an applicant sends, at create and
// at patch, to a request of definition def: every scope is one of def's
// catalogue, and the applicant is not theirs to set.
func (s *Service) checkFiling(def string, p instruct.RequestPatch) error {
	if p.Applicant != nil {
		return instruct.Errorf(instruct.CodeInvalid, "applicant cannot be set: the request's applicant is the account that files it, with that account's name and e-mail; leave the field out")
	}
	if p.Scopes == nil {
		return nil
	}
	d, ok := s.Definition(def)
	if !ok {
		return instruct.Errorf(instruct.CodeInvalid, "definition %q is not in the catalogue", cells.Truncate(def, 60))
	}
	return checkScopes(d, *p.Scopes)
}

// checkScopes refuses the first of scopes that d's catalogue doesn't
// offer, naming it (clipped and quoted, so that no control character of it
// reaches whoever reads the message) and the definition.
func checkScopes(d instruct.Definition, scopes []string) error {
	known := make(map[string]bool, len(d.Scopes))
	for _, sc := range d.Scopes {
		known[sc.ID] = true
	}
	for _, id := range scopes {
		if !known[id] {
			return instruct.Errorf(instruct.CodeInvalid, "the scope %+q is not in the catalogue of %s", cells.Truncate(id, 60), d.ID)
		}
	}
	return nil
}

// filedBy sets the applicant of a new request: the account of u, who
// files it.
func filedBy(u instruct.User, p instruct.RequestPatch) instruct.RequestPatch {
	p.Applicant = &instruct.Person{Name: u.Name, Email: u.Email}
	return p
}

// checkNotOwn refuses a decision of kind k by u on req, which createdBy
// filed, when u filed it: nobody decides on their own request. Notes and
// messages stay allowed, as they change nothing.
func checkNotOwn(u instruct.User, req instruct.Request, createdBy string, k instruct.Kind) error {
	if k.IsDecision() && createdBy == u.ID {
		return instruct.Errorf(instruct.CodeForbidden, "you filed %s, so you cannot %s it: another reviewer of %s must decide it", req.ID, k, req.Definition)
	}
	return nil
}
