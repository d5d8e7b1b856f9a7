package stats

import (
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Mark is an event of a request's history that the statistics read (see
// Counts): its kind, when it happened, and who did it.
type Mark struct {
	Kind instruct.Kind
	// At is the time of the event in Unix microseconds, the precision
	// every storage keeps.
	At int64
	// Actor is the ID of who did it; only Decided reads it, and a source
	// that doesn't need it may leave it empty.
	Actor string
}

// History is what the statistics read of one request: its definition and
// its marks in the order of its events (their seq).
type History struct {
	Request    instruct.RequestID
	Definition string
	Marks      []Mark
}

// Counts reports whether events of kind k are marks: submissions, the
// decisions, and the end of a reopening, which leaves the backlog.
func Counts(k instruct.Kind) bool {
	switch k {
	case instruct.KindSubmit, instruct.KindApprove, instruct.KindRefuse, instruct.KindRequestChanges,
		instruct.KindCancelReopening, instruct.KindRevoke, instruct.KindArchive:
		return true
	}
	return false
}

// MarkKinds returns the kinds Counts accepts, for storage queries.
func MarkKinds() []instruct.Kind {
	var out []instruct.Kind
	for _, k := range instruct.Kinds() {
		if Counts(k) {
			out = append(out, k)
		}
	}
	return out
}

// firstDecision reports whether k answers a submission (DataPass's
// "instruction"): approve, refuse or request changes.
func firstDecision(k instruct.Kind) bool {
	return k == instruct.KindApprove || k == instruct.KindRefuse || k == instruct.KindRequestChanges
}

// finalDecision reports whether k closes a request's review.
func finalDecision(k instruct.Kind) bool {
	return k == instruct.KindApprove || k == instruct.KindRefuse
}

// leavesBacklog reports whether k ends a request's wait for a reviewer.
func leavesBacklog(k instruct.Kind) bool {
	return firstDecision(k) || k == instruct.KindCancelReopening
}

// Report is the answer of GET /api/v1/stats and of `instruct stats
// --json`: the range and the figures of each definition asked for.
type Report struct {
	From        string    `json:"from"`
	To          string    `json:"to"`
	Definitions []Figures `json:"definitions"`
}

// Figures are the statistics of one definition over a range.
type Figures struct {
	Definition       string `json:"definition"`
	Submitted        int    `json:"submitted"`
	Validated        int    `json:"validated"`
	Refused          int    `json:"refused"`
	ChangesRequested int    `json:"changes_requested"`
	// Backlog is how many requests wait for a reviewer at the range's end.
	Backlog             int         `json:"backlog"`
	TimeToFirstDecision Percentiles `json:"time_to_first_decision_days"`
	TimeToFinalDecision Percentiles `json:"time_to_final_decision_days"`
	Weeks               []Week      `json:"weeks"`
}

// Percentiles are the median and the 80th percentile of durations in
// days, nil when no duration qualifies.
type Percentiles struct {
	P50 *float64 `json:"p50"`
	P80 *float64 `json:"p80"`
}

// Week is an ISO week's share of the range.
type Week struct {
	// Week is the ISO week, such as 2026-W40.
	Week      string `json:"week"`
	Submitted int    `json:"submitted"`
	Decided   int    `json:"decided"`
	// Backlog is how many requests wait at the week's end.
	Backlog int `json:"backlog"`
}

// micros is time t in Unix microseconds.
func micros(t time.Time) int64 { return t.UnixMicro() }

// minDuration is the shortest duration counted, in microseconds.
const minDuration = int64(time.Minute / time.Microsecond)
