package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/review"
)

// Bounds of uploads.
const (
	// maxUploads is how many uploads are read at once: each holds up to
	// instruct.MaxDocumentBytes in memory until it is stored.
	maxUploads = 4
	// uploadWait is how long an upload waits for its turn before the
	// server answers unavailable.
	uploadWait = 30 * time.Second
	// uploadReadTimeout replaces Limits.ReadTimeout for the body of an
	// upload: 20 MiB in two minutes is 170 KiB/s.
	uploadReadTimeout = 2 * time.Minute
	// maxDocumentIDLength bounds the {id} of a document's path.
	maxDocumentIDLength = 64
)

// uploadDocument answers POST /requests/{id}/documents: the applicant
// attaches a file, one multipart/form-data part named "file", typed by
// its content. 201 with the document, the request's new ETag and the
// document's Location.
func (s *Server) uploadDocument(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	pre, err := documentPreconditions(r)
	if err != nil {
		return err
	}
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	if _, _, err := s.review.EditableNow(r.Context(), u, id); err != nil {
		return err
	}
	release, err := s.uploadTurn(r.Context())
	if err != nil {
		return err
	}
	defer release()
	http.NewResponseController(w).SetReadDeadline(time.Now().Add(uploadReadTimeout))
	name, data, err := readUpload(r)
	if err != nil {
		return err
	}
	out, doc, err := s.review.AttachDocument(r.Context(), u, id, name, data, pre)
	if err != nil {
		return err
	}
	w.Header().Set("Location", api.BasePath+"/documents/"+url.PathEscape(doc.ID))
	w.Header().Set(api.HeaderETag, etag(out.Request.Version))
	if out.Replayed {
		w.Header().Set(api.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusCreated, api.DocumentResult{Document: doc})
	return nil
}

// deleteDocument answers DELETE /requests/{id}/documents/{doc}: the
// applicant removes a file while the request is editable; 200 with the
// request and its new ETag.
func (s *Server) deleteDocument(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	pre, err := documentPreconditions(r)
	if err != nil {
		return err
	}
	if err := decodeEmpty(r.Body); err != nil {
		return malformed(err)
	}
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	doc, err := pathDocumentID(r, "doc")
	if err != nil {
		return err
	}
	out, err := s.review.DetachDocument(r.Context(), u, id, doc, pre)
	if err != nil {
		return err
	}
	writeRequest(w, http.StatusOK, out)
	return nil
}

// getDocument answers GET /documents/{id}: the bytes, with headers that
// make a browser save them rather than render them.
func (s *Server) getDocument(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	id, err := pathDocumentID(r, "id")
	if err != nil {
		return err
	}
	doc, data, err := s.review.DocumentBytes(r.Context(), u, id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", doc.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Content-Disposition", contentDisposition(doc.Name))
	h.Set(api.HeaderETag, `"`+doc.SHA256+`"`)
	safeHeaders(h)
	w.WriteHeader(http.StatusOK)
	w.Write(data)
	return nil
}

// getDocumentText answers GET /documents/{id}/text: the text extracted
// from a PDF, 404 when it has none.
func (s *Server) getDocumentText(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	id, err := pathDocumentID(r, "id")
	if err != nil {
		return err
	}
	text, err := s.review.DocumentText(r.Context(), u, id)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(text)))
	safeHeaders(h)
	w.WriteHeader(http.StatusOK)
	io.WriteString(w, text)
	return nil
}

// safeHeaders keeps what an applicant uploaded from being run or cached
// by whatever receives it.
func safeHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
}

// contentDisposition returns an attachment header naming the file:
// filename holds an ASCII stand-in (every other character '_'), and
// filename* the name itself, percent-encoded UTF-8 (RFC 6266, 8187).
func contentDisposition(name string) string {
	var ascii strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == '%' {
			r = '_'
		}
		ascii.WriteRune(r)
	}
	return `attachment; filename="` + ascii.String() + `"; filename*=UTF-8''` + rfc8187(name)
}

// rfc8187 percent-encodes s but for the attribute characters of RFC 8187.
func rfc8187(s string) string {
	const attrChar = "!#$&+-.^_`|~"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(attrChar, c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteString("%" + strings.ToUpper(strconv.FormatInt(int64(c)>>4, 16)) + strings.ToUpper(strconv.FormatInt(int64(c)&15, 16)))
	}
	return b.String()
}

// documentPreconditions reads the headers of a document change:
// Idempotency-Key, required, and If-Match, optional (a document does not
// conflict with the fields an applicant edits).
func documentPreconditions(r *http.Request) (review.Precondition, error) {
	key, err := idempotencyKey(r.Header.Get(api.HeaderIdempotencyKey))
	if err != nil {
		return review.Precondition{}, malformed(err)
	}
	pre := review.Precondition{IdempotencyKey: key}
	if h := r.Header.Get(api.HeaderIfMatch); h != "" {
		if pre.IfMatch, err = parseIfMatch(h); err != nil {
			return review.Precondition{}, malformed(err)
		}
	}
	return pre, nil
}

// pathDocumentID reads a document ID of the path; one too long to be any
// is not_found.
func pathDocumentID(r *http.Request, name string) (string, error) {
	id := r.PathValue(name)
	if id == "" || len(id) > maxDocumentIDLength {
		return "", instruct.Errorf(instruct.CodeNotFound, "no such document")
	}
	return id, nil
}

// uploadTurn waits for one of the maxUploads slots and returns its
// release; unavailable when none frees within uploadWait.
func (s *Server) uploadTurn(ctx context.Context) (func(), error) {
	t := time.NewTimer(uploadWait)
	defer t.Stop()
	select {
	case s.uploads <- struct{}{}:
		return func() { <-s.uploads }, nil
	case <-t.C:
		return nil, instruct.Errorf(instruct.CodeUnavailable, "too many uploads at once; retry shortly")
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// readUpload reads the one part of an upload: its file name and bytes,
// refused as too_large as soon as they pass instruct.MaxDocumentBytes.
func readUpload(r *http.Request) (string, []byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, malformed(instruct.Errorf(instruct.CodeInvalid, "the body must be multipart/form-data with one part named %q", api.DocumentPart))
	}
	part, err := mr.NextPart()
	if err != nil {
		return "", nil, uploadError(err)
	}
	defer part.Close()
	if part.FormName() != api.DocumentPart {
		return "", nil, malformed(instruct.Errorf(instruct.CodeInvalid, "the body must have one part, named %q", api.DocumentPart))
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(max(r.ContentLength, 0), instruct.MaxDocumentBytes+1)))
	if _, err := io.Copy(buf, io.LimitReader(part, instruct.MaxDocumentBytes+1)); err != nil {
		return "", nil, uploadError(err)
	}
	if buf.Len() > instruct.MaxDocumentBytes {
		return "", nil, instruct.Errorf(instruct.CodeTooLarge, "a document may weigh at most %d MiB", instruct.MaxDocumentBytes>>20)
	}
	if _, err := mr.NextPart(); err != io.EOF {
		return "", nil, uploadError(err)
	}
	return part.FileName(), buf.Bytes(), nil
}

// uploadError answers a failure to read an upload: too_large past the
// body's limit, invalid for anything else (a second part included).
func uploadError(err error) error {
	if tooLarge(err) {
		return instruct.Errorf(instruct.CodeTooLarge, "a document may weigh at most %d MiB", instruct.MaxDocumentBytes>>20)
	}
	if err == nil || errors.Is(err, io.EOF) {
		return malformed(instruct.Errorf(instruct.CodeInvalid, "the body must have exactly one part, named %q", api.DocumentPart))
	}
	return malformed(instruct.Errorf(instruct.CodeInvalid, "the multipart body is malformed"))
}
