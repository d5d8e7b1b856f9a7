package ui

import (
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// This file is where outside text enters the screen: every value that
// comes from the cache or the sync engine goes through sanitize.Value
// here, once, in the command that fetched it (off the UI goroutine, so
// that Update stays cheap with 100,000 rows), before its message reaches
// Update. The model only ever holds sanitised text.

// cleanEvents returns events with their texts sanitised, their diffs'
// values included at any depth: the history reads those as structures
// (lists of scopes, contacts by role, texts word by word).
func cleanEvents(events []instruct.Event) []instruct.Event {
	return sanitize.Value(events)
}
