package review

import (
	"context"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/stats"
)

// StatsQuery is what the statistics are asked for: one definition or
// every one the user sees (""), over the dates from and to (see
// stats.ParseRange; either may be empty).
type StatsQuery struct {
	Definition string
	From, To   string
}

// Stats returns DataPass's statistics (package stats) of the definitions
// u sees, in catalogue order, or of q.Definition alone: forbidden for an
// applicant or a definition u holds no role on, invalid for a definition
// the catalogue lacks or a malformed range.
func (s *Service) Stats(ctx context.Context, u instruct.User, q StatsQuery) (stats.Report, error) {
	if !u.IsReviewer() {
		return stats.Report{}, instruct.Errorf(instruct.CodeForbidden, "statistics are for reviewers")
	}
	r, err := stats.ParseRange(q.From, q.To, s.clock())
	if err != nil {
		return stats.Report{}, err
	}
	defs, err := s.statDefinitions(u, q.Definition)
	if err != nil {
		return stats.Report{}, err
	}
	hs, err := s.store.StatHistories(ctx, defs)
	if err != nil {
		return stats.Report{}, err
	}
	return stats.Compute(defs, hs, r), nil
}

// statDefinitions returns the definitions the statistics cover.
func (s *Service) statDefinitions(u instruct.User, only string) ([]string, error) {
	if only != "" {
		if _, ok := s.Definition(only); !ok {
			return nil, instruct.Errorf(instruct.CodeInvalid, "no API %q in the catalogue", only)
		}
		if !u.CanSee(only) {
			return nil, instruct.Errorf(instruct.CodeForbidden, "you hold no role on %s", only)
		}
		return []string{only}, nil
	}
	return VisibleDefinitions(u, s.catalogue), nil
}

// VisibleDefinitions returns the IDs of the definitions of catalogue u
// may see, in its order: those the statistics cover.
func VisibleDefinitions(u instruct.User, catalogue []instruct.Definition) []string {
	out := []string{}
	for _, d := range catalogue {
		if u.CanSee(d.ID) {
			out = append(out, d.ID)
		}
	}
	return out
}
