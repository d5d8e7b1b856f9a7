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
	defs, err := stats.Definitions(u, s.catalogue, q.Definition)
	if err != nil {
		return stats.Report{}, err
	}
	r, err := stats.ParseRange(q.From, q.To, s.clock())
	if err != nil {
		return stats.Report{}, err
	}
	hs, err := s.store.StatHistories(ctx, defs)
	if err != nil {
		return stats.Report{}, err
	}
	return stats.Compute(defs, hs, r), nil
}
