package review

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/pdftext"
)

// DocumentStorage is what the service needs of the server's database
// for documents; internal/ledger implements it.
type DocumentStorage interface {
	// AttachDocument runs m, whose change adds f.Document to its
	// request, with the storage of f, in one transaction.
	AttachDocument(ctx context.Context, m instruct.Mutation, f instruct.DocumentFile) (instruct.Outcome, error)
	// DetachDocument runs m, whose change removes document id, with the
	// removal of its attachment, in one transaction.
	DetachDocument(ctx context.Context, m instruct.Mutation, id string) (instruct.Outcome, error)
	// DocumentRequest returns the request document id is attached to.
	DocumentRequest(ctx context.Context, id string) (instruct.RequestID, error)
	// DocumentBytes returns the bytes of document id.
	DocumentBytes(ctx context.Context, id string) ([]byte, error)
	// DocumentText returns the text extracted from document id.
	DocumentText(ctx context.Context, id string) (string, error)
}

// ExtractFunc reads the text of a PDF: the pages it declares, whether it
// holds text, and the text. It must be bounded in time and memory
// (pdftext.Extractor runs it in a child process).
type ExtractFunc func(ctx context.Context, pdf []byte) pdftext.Result

// inProcessExtract reads a PDF's text in the server's process, within
// pdftext's page and text caps only: for tests and tools, whose files
// are trusted; the server wires a pdftext.Extractor.
func inProcessExtract(_ context.Context, pdf []byte) pdftext.Result {
	return pdftext.Extract(pdf, pdftext.DefaultLimits())
}

// documents returns the document storage, or an internal error when the
// storage keeps none.
func (s *Service) documents() (DocumentStorage, error) {
	if d, ok := s.store.(DocumentStorage); ok {
		return d, nil
	}
	return nil, instruct.Errorf(instruct.CodeInternal, "this server stores no documents")
}

// ContentTypeOf returns the type of a document by its first bytes: PDF,
// PNG or JPEG, else unsupported_media_type, whatever its name says.
func ContentTypeOf(data []byte) (string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return instruct.ContentTypePDF, nil
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return instruct.ContentTypePNG, nil
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return instruct.ContentTypeJPEG, nil
	}
	return "", instruct.Errorf(instruct.CodeUnsupportedMediaType, "a document must be a PDF, PNG or JPEG file (known by its content, not its name)")
}

// DocumentName returns the name a document is stored under: the last
// element of the name the client gave, valid UTF-8 without control or
// invisible format characters, at most instruct.MaxNameLength
// characters; "document" when nothing is left.
func DocumentName(name string) string {
	name = strings.ToValidUTF8(name, "\uFFFD")
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > instruct.MaxNameLength {
		name = string([]rune(name)[:instruct.MaxNameLength])
	}
	if name == "" || name == "." || name == "/" {
		return "document"
	}
	return name
}

// uploaded is the canonical body of an upload, fingerprinted for
// idempotency: the same name and bytes.
type uploaded struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// AttachDocument attaches the file data, named name, to request id, which
// only its applicant may change while it is editable: its type known by
// its content, its text extracted (for a PDF) before anything is
// written. The request's version grows and its update event has a
// documents diff. It returns the outcome and the document attached.
func (s *Service) AttachDocument(ctx context.Context, u instruct.User, id instruct.RequestID, name string, data []byte, pre Precondition) (instruct.Outcome, instruct.Document, error) {
	store, err := s.documents()
	if err != nil {
		return instruct.Outcome{}, instruct.Document{}, err
	}
	req, createdBy, err := s.EditableNow(ctx, u, id)
	if err != nil {
		return instruct.Outcome{}, instruct.Document{}, err
	}
	f, err := s.documentFile(ctx, name, data)
	if err != nil {
		return instruct.Outcome{}, instruct.Document{}, err
	}
	m := s.mutation(u, "POST", req, "documents", uploaded{Name: f.Document.Name, SHA256: f.Document.SHA256})
	m.IfMatch, m.IdempotencyKey, m.Now = pre.IfMatch, pre.IdempotencyKey, f.Document.CreatedAt
	m.Change = attachment{actor: u.Actor(), doc: f.Document}
	out, err := s.applyWith(ctx, u, m, createdBy, func(ctx context.Context) (instruct.Outcome, error) {
		return store.AttachDocument(ctx, m, f)
	})
	if err != nil || len(out.Request.Documents) == 0 {
		return out, instruct.Document{}, err
	}
	// The document attached is the request's last, also on a replay.
	return out, out.Request.Documents[len(out.Request.Documents)-1], nil
}

// EditableNow loads request id for a change by its applicant, refusing
// at once one past the editable states.
func (s *Service) EditableNow(ctx context.Context, u instruct.User, id instruct.RequestID) (instruct.Request, string, error) {
	req, createdBy, err := s.editable(ctx, u, id)
	if err != nil {
		return req, createdBy, err
	}
	_, err = instruct.Transition(req.Status, instruct.KindUpdate)
	return req, createdBy, err
}

// documentFile builds the document of data: its type, its digest, and
// for a PDF its pages and text.
func (s *Service) documentFile(ctx context.Context, name string, data []byte) (instruct.DocumentFile, error) {
	if len(data) > instruct.MaxDocumentBytes {
		return instruct.DocumentFile{}, instruct.Errorf(instruct.CodeTooLarge, "a document may weigh at most %d MiB", instruct.MaxDocumentBytes>>20)
	}
	contentType, err := ContentTypeOf(data)
	if err != nil {
		return instruct.DocumentFile{}, err
	}
	sum := sha256.Sum256(data)
	doc := instruct.Document{ID: newDocumentID(), Name: DocumentName(name), ContentType: contentType,
		Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:]), Text: instruct.DocumentTextNone, CreatedAt: s.clock()}
	f := instruct.DocumentFile{Document: doc, Bytes: data}
	if contentType == instruct.ContentTypePDF {
		res := s.extract(ctx, data)
		f.Document.Pages, f.Document.Text, f.Text = res.Pages, res.State, res.Text
	}
	return f, nil
}

// newDocumentID returns a new document ID: "F" and 16 random hex digits.
func newDocumentID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "F" + hex.EncodeToString(b)
}

// attachment is the change that adds a document to a request.
type attachment struct {
	actor instruct.Actor
	doc   instruct.Document
}

// Apply appends the document, within the most a request may hold.
func (a attachment) Apply(r *instruct.Request) (instruct.Event, bool, error) {
	if _, err := instruct.Transition(r.Status, instruct.KindUpdate); err != nil {
		return instruct.Event{}, false, err
	}
	if len(r.Documents) >= instruct.MaxDocumentsPerRequest {
		return instruct.Event{}, false, instruct.Errorf(instruct.CodeInvalid,
			"%s holds %d documents, the most a request may hold: remove one first", r.ID, len(r.Documents))
	}
	old := documentList(r.Documents)
	r.Documents = append(old, a.doc)
	return documentsEvent(r, a.actor, old, a.doc.CreatedAt), true, nil
}

// detachment is the change that removes a document from a request; a
// legal basis naming it names none after. It reads the request's
// habilitations (a HoldingChange): a document one of them names stays.
type detachment struct {
	actor instruct.Actor
	id    string
	at    time.Time
}

// ApplyHolding refuses to remove a document that the legal basis of one
// of the request's habilitations names, whatever its status: it is part
// of what was approved, which reviewers and the holder must still be
// able to read (a new file is attached and cited instead). Otherwise it
// removes the document as Apply does.
func (d detachment) ApplyHolding(h *instruct.Holding) (instruct.Event, bool, error) {
	if _, err := instruct.Transition(h.Request.Status, instruct.KindUpdate); err != nil {
		return instruct.Event{}, false, err
	}
	for _, hab := range h.Habilitations {
		if doc := hab.LegalBasis.Document; doc != nil && *doc == d.id {
			return instruct.Event{}, false, instruct.Errorf(instruct.CodeInvalid,
				"document %s is the legal basis of habilitation %s, approved on %s: it stays attached to %s as long as the habilitation exists; "+
					"to cite another file, attach it and name it in legal_basis.document", d.id, hab.ID, hab.CreatedAt.Format("2006-01-02"), h.Request.ID)
		}
	}
	return d.Apply(&h.Request)
}

// Apply removes the document, or answers not_found.
func (d detachment) Apply(r *instruct.Request) (instruct.Event, bool, error) {
	if _, err := instruct.Transition(r.Status, instruct.KindUpdate); err != nil {
		return instruct.Event{}, false, err
	}
	i := slices.IndexFunc(r.Documents, func(doc instruct.Document) bool { return doc.ID == d.id })
	if i < 0 {
		return instruct.Event{}, false, instruct.Errorf(instruct.CodeNotFound, "no document %s on %s", d.id, r.ID)
	}
	old := documentList(r.Documents)
	r.Documents = slices.Delete(documentList(old), i, i+1)
	e := documentsEvent(r, d.actor, old, d.at)
	if lb := r.LegalBasis; lb.Document != nil && *lb.Document == d.id {
		r.LegalBasis.Document = nil
		e.Diff["legal_basis"] = [2]any{lb, r.LegalBasis}
	}
	return e, true, nil
}

// documentList returns a copy of docs, never nil.
func documentList(docs []instruct.Document) []instruct.Document {
	return append(make([]instruct.Document, 0, len(docs)+1), docs...)
}

// documentsEvent dates r's change at t and returns its update event,
// whose diff holds the documents before and after.
func documentsEvent(r *instruct.Request, actor instruct.Actor, old []instruct.Document, t time.Time) instruct.Event {
	r.UpdatedAt = t
	return instruct.Event{RequestID: r.ID, Kind: instruct.KindUpdate, Actor: actor, At: t,
		Diff: instruct.Diff{"documents": [2]any{old, r.Documents}}}
}

// DetachDocument removes document doc from request id, which only its
// applicant may change while it is editable; a legal basis that named it
// names none after. The request's version grows and its update event has
// a documents diff.
func (s *Service) DetachDocument(ctx context.Context, u instruct.User, id instruct.RequestID, doc string, pre Precondition) (instruct.Outcome, error) {
	store, err := s.documents()
	if err != nil {
		return instruct.Outcome{}, err
	}
	req, createdBy, err := s.EditableNow(ctx, u, id)
	if err != nil {
		return instruct.Outcome{}, err
	}
	now := s.clock()
	m := s.mutation(u, "DELETE", req, "documents/"+doc, struct{}{})
	m.IfMatch, m.IdempotencyKey, m.Now = pre.IfMatch, pre.IdempotencyKey, now
	m.Change = detachment{actor: u.Actor(), id: doc, at: now}
	return s.applyWith(ctx, u, m, createdBy, func(ctx context.Context) (instruct.Outcome, error) {
		return store.DetachDocument(ctx, m, doc)
	})
}

// VisibleDocument returns document id as its request carries it, when u
// may see a request that holds it; not_found otherwise, the same answer
// either way.
func (s *Service) VisibleDocument(ctx context.Context, u instruct.User, id string) (instruct.Document, error) {
	store, err := s.documents()
	if err != nil {
		return instruct.Document{}, err
	}
	number, err := store.DocumentRequest(ctx, id)
	if err != nil {
		return instruct.Document{}, err
	}
	req, _, err := s.Visible(ctx, u, number)
	if instruct.ErrorCode(err) == instruct.CodeNotFound {
		return instruct.Document{}, instruct.Errorf(instruct.CodeNotFound, "no document %s", id)
	}
	if err != nil {
		return instruct.Document{}, err
	}
	i := slices.IndexFunc(req.Documents, func(d instruct.Document) bool { return d.ID == id })
	if i < 0 {
		return instruct.Document{}, instruct.Errorf(instruct.CodeNotFound, "no document %s", id)
	}
	return req.Documents[i], nil
}

// DocumentBytes returns document id with its bytes, when u may see it.
func (s *Service) DocumentBytes(ctx context.Context, u instruct.User, id string) (instruct.Document, []byte, error) {
	doc, err := s.VisibleDocument(ctx, u, id)
	if err != nil {
		return doc, nil, err
	}
	store, _ := s.documents()
	b, err := store.DocumentBytes(ctx, id)
	return doc, b, err
}

// DocumentText returns the text of document id, when u may see it:
// not_found when it has none.
func (s *Service) DocumentText(ctx context.Context, u instruct.User, id string) (string, error) {
	doc, err := s.VisibleDocument(ctx, u, id)
	if err != nil {
		return "", err
	}
	if doc.Text != instruct.DocumentTextAvailable {
		return "", instruct.Errorf(instruct.CodeNotFound, "document %s has no text (%s)", id, doc.Text)
	}
	store, _ := s.documents()
	return store.DocumentText(ctx, id)
}
