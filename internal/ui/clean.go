package ui

import (
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
	"github.com/instruct-dev/instruct/internal/ui/timeline"
)

// This file is where outside text enters the screen: every value that
// comes from the cache or the sync engine goes through sanitize.Value
// here, once, in the command that fetched it (off the UI goroutine, so
// that Update stays cheap with 100,000 rows), before its message reaches
// Update. The model only ever holds sanitised text.

// cleanEvents returns events with their texts sanitised and their diff
// values turned into sanitised one-line strings, as the timeline shows
// them.
func cleanEvents(events []instruct.Event) []instruct.Event {
	out := sanitize.Value(events)
	for i, e := range out {
		for f, v := range e.Diff {
			e.Diff[f] = [2]any{sanitize.Line(timeline.Value(v[0])), sanitize.Line(timeline.Value(v[1]))}
		}
		out[i] = e
	}
	return out
}
