package stats

import (
	"context"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Source is where a client reads what the statistics need: its cache.
type Source interface {
	// Me is the signed-in reviewer, whose roles choose the definitions.
	Me(ctx context.Context) (instruct.User, error)
	// Definitions is the API catalogue, in the server's order.
	Definitions(ctx context.Context) ([]instruct.Definition, error)
	// StatHistories is every cached request's marks, by request number.
	StatHistories(ctx context.Context) ([]History, error)
}

// Load computes from src what the server's GET /stats answers the same
// user on the same data: the definitions the user sees, or only, over r.
// It returns the histories read too, for the figures only a client shows
// (Longest, Decided).
func Load(ctx context.Context, src Source, only string, r Range) (Report, []History, error) {
	u, err := src.Me(ctx)
	if err != nil {
		return Report{}, nil, err
	}
	catalogue, err := src.Definitions(ctx)
	if err != nil {
		return Report{}, nil, err
	}
	defs, err := Definitions(u, catalogue, only)
	if err != nil {
		return Report{}, nil, err
	}
	hs, err := src.StatHistories(ctx)
	if err != nil {
		return Report{}, nil, err
	}
	return Compute(defs, hs, r), hs, nil
}
