package instruct

// DocumentContent is the text extracted from a document, as far as a
// client reads it.
type DocumentContent struct {
	Text string
	// Cut is true when the text is longer than a client reads and Text
	// holds its beginning.
	Cut bool
}
