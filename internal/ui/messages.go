package ui

import (
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/review"
)

// Messages from commands carry outside text already sanitised: commands
// are where it enters the screen (see clean.go).

// queueMsg carries a window of rows of the queue for query generation
// gen, starting at row base. The first answer of a generation (first)
// also carries the counts per status (and the Mine tab's, mine), the
// queue's length, and the row of keepID, the request to keep selected (-1
// when the queue lacks it).
type queueMsg struct {
	gen    int
	base   int
	items  []instruct.QueueItem
	first  bool
	counts map[instruct.Status]int
	mine   int // the Mine tab's count, -1 when unknown
	total  int
	keepID instruct.RequestID
	pos    int
	err    error
}

// countsMsg carries the counts per status and the Mine tab's count (-1
// when unknown) for query generation gen, counted again once the user is
// known.
type countsMsg struct {
	gen    int
	counts map[instruct.Status]int
	mine   int
	err    error
}

// detailMsg carries a request as the review shows it, with its history.
type detailMsg struct {
	id     instruct.RequestID
	detail *review.Detail
	events []instruct.Event
	err    error
}

// definitionsMsg carries the API catalogue.
type definitionsMsg struct {
	defs []instruct.Definition
	err  error
}

// meMsg carries the signed-in user.
type meMsg struct {
	user instruct.User
	err  error
}

// recordedMsg reports a decision written to the outbox, or why not.
type recordedMsg struct {
	requestID instruct.RequestID
	kind      instruct.Kind
	op        instruct.Operation
	err       error
}

// discardedMsg reports a refused decision discarded.
type discardedMsg struct {
	requestID instruct.RequestID
	state     instruct.OpState
	err       error
}

// syncMsg carries a status of the sync engine; closed is true when the
// engine stopped sending them.
type syncMsg struct {
	status instruct.SyncStatus
	closed bool
}

// tickMsg refreshes the times the screen shows ("synced 4 s ago").
type tickMsg struct{}
