package instruct

import "time"

// Draft is a comment a reviewer started writing on a request and did not
// send: kept in the client's cache, so closing the form, quitting or a
// crash loses nothing written, and offered again on the next form.
type Draft struct {
	RequestID RequestID
	Kind      Kind
	Comment   string
	SavedAt   time.Time
}
