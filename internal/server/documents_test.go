package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/pdfwrite"
)

// textPDF is a one-page text PDF of the given lines.
func textPDF(lines ...string) []byte { return pdfwrite.Bytes([][]string{lines}) }

// pngBytes are the first bytes of a PNG image.
var pngBytes = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00")

// multipartBody returns a multipart/form-data body with one part named
// part holding data as the file name, and its Content-Type.
func multipartBody(t testing.TB, part, name string, data []byte) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	fw, err := w.CreateFormFile(part, name)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes(), w.FormDataContentType()
}

// upload sends data named name to request id's documents, with a new
// Idempotency-Key unless headers give one.
func (c *caller) upload(id instruct.RequestID, name string, data []byte, headers ...hdr) response {
	c.env.t.Helper()
	body, ct := multipartBody(c.env.t, api.DocumentPart, name, data)
	headers = append([]hdr{key(newKey()), header("Content-Type", ct)}, headers...)
	return c.do("POST", "/requests/"+id.String()+"/documents", body, headers...)
}

// attach uploads data to r and returns the document attached.
func (c *caller) attach(r instruct.Request, name string, data []byte) instruct.Document {
	c.env.t.Helper()
	return decodeAs[api.DocumentResult](c.env.t, c.upload(r.ID, name, data), http.StatusCreated).Document
}

// TestDocumentUploadDownload: an applicant's PDF comes back the same
// bytes (same SHA-256) with safe headers, its text readable, its
// metadata on the request, and the upload an update event with a
// documents diff.
func TestDocumentUploadDownload(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.draft("api_particulier", "Cantine")
	data := textPDF("Délibération n° 2026-061 du conseil municipal", "Tarifs de la restauration scolaire")
	res := c.applicant.upload(r.ID, `C:\Mes documents\délibération "finale".pdf`, data)
	doc := decodeAs[api.DocumentResult](t, res, http.StatusCreated).Document
	sum := sha256.Sum256(data)
	want := instruct.Document{ID: doc.ID, Name: `délibération "finale".pdf`, ContentType: instruct.ContentTypePDF,
		Size: int64(len(data)), SHA256: hexOf(sum[:]), Pages: 1, Text: instruct.DocumentTextAvailable, CreatedAt: doc.CreatedAt}
	if doc != want || !strings.HasPrefix(doc.ID, "F") {
		t.Errorf("uploaded document = %+v, want %+v", doc, want)
	}
	if got := res.header.Get(api.HeaderETag); got != etag(r.Version+1) {
		t.Errorf("ETag = %s, want %s", got, etag(r.Version+1))
	}
	if got := res.header.Get("Location"); got != api.BasePath+"/documents/"+doc.ID {
		t.Errorf("Location = %s", got)
	}

	got := c.instructor.do("GET", "/documents/"+doc.ID, nil)
	if got.status != http.StatusOK || sha256.Sum256(got.body) != sum {
		t.Fatalf("GET /documents/%s = %d, %d bytes; want the same SHA-256 as uploaded", doc.ID, got.status, len(got.body))
	}
	for name, value := range map[string]string{"Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff",
		"Content-Disposition": `attachment; filename="d_lib_ration _finale_.pdf"; filename*=UTF-8''d%C3%A9lib%C3%A9ration%20%22finale%22.pdf`} {
		if h := got.header.Get(name); h != value {
			t.Errorf("%s = %q, want %q", name, h, value)
		}
	}
	if _, params, err := mime.ParseMediaType(got.header.Get("Content-Disposition")); err != nil || params["filename"] != doc.Name {
		t.Errorf("Content-Disposition parses to %v, %v; want filename %q", params, err, doc.Name)
	}

	text := c.applicant.do("GET", "/documents/"+doc.ID+"/text", nil)
	if text.status != http.StatusOK || text.header.Get("Content-Type") != "text/plain; charset=utf-8" ||
		!strings.Contains(string(text.body), "Délibération n° 2026-061") || !strings.Contains(string(text.body), "restauration scolaire") {
		t.Errorf("GET text = %d %q %q", text.status, text.header.Get("Content-Type"), text.body)
	}

	stored := decodeAs[instruct.Request](t, c.instructor.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK)
	if len(stored.Documents) != 1 || stored.Documents[0] != doc || stored.Version != r.Version+1 {
		t.Errorf("request = version %d, documents %+v; want version %d with the document", stored.Version, stored.Documents, r.Version+1)
	}
	events := e.events(r.ID)
	last := events[len(events)-1]
	if last.Kind != instruct.KindUpdate || !hasField(last.Diff, "documents") {
		t.Errorf("last event = %s with diff %v, want an update with a documents diff", last.Kind, last.Diff)
	}
}

func hasField(d instruct.Diff, field string) bool {
	_, ok := d[field]
	return ok
}

func hexOf(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

// TestDocumentTypeByContent: the type comes from the bytes, never the
// name or the part's type; anything but PDF, PNG and JPEG is 415.
func TestDocumentTypeByContent(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.draft("api_particulier", "Cantine")
	tests := []struct {
		name, file string
		data       []byte
		want       string
		text       instruct.DocumentText
	}{
		{"png named pdf", "scan.pdf", pngBytes, instruct.ContentTypePNG, instruct.DocumentTextNone},
		{"jpeg named txt", "photo.txt", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), instruct.ContentTypeJPEG, instruct.DocumentTextNone},
		{"broken pdf", "x.pdf", []byte("%PDF-1.4\ngarbage"), instruct.ContentTypePDF, instruct.DocumentTextFailed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := c.applicant.attach(r, tc.file, tc.data)
			if doc.ContentType != tc.want || doc.Text != tc.text {
				t.Errorf("upload(%s) = %s, text %s; want %s, %s", tc.name, doc.ContentType, doc.Text, tc.want, tc.text)
			}
			problem(t, c.applicant.do("GET", "/documents/"+doc.ID+"/text", nil), http.StatusNotFound, instruct.CodeNotFound)
		})
	}
	for _, data := range [][]byte{[]byte("<html><script>alert(1)</script>"), []byte("PK\x03\x04 a zip named .pdf"), {}} {
		problem(t, c.applicant.upload(r.ID, "deliberation.pdf", data), http.StatusUnsupportedMediaType, instruct.CodeUnsupportedMediaType)
	}
}

// TestDocumentUploadRefusals: the headers, the body's shape and the
// request's state are checked, and nothing is kept when refused.
func TestDocumentUploadRefusals(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.draft("api_particulier", "Cantine")
	submitted := c.applicant.submitted("api_particulier", "Soumise")
	pdf := textPDF("x")
	body, ct := multipartBody(t, api.DocumentPart, "a.pdf", pdf)
	other, otherCT := multipartBody(t, "attachment", "a.pdf", pdf)
	path := "/requests/" + r.ID.String() + "/documents"
	problem(t, c.applicant.do("POST", path, body, header("Content-Type", ct)), http.StatusBadRequest, instruct.CodeInvalid)
	problem(t, c.applicant.do("POST", path, pdf, key(newKey()), header("Content-Type", "application/pdf")), http.StatusBadRequest, instruct.CodeInvalid)
	problem(t, c.applicant.do("POST", path, other, key(newKey()), header("Content-Type", otherCT)), http.StatusBadRequest, instruct.CodeInvalid)
	problem(t, c.applicant.upload(submitted.ID, "a.pdf", pdf), http.StatusUnprocessableEntity, instruct.CodeInvalidTransition)
	problem(t, c.applicant.upload(r.ID, "a.pdf", pdf, ifMatch(r.Version+3)), http.StatusPreconditionFailed, instruct.CodeStaleVersion)
	if got := decodeAs[instruct.Request](t, c.applicant.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK); len(got.Documents) != 0 || got.Version != r.Version {
		t.Errorf("after refusals: version %d, %d documents; want %d, none", got.Version, len(got.Documents), r.Version)
	}
}

// TestDocumentTooLarge: a body past 20 MiB is refused with 413 while it
// is read: the server answers before the client has sent it all.
func TestDocumentTooLarge(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.draft("api_particulier", "Cantine")
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	var sent atomic.Int64
	const total = 200 << 20
	go func() {
		fw, _ := mw.CreateFormFile(api.DocumentPart, "big.pdf")
		chunk := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte("x"), 64<<10)...)
		for sent.Load() < total {
			n, err := fw.Write(chunk)
			sent.Add(int64(n))
			if err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		mw.Close()
		pw.Close()
	}()
	req := e.newRequest("POST", "/requests/"+r.ID.String()+"/documents", nil, key(newKey()), header("Content-Type", mw.FormDataContentType()))
	req.Body = pr
	req.Header.Set("Authorization", "Bearer "+c.applicant.token)
	res := e.send(req)
	pr.CloseWithError(io.ErrClosedPipe)
	problem(t, res, http.StatusRequestEntityTooLarge, instruct.CodeTooLarge)
	if n := sent.Load(); n >= total {
		t.Errorf("the client sent all %d MiB before the answer; want it refused while reading", n>>20)
	}
	// Exactly the largest size is accepted.
	max := append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte(" "), instruct.MaxDocumentBytes-9)...)
	if doc := c.applicant.attach(r, "max.pdf", max); doc.Size != instruct.MaxDocumentBytes {
		t.Errorf("a document of exactly %d bytes = size %d", instruct.MaxDocumentBytes, doc.Size)
	}
	over := append(max, ' ')
	problem(t, c.applicant.upload(r.ID, "over.pdf", over), http.StatusRequestEntityTooLarge, instruct.CodeTooLarge)
}

// TestDocumentIdempotentUpload: the same key replays the first answer
// and attaches nothing more.
func TestDocumentIdempotentUpload(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.draft("api_particulier", "Cantine")
	k := newKey()
	first := decodeAs[api.DocumentResult](t, c.applicant.upload(r.ID, "a.pdf", textPDF("a"), key(k)), http.StatusCreated)
	res := c.applicant.upload(r.ID, "a.pdf", textPDF("a"), key(k))
	again := decodeAs[api.DocumentResult](t, res, http.StatusCreated)
	if again.Document != first.Document || res.header.Get(api.HeaderReplayed) != "true" {
		t.Errorf("replay = %+v (replayed %q), want %+v", again.Document, res.header.Get(api.HeaderReplayed), first.Document)
	}
	problem(t, c.applicant.upload(r.ID, "b.pdf", textPDF("b"), key(k)), http.StatusUnprocessableEntity, instruct.CodeIdempotencyKeyReused)
	got := decodeAs[instruct.Request](t, c.applicant.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK)
	if len(got.Documents) != 1 {
		t.Errorf("after a replay: %d documents, want 1", len(got.Documents))
	}
}

// TestDocumentDelete: the applicant removes a document while the request
// is editable; it is gone for everyone, and a legal basis naming it
// names none.
func TestDocumentDelete(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.draft("api_particulier", "Cantine")
	doc := c.applicant.attach(r, "a.pdf", textPDF("a"))
	keep := c.applicant.attach(r, "b.png", pngBytes)
	cur := decodeAs[instruct.Request](t, c.applicant.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK)
	lb := cur.LegalBasis
	lb.Document = &doc.ID
	cur = decodeAs[instruct.Request](t, c.applicant.do("PATCH", "/requests/"+r.ID.String(),
		instruct.RequestPatch{LegalBasis: &lb}, ifMatch(cur.Version)), http.StatusOK)
	path := "/requests/" + r.ID.String() + "/documents/" + doc.ID
	problem(t, c.instructor.do("DELETE", path, nil, key(newKey())), http.StatusForbidden, instruct.CodeForbidden)
	problem(t, c.other.do("DELETE", path, nil, key(newKey())), http.StatusNotFound, instruct.CodeNotFound)
	res := c.applicant.do("DELETE", path, nil, key(newKey()))
	after := decodeAs[instruct.Request](t, res, http.StatusOK)
	if len(after.Documents) != 1 || after.Documents[0] != keep || after.LegalBasis.Document != nil || after.Version != cur.Version+1 {
		t.Errorf("after delete: version %d, documents %+v, legal basis document %v", after.Version, after.Documents, after.LegalBasis.Document)
	}
	problem(t, c.applicant.do("GET", "/documents/"+doc.ID, nil), http.StatusNotFound, instruct.CodeNotFound)
	problem(t, c.applicant.do("DELETE", path, nil, key(newKey())), http.StatusNotFound, instruct.CodeNotFound)
	events := e.events(r.ID)
	diff := events[len(events)-1].Diff
	if !hasField(diff, "documents") || !hasField(diff, "legal_basis") {
		t.Errorf("delete event diff = %v, want documents and legal_basis", diff)
	}
}

// TestDocumentVisibility: a document is served to whoever may see its
// request, and is not found for everyone else.
func TestDocumentVisibility(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.draft("api_particulier", "Cantine")
	doc := c.applicant.attach(r, "a.pdf", textPDF("secret"))
	callers := []struct {
		name   string
		who    *caller
		status int
	}{
		{"applicant", c.applicant, http.StatusOK},
		{"admin", c.admin, http.StatusOK},
		{"instructor", c.instructor, http.StatusOK},
		{"reporter", c.reporter, http.StatusOK},
		{"instructor of another API", c.outsider, http.StatusNotFound},
		{"another applicant", c.other, http.StatusNotFound},
		{"no token", &caller{env: e}, http.StatusUnauthorized},
	}
	for _, tc := range callers {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/documents/" + doc.ID, "/documents/" + doc.ID + "/text"} {
				res := tc.who.do("GET", path, nil)
				if res.status != tc.status {
					t.Errorf("GET %s = %d, want %d", path, res.status, tc.status)
				}
				if res.status != http.StatusOK && bytes.Contains(res.body, []byte("secret")) {
					t.Errorf("GET %s leaks the document: %s", path, res.body)
				}
			}
			if tc.who != c.applicant && tc.status == http.StatusOK {
				problem(t, tc.who.upload(r.ID, "b.pdf", textPDF("b")), http.StatusForbidden, instruct.CodeForbidden)
			}
		})
	}
	problem(t, c.other.upload(r.ID, "b.pdf", textPDF("b")), http.StatusNotFound, instruct.CodeNotFound)
	problem(t, c.admin.do("GET", "/documents/F0000000000000000", nil), http.StatusNotFound, instruct.CodeNotFound)
	problem(t, c.admin.do("GET", "/documents/"+strings.Repeat("F", 100), nil), http.StatusNotFound, instruct.CodeNotFound)
}

// TestDocumentQuota: past the applicant's quota of document bytes the
// upload is 413 and nothing is kept.
func TestDocumentQuota(t *testing.T) {
	q := roomyQuotas
	pdf := textPDF("quota")
	q.DocumentBytes = int64(len(pdf)) + 10
	e := newEnv(t, withQuotas(q))
	c := newCast(e)
	r := c.applicant.draft("api_particulier", "Cantine")
	c.applicant.attach(r, "a.pdf", pdf)
	p := problem(t, c.applicant.upload(r.ID, "b.pdf", pdf), http.StatusRequestEntityTooLarge, instruct.CodeTooLarge)
	if !strings.Contains(p.Detail, "documents") {
		t.Errorf("detail = %q, want it to name the documents", p.Detail)
	}
	var got instruct.Request
	json.Unmarshal(c.applicant.do("GET", "/requests/"+r.ID.String(), nil).body, &got)
	if len(got.Documents) != 1 {
		t.Errorf("after a refusal past the quota: %d documents, want 1", len(got.Documents))
	}
}

// TestPostgresDocuments: on PostgreSQL too, an upload downloads as the
// same bytes, is visible to its request's readers only, shares its bytes
// with the same file elsewhere, and goes with its deletion.
func TestPostgresDocuments(t *testing.T) {
	dsn := postgresDSN(t)
	e := newPostgresEnv(t, dsn)
	c := newCast(e)
	a, b := c.applicant.draft("api_particulier", "Cantine"), c.applicant.draft("api_particulier", "Centre social")
	data := textPDF("Délibération du conseil municipal")
	docA, docB := c.applicant.attach(a, "a.pdf", data), c.applicant.attach(b, "b.pdf", data)
	for _, doc := range []instruct.Document{docA, docB} {
		got := c.reporter.do("GET", "/documents/"+doc.ID, nil)
		if got.status != http.StatusOK || sha256.Sum256(got.body) != sha256.Sum256(data) {
			t.Errorf("GET /documents/%s = %d, %d bytes; want the bytes uploaded", doc.ID, got.status, len(got.body))
		}
		problem(t, c.other.do("GET", "/documents/"+doc.ID, nil), http.StatusNotFound, instruct.CodeNotFound)
		problem(t, c.outsider.do("GET", "/documents/"+doc.ID+"/text", nil), http.StatusNotFound, instruct.CodeNotFound)
	}
	var blobs int
	postgresAdmin(t, dsn).QueryRow(`SELECT COUNT(*) FROM blobs`).Scan(&blobs)
	if blobs != 1 {
		t.Errorf("the same bytes on two requests: %d blobs, want 1", blobs)
	}
	decodeAs[instruct.Request](t, c.applicant.do("DELETE", "/requests/"+a.ID.String()+"/documents/"+docA.ID, nil, key(newKey())), http.StatusOK)
	problem(t, c.applicant.do("GET", "/documents/"+docA.ID, nil), http.StatusNotFound, instruct.CodeNotFound)
	if got := c.applicant.do("GET", "/documents/"+docB.ID+"/text", nil); got.status != http.StatusOK || !strings.Contains(string(got.body), "conseil municipal") {
		t.Errorf("GET text of %s after deleting %s = %d %q", docB.ID, docA.ID, got.status, got.body)
	}
}
