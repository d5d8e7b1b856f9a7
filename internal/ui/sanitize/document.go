package sanitize

import "strings"

// MaxDocument is the most cells of a document's text kept for display:
// some 300 pages, where other multi-line fields keep MaxText.
const MaxDocument = 1 << 20

// Document returns the text extracted from an applicant's document safe
// for display, as Text does, but keeping up to MaxDocument cells. A form
// feed, which separates the pages of a PDF's text, becomes a blank line.
func Document(s string) string {
	return clean(strings.ReplaceAll(s, "\f", "\n\n"), MaxDocument, false)
}
