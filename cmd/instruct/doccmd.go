package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// docUsage is the short usage of instruct doc.
const docUsage = "usage: instruct doc ID [DOCUMENT] [--text] [--out FILE|DIR] [--json]"

// docRequest is what instruct doc was asked: the request, a document of
// it (or all), and what to do.
type docRequest struct {
	id     instruct.RequestID
	docID  string
	text   bool
	out    string
	asJSON bool
}

func runDoc(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "doc", "list a request's documents, print their text or save their files (texts read offline once fetched)",
		"instruct doc D1042 --text   ·   instruct doc D1042 --out ~/Documents/   ·   instruct doc D1042 doc_7f3a --out deliberation.pdf")
	var s settings
	clientFlags(fs, &s)
	var q docRequest
	fs.BoolVar(&q.text, "text", false, "print the documents' text (fetched from the server when the cache lacks it, then kept)")
	fs.StringVar(&q.out, "out", "", "save the file to FILE (one document), or each file into the directory DIR")
	fs.BoolVar(&q.asJSON, "json", false, "print JSON")
	positional, flags := splitPositional(args)
	if err := parse(fs, flags); err != nil {
		return err
	}
	if len(positional) == 0 || len(positional) > 2 {
		return usageError{errors.New(docUsage)}
	}
	id, err := instruct.ParseRequestIDInput(positional[0])
	if err != nil {
		return fmt.Errorf("doc: %w", err)
	}
	q.id = id
	if len(positional) == 2 {
		q.docID = positional[1]
	}
	return onCache(ctx, e, &s, func(st *store.Store) error {
		src := documentSource{st: st, api: newDocumentAPI(s, slog.New(slog.DiscardHandler))}
		return doc(ctx, e, src, q)
	})
}

// splitPositional takes the arguments before the first flag: the request
// and the document, so that flags may follow them.
func splitPositional(args []string) (positional, flags []string) {
	for i, a := range args {
		if strings.HasPrefix(a, "-") {
			return args[:i], args[i:]
		}
	}
	return args, nil
}

// doc does what q asks with the documents of a request in the cache.
func doc(ctx context.Context, e *env, src documentSource, q docRequest) error {
	r, err := src.st.Request(ctx, q.id)
	if errors.Is(err, instruct.ErrCacheDamaged) {
		return err
	}
	if err != nil {
		return fmt.Errorf("doc %s: %s", q.id, oneLine(err))
	}
	docs, err := chooseDocuments(r, q.docID)
	if err != nil {
		return err
	}
	switch {
	case q.out != "":
		return saveFiles(ctx, e, src, r.ID, docs, q.out)
	case q.text:
		return printTexts(ctx, e, src, r.ID, docs, q.asJSON)
	case q.asJSON:
		return writeJSON(e.stdout, listedDocuments{Request: r.ID, Documents: docs})
	}
	return printDocuments(e.stdout, r, docs)
}

// chooseDocuments returns the documents of r, the one named docID alone
// when given.
func chooseDocuments(r instruct.Request, docID string) ([]instruct.Document, error) {
	if docID == "" {
		return r.Documents, nil
	}
	for _, d := range r.Documents {
		if d.ID == docID {
			return []instruct.Document{d}, nil
		}
	}
	return nil, fmt.Errorf("%s has no document %s: run instruct doc %s to list them", r.ID, sanitize.Line(docID), r.ID)
}

// listedDocuments is the answer of "doc --json".
type listedDocuments struct {
	Request   instruct.RequestID  `json:"request"`
	Documents []instruct.Document `json:"documents"`
}

// printDocuments prints the documents of r as a table, the one its legal
// basis cites marked.
func printDocuments(w io.Writer, r instruct.Request, docs []instruct.Document) error {
	if len(docs) == 0 {
		_, err := fmt.Fprintf(w, "%s has no attached document.\n", r.ID)
		return err
	}
	words := i18n.English().Documents()
	rows := [][]string{{"ID", "NAME", "TYPE", "SIZE", "PAGES", "TEXT"}}
	for _, d := range sanitize.Value(docs) {
		name := d.Name
		if lb := r.LegalBasis.Document; lb != nil && *lb == d.ID {
			name += " (cited)"
		}
		pages := "-"
		if d.ContentType == instruct.ContentTypePDF {
			pages = strconv.Itoa(d.Pages)
		}
		rows = append(rows, []string{d.ID, name, d.ContentType, words.Size(d.Size), pages, string(d.Text)})
	}
	return printTable(w, rows)
}

// documentText is one document's text in "doc --text --json".
type documentText struct {
	instruct.Document
	Content *string `json:"content"`
	Cut     bool    `json:"cut,omitempty"`
}

// printTexts prints the text of each document that has one: from the
// cache, else fetched from the server and kept. Offline, it prints what
// the cache holds and fails naming what it lacks.
func printTexts(ctx context.Context, e *env, src documentSource, id instruct.RequestID, docs []instruct.Document, asJSON bool) error {
	var out []documentText
	var missing []string
	for _, d := range docs {
		t, err := documentTextOf(ctx, src, id, d)
		if err != nil {
			missing = append(missing, fmt.Sprintf("%s (%s): %s", sanitize.Line(d.Name), sanitize.Line(d.ID), textLack(err)))
			continue
		}
		dt := documentText{Document: d}
		if t != nil {
			dt.Content, dt.Cut = &t.Text, t.Cut
		}
		out = append(out, dt)
	}
	var err error
	if asJSON {
		err = writeJSON(e.stdout, out)
	} else {
		writeTexts(e.stdout, out)
	}
	if len(missing) > 0 {
		err = errors.Join(err, fmt.Errorf("%s: no text of %s", id, strings.Join(missing, "; ")))
	}
	return err
}

// documentTextOf returns the text of d, nil when it has none.
func documentTextOf(ctx context.Context, src documentSource, id instruct.RequestID, d instruct.Document) (*instruct.DocumentContent, error) {
	if d.Text != instruct.DocumentTextAvailable {
		return nil, nil
	}
	t, held, err := src.CachedText(ctx, id, d)
	if err == nil && !held {
		t, err = src.FetchText(ctx, id, d)
	}
	if err != nil {
		return nil, err
	}
	return &t, nil
}

// textLack says why a text could not be had.
func textLack(err error) string {
	switch {
	case errors.Is(err, errNoServer):
		return "not in the cache, and no server is configured (--server and --token, or instruct login)"
	case instruct.FaultOf(err) == instruct.FaultUnreachable:
		return "not in the cache, and the server is out of reach"
	}
	return oneLine(err)
}

// writeTexts prints each document's text under its name, made safe for a
// terminal; a document without text says why.
func writeTexts(w io.Writer, texts []documentText) {
	for i, t := range texts {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "== %s (%s) ==\n", sanitize.Line(t.Name), sanitize.Line(t.ID))
		switch {
		case t.Content != nil:
			fmt.Fprintln(w, strings.TrimRight(sanitize.Document(*t.Content), "\n"))
			if t.Cut {
				fmt.Fprintln(w, "[…] the text goes on: save the file with --out to read the rest.")
			}
		case t.Text == instruct.DocumentTextFailed:
			fmt.Fprintln(w, "(the text of this file could not be extracted)")
		default:
			fmt.Fprintln(w, "(no text: "+kindWord(t.ContentType)+")")
		}
	}
}

// kindWord names a document without text.
func kindWord(contentType string) string {
	if strings.HasPrefix(contentType, "image/") {
		return "image"
	}
	return "the file holds none"
}

// saveFiles saves the files of docs: to out when it is one document and
// out is not a directory, else each into the directory out. Files come
// from the server (the cache keeps texts only).
func saveFiles(ctx context.Context, e *env, src documentSource, id instruct.RequestID, docs []instruct.Document, out string) error {
	if len(docs) == 0 {
		return fmt.Errorf("%s has no attached document", id)
	}
	info, err := os.Stat(out)
	isDir := err == nil && info.IsDir()
	if !isDir && len(docs) > 1 {
		return usageError{fmt.Errorf("%s has %d documents: name one (instruct doc %s %s --out FILE), or give a directory (--out DIR)",
			id, len(docs), id, sanitize.Line(docs[0].ID))}
	}
	for _, d := range docs {
		path := out
		if isDir {
			path = filepath.Join(out, fileName(d))
		}
		data, err := documentFile(ctx, src.api, d)
		if err != nil {
			return fmt.Errorf("save %s of %s: %s", sanitize.Line(d.ID), id, fileLack(err))
		}
		if err := writePrivate(path, data); err != nil {
			return fmt.Errorf("save %s of %s: %w", sanitize.Line(d.ID), id, err)
		}
		fmt.Fprintf(e.stdout, "%s: %s saved to %s (%d bytes, SHA-256 %s)\n", id, sanitize.Line(d.ID), path, len(data), hexSHA256(data))
	}
	return nil
}

// fileLack says why a file could not be had.
func fileLack(err error) string {
	switch {
	case errors.Is(err, errNoServer):
		return "no server is configured (--server and --token, or instruct login); the cache keeps documents' texts, not their files"
	case instruct.FaultOf(err) == instruct.FaultUnreachable:
		return "the server is out of reach (the cache keeps documents' texts, not their files)"
	}
	return oneLine(err)
}
