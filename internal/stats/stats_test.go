package stats

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// at returns a time of October 2026 (UTC) in microseconds: day d, hour h.
func at(d, h int) int64 {
	return time.Date(2026, 10, d, h, 0, 0, 0, time.UTC).UnixMicro()
}

func mark(k instruct.Kind, us int64) Mark { return Mark{Kind: k, At: us, Actor: "u1"} }

func fptr(f float64) *float64 { return &f }

// october is Monday 5 to Sunday 18 October 2026: ISO weeks 41 and 42.
var october = Range{From: time.Date(2026, 10, 5, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 10, 18, 0, 0, 0, 0, time.UTC)}

func TestCompute(t *testing.T) {
	const s, a, x, c = instruct.KindSubmit, instruct.KindApprove, instruct.KindRefuse, instruct.KindRequestChanges
	hs := []History{
		// Approved after 2 days.
		{Request: 1, Definition: "p", Marks: []Mark{mark(s, at(5, 9)), mark(a, at(7, 9))}},
		// Changes asked after 1 day, resubmitted, refused 4 days after the first submit.
		{Request: 2, Definition: "p", Marks: []Mark{mark(s, at(6, 9)), mark(c, at(7, 9)), mark(s, at(8, 9)), mark(x, at(10, 9))}},
		// Submitted in week 42 and still waiting.
		{Request: 3, Definition: "p", Marks: []Mark{mark(s, at(13, 12))}},
		// Submitted before the range, decided within it: a decision of
		// the range, but no duration (its first submit is outside).
		{Request: 4, Definition: "p", Marks: []Mark{mark(s, at(1, 9)), mark(a, at(6, 9))}},
		// Decided 30 seconds after submission: too fast to count.
		{Request: 5, Definition: "p", Marks: []Mark{mark(s, at(14, 9)), {Kind: a, At: at(14, 9) + 30e6}}},
		// Another definition, and one not asked for.
		{Request: 6, Definition: "e", Marks: []Mark{mark(s, at(12, 9))}},
		{Request: 7, Definition: "hidden", Marks: []Mark{mark(s, at(12, 9))}},
	}
	got := Compute([]string{"p", "e", "none"}, hs, october)
	want := Report{From: "2026-10-05", To: "2026-10-18", Definitions: []Figures{
		{Definition: "p", Submitted: 5, Validated: 3, Refused: 1, ChangesRequested: 1, Backlog: 1,
			TimeToFirstDecision: Percentiles{P50: fptr(1.5), P80: fptr(1.8)},
			TimeToFinalDecision: Percentiles{P50: fptr(3), P80: fptr(3.6)},
			Weeks:               []Week{{Week: "2026-W41", Submitted: 3, Decided: 4, Backlog: 0}, {Week: "2026-W42", Submitted: 2, Decided: 1, Backlog: 1}}},
		{Definition: "e", Submitted: 1, Backlog: 1,
			Weeks: []Week{{Week: "2026-W41"}, {Week: "2026-W42", Submitted: 1, Backlog: 1}}},
		{Definition: "none", Weeks: []Week{{Week: "2026-W41"}, {Week: "2026-W42"}}},
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Compute (-want +got):\n%s", diff)
	}
}
