package client

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"unicode/utf8"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// MaxDocumentText is the most bytes of a document's text the client
// reads: a longer text is cut there (DocumentText says so). A reviewer
// reads a deliberation or an agreement, tens of pages, and 1 MiB is some
// 300 pages; no applicant can make the client hold more for a document.
const MaxDocumentText = 1 << 20

// DocumentText returns the text of document id, at most MaxDocumentText
// bytes of it (Cut says when it goes on). A document without text (an image, a scan, a failed
// extraction) fails with code not_found.
func (c *Client) DocumentText(ctx context.Context, id string) (instruct.DocumentContent, error) {
	ans, err := c.do(ctx, call{method: http.MethodGet, path: documentPath(id) + "/text", limit: MaxDocumentText,
		keepHead: true, header: http.Header{"Accept": {"text/plain"}}})
	if err != nil {
		return instruct.DocumentContent{}, err
	}
	if ans.cut {
		return instruct.DocumentContent{Text: cutAtRune(ans.body), Cut: true}, nil
	}
	return instruct.DocumentContent{Text: string(ans.body)}, nil
}

// cutAtRune returns b as text without the partial character a cut may
// have left at its end.
func cutAtRune(b []byte) string {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if r, size := utf8.DecodeLastRune(b); r != utf8.RuneError || size > 1 {
			break
		}
		b = b[:len(b)-1]
	}
	return string(b)
}

// DocumentFile returns the bytes of document id, at most
// instruct.MaxDocumentBytes.
func (c *Client) DocumentFile(ctx context.Context, id string) ([]byte, error) {
	ans, err := c.do(ctx, call{method: http.MethodGet, path: documentPath(id), limit: instruct.MaxDocumentBytes,
		header: http.Header{"Accept": {"*/*"}}})
	if err != nil {
		return nil, err
	}
	return ans.body, nil
}

// UploadDocument attaches a file to request id as its applicant: name is
// the file's name, data its bytes (the server tells its type by its
// content). key is the Idempotency-Key: sending it again after a lost
// answer attaches the file once.
func (c *Client) UploadDocument(ctx context.Context, key string, id instruct.RequestID, name string, data []byte) (instruct.Document, error) {
	body, contentType, err := multipartFile(name, data)
	if err != nil {
		return instruct.Document{}, err
	}
	k := call{method: http.MethodPost, path: requestPath(id) + "/documents", body: body, retry: retrySafe,
		header: http.Header{"Content-Type": {contentType}}, limit: smallAnswerLimit}
	k.header.Set(api.HeaderIdempotencyKey, key)
	ans, err := c.do(ctx, k)
	if err != nil {
		return instruct.Document{}, err
	}
	res, err := decode[api.DocumentResult](ans.body)
	if err == nil && res.Document.ID == "" {
		err = instruct.Errorf(instruct.CodeInternal, "the server's answer to an upload lacks the document")
	}
	return res.Document, err
}

// multipartFile returns a multipart/form-data body of one part, file,
// holding data under name, and its content type.
func multipartFile(name string, data []byte) ([]byte, string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	part, err := mw.CreateFormFile(api.DocumentPart, name)
	if err == nil {
		_, err = part.Write(data)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		return nil, "", fmt.Errorf("build the upload of %s: %w", name, err)
	}
	return buf.Bytes(), mw.FormDataContentType(), nil
}

func documentPath(id string) string { return "/documents/" + url.PathEscape(id) }
