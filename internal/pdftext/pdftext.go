// Package pdftext extracts the text of a PDF an applicant uploaded, within
// bounds: a page cap, a cap on the text kept, and — when run through an
// Extractor — a hard deadline and a memory ceiling in a child process of
// its own, so that a hostile file (a decompression bomb, a page tree that
// loops, thousands of pages) ends as "failed" and never takes the server
// down with it.
//
// The parsing is github.com/ledongthuc/pdf, a pure-Go reader that decodes
// fonts' encodings and ToUnicode maps into text. It can neither be
// cancelled nor told how much memory it may use, which is why an
// Extractor runs it in a re-executed child process: the parent kills the
// child at the deadline and the kernel refuses it memory past the
// ceiling.
package pdftext

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Limits bound one extraction.
type Limits struct {
	// MaxPages is the most pages a PDF may declare: one with more is
	// refused as failed without reading any.
	MaxPages int
	// ReadPages is how many pages are read, from the first; the text of
	// the pages after them is left out.
	ReadPages int
	// MaxTextBytes is the most text kept, in bytes of UTF-8; the text is
	// cut there, between characters.
	MaxTextBytes int
	// Timeout is how long an Extractor lets the child run.
	Timeout time.Duration
	// MemoryBytes is the address space an Extractor's child may map.
	MemoryBytes uint64
}

// DefaultLimits are the bounds of the server's extractions: at most 2,000
// pages declared, the first 500 read, 1 MiB of text, 10 seconds, 1 GiB of
// address space.
func DefaultLimits() Limits {
	return Limits{MaxPages: 2000, ReadPages: 500, MaxTextBytes: 1 << 20, Timeout: 10 * time.Second, MemoryBytes: 1 << 30}
}

// Result is what an extraction found: the pages the PDF declares, whether
// it holds text, and that text (valid UTF-8 without NUL, at most
// Limits.MaxTextBytes).
type Result struct {
	Pages int                   `json:"pages"`
	State instruct.DocumentText `json:"state"`
	Text  string                `json:"text"`
}

// failed is the result of a file that could not be read.
func failed(pages int) Result { return Result{Pages: pages, State: instruct.DocumentTextFailed} }

// Extract reads the text of the PDF in data within lim's page and text
// caps, in this goroutine: a malformed file gives a failed Result (a
// panic of the parser included), one without text a none Result. It is
// not bounded in time or memory; run hostile input through an Extractor.
func Extract(data []byte, lim Limits) (res Result) {
	defer func() {
		if recover() != nil {
			res = failed(res.Pages)
		}
	}()
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return failed(0)
	}
	res.Pages = r.NumPage()
	if res.Pages <= 0 || res.Pages > lim.MaxPages {
		return failed(max(res.Pages, 0))
	}
	if err := checkPageTree(r.Trailer().Key("Root").Key("Pages"), res.Pages); err != nil {
		return failed(res.Pages)
	}
	text, err := readPages(r, min(res.Pages, lim.ReadPages), lim.MaxTextBytes)
	if err != nil {
		return failed(res.Pages)
	}
	res.Text = text
	res.State = instruct.DocumentTextAvailable
	if strings.TrimSpace(text) == "" {
		res.State, res.Text = instruct.DocumentTextNone, ""
	}
	return res
}

// maxTreeDepth bounds the depth of a page tree: real ones are a few
// levels deep.
const maxTreeDepth = 32

// checkPageTree walks the page tree from root and refuses one that loops,
// is deeper than maxTreeDepth, holds more than pages leaves, or whose
// nodes' counts are not the pages under them: the parser's Page follows
// those counts, and spins forever on a tree that lies.
func checkPageTree(root pdf.Value, pages int) error {
	nodes := 0
	var walk func(node pdf.Value, depth int) (int, error)
	walk = func(node pdf.Value, depth int) (int, error) {
		if nodes++; nodes > 2*pages+maxTreeDepth || depth > maxTreeDepth {
			return 0, fmt.Errorf("the page tree loops or is too deep")
		}
		if node.Key("Type").Name() != "Pages" {
			return 1, nil
		}
		kids, leaves := node.Key("Kids"), 0
		for i := range kids.Len() {
			n, err := walk(kids.Index(i), depth+1)
			if err != nil {
				return 0, err
			}
			leaves += n
		}
		if int64(leaves) != node.Key("Count").Int64() {
			return 0, fmt.Errorf("a page tree node counts %d pages and holds %d", node.Key("Count").Int64(), leaves)
		}
		return leaves, nil
	}
	_, err := walk(root, 0)
	return err
}

// readPages returns the text of the first n pages of r, one page after
// the other with a form feed between, cut at maxBytes.
func readPages(r *pdf.Reader, n, maxBytes int) (string, error) {
	var b strings.Builder
	for i := 1; i <= n && b.Len() < maxBytes; i++ {
		// Fonts are the page's own: two pages may give one name to two
		// fonts.
		text, err := r.Page(i).GetPlainText(nil)
		if err != nil {
			return "", fmt.Errorf("page %d: %w", i, err)
		}
		if i > 1 {
			b.WriteString("\f")
		}
		b.WriteString(clean(text))
	}
	return cut(b.String(), maxBytes), nil
}

// clean makes text valid UTF-8 without NUL (PostgreSQL's text refuses
// it), with lines ending in \n.
func clean(text string) string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	text = strings.ReplaceAll(text, "\x00", "")
	text = strings.ReplaceAll(text, "\r\n", "\n")
	return strings.TrimLeft(text, "\n")
}

// cut returns the first maxBytes bytes of s, not splitting a character.
func cut(s string, maxBytes int) string {
	if len(s) <= maxBytes {
		return s
	}
	i := maxBytes
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i]
}
