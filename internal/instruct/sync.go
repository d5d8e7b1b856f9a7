package instruct

import "time"

// SyncStatus is what the sync engine reports for a status bar.
type SyncStatus struct {
	Online   bool
	Syncing  bool
	LastSync time.Time
	// Pending counts operations not yet accepted; Conflicts and Rejected
	// those the server refused and the reviewer must look at.
	Pending   int
	Conflicts int
	Rejected  int
	// LastError is the last failure in plain words, "" after a success.
	LastError string
	// LastErrorCode is that failure's code (CodeUnavailable when the
	// server is out of reach), so that a screen can say it in the
	// reviewer's language; "" after a success.
	LastErrorCode Code
}
