package stats

import "github.com/instruct-dev/instruct/internal/instruct"

// Definitions returns the IDs of the catalogue's definitions whose
// statistics u may read, in catalogue order: every one u holds a role on,
// or only the definition only. Applicants read none (forbidden); a
// definition the catalogue lacks is invalid, one u holds no role on
// forbidden. The server and the cache apply this one rule.
func Definitions(u instruct.User, catalogue []instruct.Definition, only string) ([]string, error) {
	if !u.IsReviewer() {
		return nil, instruct.Errorf(instruct.CodeForbidden, "statistics are for reviewers")
	}
	if only != "" {
		return one(u, catalogue, only)
	}
	out := []string{}
	for _, d := range catalogue {
		if u.CanSee(d.ID) {
			out = append(out, d.ID)
		}
	}
	return out, nil
}

func one(u instruct.User, catalogue []instruct.Definition, id string) ([]string, error) {
	for _, d := range catalogue {
		if d.ID != id {
			continue
		}
		if !u.CanSee(id) {
			return nil, instruct.Errorf(instruct.CodeForbidden, "you hold no role on %s", id)
		}
		return []string{id}, nil
	}
	return nil, instruct.Errorf(instruct.CodeInvalid, "no API %q in the catalogue", id)
}
