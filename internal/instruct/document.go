package instruct

import "time"

// Document is a file an applicant attached to a request, such as the
// town council's deliberation that is its legal basis. The request
// carries its metadata; the bytes and the extracted text are fetched
// apart.
type Document struct {
	// ID is opaque: the server chooses it.
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	// SHA256 is the hex SHA-256 of the bytes.
	SHA256 string `json:"sha256"`
	// Pages is the number of pages of a PDF, 0 for an image.
	Pages     int          `json:"pages"`
	Text      DocumentText `json:"text"`
	CreatedAt time.Time    `json:"created_at"`
}

// DocumentText says whether a document's text can be read.
type DocumentText string

// The states of a document's text.
const (
	// DocumentTextAvailable: the text was extracted and can be fetched.
	DocumentTextAvailable DocumentText = "available"
	// DocumentTextNone: the file holds no text (an image, a scan).
	DocumentTextNone DocumentText = "none"
	// DocumentTextFailed: the extraction failed or passed its bounds.
	DocumentTextFailed DocumentText = "failed"
)

// The document types accepted, known by their content.
const (
	ContentTypePDF  = "application/pdf"
	ContentTypePNG  = "image/png"
	ContentTypeJPEG = "image/jpeg"
)

// MaxDocumentBytes is the largest document accepted: 20 MiB.
const MaxDocumentBytes = 20 << 20

// MaxDocumentsPerRequest is the most documents one request may hold.
const MaxDocumentsPerRequest = 20

// DocumentFile is a document as the server stores it: the metadata the
// request carries, the request it is attached to, its bytes and the text
// extracted from them ("" unless Document.Text is available).
type DocumentFile struct {
	RequestID RequestID
	Document  Document
	Bytes     []byte
	Text      string
}
