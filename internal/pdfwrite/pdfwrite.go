// Package pdfwrite writes simple text PDFs: pages of lines in Helvetica,
// encoded in WinAnsi (which covers French). The output depends only on the input, so generated files
// (the demo's deliberations, the tests' samples) are the same bytes on
// every run.
package pdfwrite

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"

	"golang.org/x/text/encoding/charmap"
)

// A4 page size in points, and the layout of the lines on it.
const (
	pageWidth    = 595
	pageHeight   = 842
	marginLeft   = 64
	marginTop    = 72
	fontSize     = 10
	lineHeight   = 14
	LinesPerPage = 48
	// LineWidth is how many characters Layout puts on a line.
	LineWidth = 92
)

// Layout wraps paragraphs to LineWidth characters between words, puts a
// blank line between them, and cuts the lines into pages.
func Layout(paragraphs []string) [][]string {
	var lines []string
	for i, p := range paragraphs {
		if i > 0 {
			lines = append(lines, "")
		}
		lines = append(lines, wrap(p, LineWidth)...)
	}
	var pages [][]string
	for len(lines) > LinesPerPage {
		pages = append(pages, lines[:LinesPerPage])
		lines = lines[LinesPerPage:]
		for len(lines) > 0 && lines[0] == "" {
			lines = lines[1:] // no page starts blank
		}
	}
	return append(pages, lines)
}

// wrap cuts s into lines of at most width characters between words.
func wrap(s string, width int) []string {
	var lines []string
	var line []rune
	for _, word := range strings.Fields(s) {
		w := []rune(word)
		if len(line) > 0 && len(line)+1+len(w) > width {
			lines = append(lines, string(line))
			line = line[:0]
		}
		if len(line) > 0 {
			line = append(line, ' ')
		}
		line = append(line, w...)
	}
	return append(lines, string(line))
}

// Write writes a PDF of the given pages, each a list of lines, to w.
// Characters WinAnsi cannot encode are written as '?'.
func Write(w io.Writer, pages [][]string) error {
	var b writer
	b.header()
	font := b.object("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	pagesID := b.reserve()
	var kids []string
	for _, lines := range pages {
		stream, err := content(lines)
		if err != nil {
			return err
		}
		c := b.stream(stream)
		kids = append(kids, fmt.Sprintf("%d 0 R", b.object(fmt.Sprintf(
			"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>",
			pagesID, pageWidth, pageHeight, font, c))))
	}
	b.define(pagesID, fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), len(kids)))
	catalog := b.object(fmt.Sprintf("<< /Type /Catalog /Pages %d 0 R >>", pagesID))
	b.trailer(catalog)
	_, err := w.Write(b.buf.Bytes())
	return err
}

// Bytes returns the PDF of the given pages.
func Bytes(pages [][]string) []byte {
	var buf bytes.Buffer
	Write(&buf, pages) // writing to a bytes.Buffer does not fail
	return buf.Bytes()
}

// content returns the content stream that draws lines.
func content(lines []string) ([]byte, error) {
	var s strings.Builder
	fmt.Fprintf(&s, "BT /F1 %d Tf %d TL %d %d Td\n", fontSize, lineHeight, marginLeft, pageHeight-marginTop)
	for _, line := range lines {
		fmt.Fprintf(&s, "(%s) Tj T*\n", escape(line))
	}
	s.WriteString("ET\n")
	return []byte(s.String()), nil
}

// winAnsi maps the characters of WinAnsi (Windows-1252) above ASCII to
// their byte; it is built once and never changes.
var winAnsi = sync.OnceValue(func() map[rune]byte {
	m := map[rune]byte{}
	for b := 0x80; b <= 0xff; b++ {
		if r := charmap.Windows1252.DecodeByte(byte(b)); r != '\uFFFD' {
			m[r] = byte(b)
		}
	}
	return m
})

// escape encodes line in WinAnsi and escapes it for a PDF string.
func escape(line string) string {
	table := winAnsi()
	var out strings.Builder
	out.Grow(len(line))
	for _, r := range line {
		c, ok := byte(r), r < 0x80
		if !ok {
			if c, ok = table[r]; !ok {
				c = '?'
			}
		}
		switch {
		case c == '(' || c == ')' || c == '\\':
			out.WriteByte('\\')
			out.WriteByte(c)
		case c < 0x20:
			out.WriteByte(' ')
		default:
			out.WriteByte(c)
		}
	}
	return out.String()
}

// writer assembles the objects of a PDF and its cross-reference table.
type writer struct {
	buf     bytes.Buffer
	offsets []int // offsets[i] is where object i+1 starts; 0 while reserved
}

func (b *writer) header() { b.buf.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n") }

// reserve returns the number of an object to define later.
func (b *writer) reserve() int {
	b.offsets = append(b.offsets, 0)
	return len(b.offsets)
}

// define writes object n with the given body.
func (b *writer) define(n int, body string) {
	b.offsets[n-1] = b.buf.Len()
	fmt.Fprintf(&b.buf, "%d 0 obj\n%s\nendobj\n", n, body)
}

// object writes a new object and returns its number.
func (b *writer) object(body string) int {
	n := b.reserve()
	b.define(n, body)
	return n
}

// stream writes a stream object and returns its number. Streams are
// left uncompressed: a compressor's set-up costs more than the few
// kilobytes of a page saves, and the demo writes thousands of them.
func (b *writer) stream(data []byte) int {
	n := b.reserve()
	b.offsets[n-1] = b.buf.Len()
	fmt.Fprintf(&b.buf, "%d 0 obj\n<< /Length %d >>\nstream\n", n, len(data))
	b.buf.Write(data)
	b.buf.WriteString("\nendstream\nendobj\n")
	return n
}

// trailer writes the cross-reference table and the trailer naming root.
func (b *writer) trailer(root int) {
	xref := b.buf.Len()
	fmt.Fprintf(&b.buf, "xref\n0 %d\n0000000000 65535 f \n", len(b.offsets)+1)
	for _, off := range b.offsets {
		fmt.Fprintf(&b.buf, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b.buf, "trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(b.offsets)+1, root, xref)
}
