package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
	"unicode"

	"github.com/instruct-dev/instruct/internal/client"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
	"github.com/instruct-dev/instruct/internal/ui"
)

// documentSource gives the screen and `instruct doc` the texts of
// documents: from the cache, else from the server, then kept in the
// cache so that they read offline afterwards. api is nil when no server
// is configured.
type documentSource struct {
	st  *store.Store
	api *client.Client
}

var _ ui.Documents = documentSource{}

// CachedText returns the cached text of doc, a document of request id.
func (d documentSource) CachedText(ctx context.Context, id instruct.RequestID, doc instruct.Document) (instruct.DocumentContent, bool, error) {
	return d.st.DocumentText(ctx, id, doc)
}

// FetchText fetches the text of doc from the server and keeps it.
func (d documentSource) FetchText(ctx context.Context, id instruct.RequestID, doc instruct.Document) (instruct.DocumentContent, error) {
	if d.api == nil {
		return instruct.DocumentContent{}, errNoServer
	}
	t, err := d.api.DocumentText(ctx, doc.ID)
	if err != nil {
		return instruct.DocumentContent{}, err
	}
	return t, d.st.SaveDocumentText(ctx, id, doc, t)
}

// errNoServer is a fetch without a server to fetch from.
var errNoServer = fmt.Errorf("%w: no server configured (pass --server and --token, or run instruct login)", instruct.ErrUnreachable)

// documentFile returns the bytes of doc from the server, checked against
// the document's SHA-256: a file that is not the one listed is refused.
func documentFile(ctx context.Context, api *client.Client, doc instruct.Document) ([]byte, error) {
	if api == nil {
		return nil, errNoServer
	}
	data, err := api.DocumentFile(ctx, doc.ID)
	if err != nil {
		return nil, err
	}
	if got := hexSHA256(data); doc.SHA256 != "" && !strings.EqualFold(got, doc.SHA256) {
		return nil, instruct.Errorf(instruct.CodeInternal, "the server sent a file whose SHA-256 (%s) is not the document's (%s)", got, doc.SHA256)
	}
	return data, nil
}

// hexSHA256 returns the SHA-256 of data in hex.
func hexSHA256(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// extension is the file extension of a document's type: the type the
// server found in its content, never the name the applicant gave.
func extension(contentType string) string {
	switch contentType {
	case instruct.ContentTypePDF:
		return ".pdf"
	case instruct.ContentTypePNG:
		return ".png"
	case instruct.ContentTypeJPEG:
		return ".jpg"
	}
	return ".bin"
}

// fileName is a safe file name for doc: its name (else its ID) with only
// letters, digits, spaces and a few marks kept, at most 100 characters,
// never hidden, and the extension of its type.
func fileName(doc instruct.Document) string {
	name := safeName100(strings.TrimSuffix(doc.Name, filepath.Ext(doc.Name)))
	if name == "" {
		name = safeName100("document-" + doc.ID)
	}
	return name + extension(doc.ContentType)
}

// safeName100 keeps of s, for a file name, letters, digits, spaces and a
// few marks, others replaced by '_', at most 100 characters, without
// leading or trailing spaces, dots or dashes.
func safeName100(s string) string {
	var b strings.Builder
	for i, r := range []rune(s) {
		if i == 100 {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune(" -_.,°()", r) {
			b.WriteRune(r)
		} else {
			b.WriteRune('_')
		}
	}
	return strings.Trim(b.String(), " .-")
}

// writePrivate writes data to path through a temporary file renamed into
// place, readable by its owner only.
func writePrivate(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".instruct-doc-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	return err
}

// viewer opens files with the system's opener, from a private directory
// of downloaded documents removed when the screen ends.
type viewer struct {
	api *client.Client
	// command is the opener: open on macOS, xdg-open elsewhere.
	command string
	dir     string
}

// newViewer returns a viewer whose files go to a new private directory,
// and the function that removes it.
func newViewer(api *client.Client) (*viewer, func(), error) {
	dir, err := os.MkdirTemp("", "instruct-documents-")
	if err != nil {
		return nil, nil, fmt.Errorf("create the documents' directory: %w", err)
	}
	command := "xdg-open"
	if runtime.GOOS == "darwin" {
		command = "open"
	}
	return &viewer{api: api, command: command, dir: dir}, func() { os.RemoveAll(dir) }, nil
}

// viewerWait is how long the opener may take to say it failed; one that
// runs longer is showing the file (some run the viewer in the
// foreground).
const viewerWait = 3 * time.Second

// Open downloads doc to a file only the reviewer can read and opens it
// with the system's opener, which writes nothing to the screen's terminal.
func (v *viewer) Open(ctx context.Context, id instruct.RequestID, doc instruct.Document) error {
	data, err := documentFile(ctx, v.api, doc)
	if err != nil {
		return err
	}
	sub, err := os.MkdirTemp(v.dir, doc.ID+"-")
	if err != nil {
		return err
	}
	path := filepath.Join(sub, fileName(doc))
	if err := writePrivate(path, data); err != nil {
		return fmt.Errorf("save %s: %w", id, err)
	}
	cmd := exec.Command(v.command, path)
	if err := cmd.Start(); err != nil {
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%w: %s is not installed", ui.ErrNoViewer, v.command)
		}
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return openerFailure(v.command, err)
	case <-time.After(viewerWait):
		return nil
	}
}

// openerFailure is the error of an opener that ended with err: xdg-open
// ends with status 3 when no program opens the file.
func openerFailure(command string, err error) error {
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 {
		return fmt.Errorf("%w: %s found no program", ui.ErrNoViewer, command)
	}
	return err
}

// remoteTerminal reports whether the screen runs in an SSH session, where
// a file opened would show on the remote machine, not before the reviewer.
func remoteTerminal(getenv func(string) string) bool {
	return getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != ""
}
