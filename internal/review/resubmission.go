package review

import (
	"context"
	"encoding/json"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// resubmissionDiff reads the history of req and returns what its updates
// changed since the last request for changes, or nil if there was none.
// The If-Match of the submission guarantees the history read holds
// every update up to the version submitted.
func (s *Service) resubmissionDiff(ctx context.Context, req instruct.Request) (instruct.Diff, error) {
	events, err := s.store.Events(ctx, req.ID)
	if err != nil {
		return nil, err
	}
	return diffSinceChangesRequested(events), nil
}

// diffSinceChangesRequested merges the diffs of the updates after the
// last request_changes event: for each field, its value before the first
// update and after the last; fields changed back are left out.
func diffSinceChangesRequested(events []instruct.Event) instruct.Diff {
	start := -1
	for i, e := range events {
		if e.Kind == instruct.KindRequestChanges {
			start = i
		}
	}
	if start < 0 {
		return nil
	}
	merged := instruct.Diff{}
	for _, e := range events[start+1:] {
		if e.Kind != instruct.KindUpdate {
			continue
		}
		for field, change := range e.Diff {
			if first, ok := merged[field]; ok {
				change[0] = first[0]
			}
			merged[field] = change
		}
	}
	return withoutReverted(merged)
}

// withoutReverted drops the fields whose old and new values are equal.
func withoutReverted(d instruct.Diff) instruct.Diff {
	for field, change := range d {
		before, _ := json.Marshal(change[0])
		after, _ := json.Marshal(change[1])
		if string(before) == string(after) {
			delete(d, field)
		}
	}
	if len(d) == 0 {
		return nil
	}
	return d
}
