package api

import "github.com/instruct-dev/instruct/internal/stats"

// StatsReport is the answer of GET /api/v1/stats, and of `instruct stats
// --json`: one shape, defined where the figures are computed.
type StatsReport = stats.Report

// Parts of StatsReport, named for the OpenAPI description.
type (
	StatsFigures     = stats.Figures
	StatsPercentiles = stats.Percentiles
	StatsWeek        = stats.Week
)
