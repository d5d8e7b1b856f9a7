package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"path/filepath"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

func TestSQLiteDocuments(t *testing.T) {
	runDocuments(t, func(t *testing.T, opts ...Option) *Ledger {
		l, err := Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"), opts...)
		if err != nil {
			t.Fatalf("Open() = %v", err)
		}
		t.Cleanup(func() { l.Close() })
		return l
	})
}

func TestPostgresDocuments(t *testing.T) {
	postgresDSN(t)
	runDocuments(t, func(t *testing.T, opts ...Option) *Ledger {
		l, err := OpenPostgres(context.Background(), postgresSchema(t), opts...)
		if err != nil {
			t.Fatalf("OpenPostgres() = %v", err)
		}
		t.Cleanup(func() { l.Close() })
		return l
	})
}

// runDocuments runs the documents' behaviour every engine must have.
func runDocuments(t *testing.T, open opener) {
	tests := []struct {
		name string
		run  func(t *testing.T, open opener)
	}{
		{"AttachStoresBytesWithTheEvent", testAttach},
		{"SameBytesStoredOnce", testAttachDedup},
		{"AttachReplaysKey", testAttachReplay},
		{"AttachPastQuotaKeepsNothing", testAttachQuota},
		{"AttachRefusedKeepsNothing", testAttachRefused},
		{"ImportDocuments", testImportDocuments},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open) })
	}
}

// file returns a document of the given bytes for request r.
func file(id string, data []byte, at instruct.Request) instruct.DocumentFile {
	sum := sha256.Sum256(data)
	return instruct.DocumentFile{RequestID: at.ID, Bytes: data, Text: "texte de " + id, Document: instruct.Document{
		ID: id, Name: id + ".pdf", ContentType: instruct.ContentTypePDF, Size: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]), Pages: 1, Text: instruct.DocumentTextAvailable, CreatedAt: t0}}
}

// attaching returns the mutation that adds f's document to r.
func (f *fixture) attaching(r instruct.Request, doc instruct.DocumentFile, key string) instruct.Mutation {
	return instruct.Mutation{RequestID: r.ID, IdempotencyKey: key, Fingerprint: doc.Document.SHA256, Now: f.tick(),
		Change: instruct.ChangeFunc(func(r *instruct.Request) (instruct.Event, bool, error) {
			old := r.Documents
			r.Documents = append(append([]instruct.Document{}, old...), doc.Document)
			return instruct.Event{Kind: instruct.KindUpdate, Actor: applicant,
				Diff: instruct.Diff{"documents": [2]any{old, r.Documents}}}, true, nil
		})}
}

// detaching returns the mutation that removes document id from r.
func (f *fixture) detaching(r instruct.Request, id string) instruct.Mutation {
	return instruct.Mutation{RequestID: r.ID, Now: f.tick(),
		Change: instruct.ChangeFunc(func(r *instruct.Request) (instruct.Event, bool, error) {
			var kept []instruct.Document
			for _, d := range r.Documents {
				if d.ID != id {
					kept = append(kept, d)
				}
			}
			r.Documents = kept
			return instruct.Event{Kind: instruct.KindUpdate, Actor: applicant}, true, nil
		})}
}

// attach adds doc to r, or fails the test.
func (f *fixture) attach(r instruct.Request, doc instruct.DocumentFile) instruct.Outcome {
	f.t.Helper()
	out, err := f.l.AttachDocument(f.ctx, f.attaching(r, doc, ""), doc)
	if err != nil {
		f.t.Fatalf("AttachDocument(%s) = %v", doc.Document.ID, err)
	}
	return out
}

// count returns the number of rows of table.
func (f *fixture) count(table string) int {
	f.t.Helper()
	var n int
	if err := f.l.reader.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		f.t.Fatalf("count %s: %v", table, err)
	}
	return n
}

func testAttach(t *testing.T, open opener) {
	f := newFixture(t, func(t *testing.T) *Ledger { return open(t) })
	r := f.create("api_particulier", "Cantine")
	data := bytes.Repeat([]byte("%PDF-1.4 délibération "), 1000)
	doc := file("F1", data, r)
	out := f.attach(r, doc)
	if out.Request.Version != r.Version+1 || len(out.Request.Documents) != 1 || out.Event.Kind != instruct.KindUpdate {
		t.Fatalf("AttachDocument = version %d, %d documents, event %s; want %d, 1, update",
			out.Request.Version, len(out.Request.Documents), out.Event.Kind, r.Version+1)
	}
	got, err := f.l.DocumentBytes(f.ctx, "F1")
	if err != nil || sha256.Sum256(got) != sha256.Sum256(data) {
		t.Errorf("DocumentBytes(F1) = %d bytes, %v; want the %d bytes attached", len(got), err, len(data))
	}
	if text, err := f.l.DocumentText(f.ctx, "F1"); text != "texte de F1" || err != nil {
		t.Errorf("DocumentText(F1) = %q, %v", text, err)
	}
	if id, err := f.l.DocumentRequest(f.ctx, "F1"); id != r.ID || err != nil {
		t.Errorf("DocumentRequest(F1) = %s, %v; want %s", id, err, r.ID)
	}
	stored, _, _ := f.l.Request(f.ctx, r.ID)
	if len(stored.Documents) != 1 || stored.Documents[0].SHA256 != doc.Document.SHA256 {
		t.Errorf("Request(%s).Documents = %+v, want the document", r.ID, stored.Documents)
	}
	_, err = f.l.DocumentBytes(f.ctx, "F404")
	wantCode(t, "DocumentBytes(F404)", err, instruct.CodeNotFound)
	_, err = f.l.DocumentRequest(f.ctx, "F404")
	wantCode(t, "DocumentRequest(F404)", err, instruct.CodeNotFound)
}

func testAttachDedup(t *testing.T, open opener) {
	f := newFixture(t, func(t *testing.T) *Ledger { return open(t) })
	a, b := f.create("api_particulier", "Cantine"), f.create("api_particulier", "Centre social")
	data := []byte("%PDF-1.4 the same bytes")
	f.attach(a, file("F1", data, a))
	outB := f.attach(b, file("F2", data, b))
	if n := f.count("blobs"); n != 1 {
		t.Errorf("the same bytes attached twice: %d blobs, want 1", n)
	}
	if n := f.count("documents"); n != 2 {
		t.Errorf("%d documents, want 2", n)
	}
	if _, err := f.l.DetachDocument(f.ctx, f.detaching(outB.Request, "F2"), "F2"); err != nil {
		t.Fatalf("DetachDocument(F2) = %v", err)
	}
	if got, err := f.l.DocumentBytes(f.ctx, "F1"); !bytes.Equal(got, data) || err != nil {
		t.Errorf("F1 after detaching F2 = %q, %v; want its bytes kept", got, err)
	}
	_, err := f.l.DocumentBytes(f.ctx, "F2")
	wantCode(t, "DocumentBytes(F2) detached", err, instruct.CodeNotFound)
	stored, _, _ := f.l.Request(f.ctx, a.ID)
	if _, err := f.l.DetachDocument(f.ctx, f.detaching(stored, "F1"), "F1"); err != nil {
		t.Fatalf("DetachDocument(F1) = %v", err)
	}
	if n := f.count("blobs"); n != 0 {
		t.Errorf("after the last document is detached: %d blobs, want 0", n)
	}
	_, err = f.l.DetachDocument(f.ctx, f.detaching(stored, "F1"), "F1")
	wantCode(t, "DetachDocument(F1) again", err, instruct.CodeNotFound)
}

func testAttachReplay(t *testing.T, open opener) {
	f := newFixture(t, func(t *testing.T) *Ledger { return open(t) })
	r := f.create("api_particulier", "Cantine")
	doc := file("F1", []byte("%PDF-1.4 once"), r)
	first, err := f.l.AttachDocument(f.ctx, f.attaching(r, doc, "k1"), doc)
	if err != nil {
		t.Fatal(err)
	}
	retry := file("F2", []byte("%PDF-1.4 once"), r) // a retry draws a new ID
	again, err := f.l.AttachDocument(f.ctx, f.attaching(r, retry, "k1"), retry)
	if err != nil || !again.Replayed || again.Request.Version != first.Request.Version {
		t.Fatalf("AttachDocument(same key) = replayed %v version %d, %v; want the first outcome replayed", again.Replayed, again.Request.Version, err)
	}
	if n := f.count("documents"); n != 1 {
		t.Errorf("after a replay: %d documents, want 1", n)
	}
}

func testAttachQuota(t *testing.T, open opener) {
	q := roomy
	q.DocumentBytes = 100
	f := boundsFixture(t, open, q)
	r := f.create("api_particulier", "Cantine")
	out := f.attach(r, file("F1", bytes.Repeat([]byte("a"), 60), r))
	big := file("F2", bytes.Repeat([]byte("b"), 60), r)
	_, err := f.l.AttachDocument(f.ctx, f.attaching(out.Request, big, ""), big)
	wantCode(t, "AttachDocument past the quota", err, instruct.CodeTooLarge)
	stored, _, _ := f.l.Request(f.ctx, r.ID)
	if stored.Version != out.Request.Version || len(stored.Documents) != 1 || f.count("blobs") != 1 || f.count("documents") != 1 {
		t.Errorf("after a refusal: version %d (want %d), %d documents, %d blobs; want nothing kept",
			stored.Version, out.Request.Version, len(stored.Documents), f.count("blobs"))
	}
	// Another applicant's quota is their own.
	other, err := f.l.Create(f.ctx, reviewer, draft("api_particulier", "Autre"), f.tick())
	if err != nil {
		t.Fatal(err)
	}
	f.attach(other, file("F3", bytes.Repeat([]byte("c"), 60), other))
}

func testAttachRefused(t *testing.T, open opener) {
	f := newFixture(t, func(t *testing.T) *Ledger { return open(t) })
	r := f.create("api_particulier", "Cantine")
	doc := file("F1", []byte("%PDF-1.4 refused"), r)
	m := f.attaching(r, doc, "")
	m.IfMatch = r.Version + 5
	_, err := f.l.AttachDocument(f.ctx, m, doc)
	wantCode(t, "AttachDocument(stale)", err, instruct.CodeStaleVersion)
	if f.count("blobs") != 0 || f.count("documents") != 0 {
		t.Errorf("a refused attachment left %d blobs, %d documents", f.count("blobs"), f.count("documents"))
	}
}

func testImportDocuments(t *testing.T, open opener) {
	f := newFixture(t, func(t *testing.T) *Ledger { return open(t) })
	r := f.create("api_particulier", "Cantine")
	data := []byte("%PDF-1.4 imported")
	if err := f.l.ImportDocuments(f.ctx, []instruct.DocumentFile{file("F9", data, r)}); err != nil {
		t.Fatal(err)
	}
	if got, err := f.l.DocumentBytes(f.ctx, "F9"); !bytes.Equal(got, data) || err != nil {
		t.Errorf("DocumentBytes(F9) = %q, %v", got, err)
	}
}
