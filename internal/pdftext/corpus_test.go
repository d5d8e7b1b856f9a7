package pdftext

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/instruct-dev/instruct/internal/pdfwrite"
)

// sample is a file of the test corpus and the text state it must give.
type sample struct {
	name string
	data []byte
	want []string // acceptable states
	// hostile files may only run in a child process: they may exhaust
	// the memory or the stack of the process that reads them.
	hostile bool
}

var (
	available  = []string{"available"}
	none       = []string{"none"}
	failedOnly = []string{"failed"}
	noText     = []string{"none", "failed"}
)

// deliberation is the text of the sample text PDF.
var deliberation = []string{
	"Délibération n° 2026-061 du conseil municipal de Calais",
	"Le conseil municipal, après en avoir délibéré, décide d'appliquer le quotient familial « cantine » à compter du 1er janvier 2027 ; coût : 12 €.",
}

// corpus returns the files extraction is tested on: good, empty and
// hostile.
func corpus(t testing.TB) []sample {
	t.Helper()
	return theCorpus()
}

// theCorpus builds the corpus once.
var theCorpus = sync.OnceValue(func() []sample {
	return []sample{
		{name: "text", data: pdfwrite.Bytes(pdfwrite.Layout(deliberation)), want: available},
		{name: "two pages", data: pdfwrite.Bytes([][]string{{"page one"}, {"page two"}}), want: available},
		{name: "compressed text", data: compressedText(), want: available},
		{name: "images only", data: imagesOnly(), want: none},
		{name: "blank page", data: pdfwrite.Bytes([][]string{{"   "}}), want: none},
		{name: "garbage", data: garbage(4096), want: failedOnly},
		{name: "garbage with a header", data: append([]byte("%PDF-1.4\n"), garbage(4096)...), want: failedOnly},
		{name: "empty", data: nil, want: failedOnly},
		{name: "png", data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), want: failedOnly},
		{name: "truncated", data: pdfwrite.Bytes(pdfwrite.Layout(deliberation))[:300], want: failedOnly},
		{name: "broken xref", data: brokenXref(), want: noText},
		{name: "startxref past the end", data: startxrefPastEnd(), want: failedOnly},
		{name: "encrypted", data: encrypted(), want: failedOnly},
		{name: "thousands of pages", data: declaredPages(100000), want: failedOnly},
		{name: "negative page count", data: declaredPages(-5), want: failedOnly},
		{name: "page tree loop", data: pageTreeLoop(), want: noText, hostile: true},
		{name: "decompression bomb", data: bomb(1 << 30), want: failedOnly, hostile: true},
		{name: "deep nesting", data: deepNesting(200000), want: noText, hostile: true},
		{name: "page tree that spins the parser", data: fuzzInput("testdata/hostile/page-tree-spin.fuzz"), want: failedOnly},
	}
})

// fuzzInput reads the bytes of an input the fuzzer found, in the
// format of testdata/fuzz ("go test fuzz v1" then a []byte literal).
func fuzzInput(path string) []byte {
	b, err := os.ReadFile(path)
	if err != nil {
		panic(err)
	}
	_, lit, _ := strings.Cut(string(b), "[]byte(")
	s, err := strconv.Unquote(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(lit), ")")))
	if err != nil {
		panic(fmt.Sprintf("%s: %v", path, err))
	}
	return []byte(s)
}

// sampleNamed returns the sample of the corpus named name.
func sampleNamed(t testing.TB, name string) sample {
	t.Helper()
	for _, s := range corpus(t) {
		if s.name == name {
			return s
		}
	}
	t.Fatalf("no sample %q in the corpus", name)
	return sample{}
}

func garbage(n int) []byte {
	r := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// rawPDF assembles numbered objects (1…n) and a trailer dictionary's
// entries into a PDF with a correct cross-reference table.
func rawPDF(objects []string, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objects))
	for i, o := range objects {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objects)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d %s >>\nstartxref\n%d\n%%%%EOF\n", len(objects)+1, trailer, xref)
	return b.Bytes()
}

// stream returns a stream object of data, Flate-compressed.
func stream(data []byte) string {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(data)
	w.Close()
	return fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.Bytes())
}

// compressedText is a page of text whose content stream is
// Flate-compressed, as most PDFs' are.
func compressedText() []byte {
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
		stream([]byte("BT /F1 12 Tf 72 770 Td (Convention d'acc\\350s aux donn\\351es) Tj ET")),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
	}, "/Root 1 0 R")
}

// imagesOnly is a page that draws an image and writes no text: a scan.
func imagesOnly() []byte {
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
		stream([]byte("q 595 0 0 842 0 0 cm /Im1 Do Q")),
		"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream",
	}, "/Root 1 0 R")
}

// brokenXref is a text PDF whose cross-reference offsets all point
// elsewhere.
func brokenXref() []byte {
	good := pdfwrite.Bytes([][]string{{"lost"}})
	i := bytes.Index(good, []byte("xref\n"))
	head, tail := good[:i], string(good[i:])
	lines := strings.Split(tail, "\n")
	for j, l := range lines {
		if strings.HasSuffix(l, " n ") {
			lines[j] = "0000000003 00000 n "
		}
	}
	return append(head, strings.Join(lines, "\n")...)
}

// startxrefPastEnd points the cross-reference table past the file.
func startxrefPastEnd() []byte {
	good := string(pdfwrite.Bytes([][]string{{"lost"}}))
	i := strings.LastIndex(good, "startxref\n")
	return []byte(good[:i] + "startxref\n999999999\n%%EOF\n")
}

// encrypted names an encryption dictionary whose user password is not
// empty.
func encrypted() []byte {
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
		"<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <" + strings.Repeat("a1", 32) + "> /U <" + strings.Repeat("b2", 32) + "> >>",
	}, "/Root 1 0 R /Encrypt 4 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]")
}

// declaredPages declares n pages and holds one.
func declaredPages(n int) []byte {
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [3 0 R] /Count %d >>", n),
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	}, "/Root 1 0 R")
}

// pageTreeLoop is a page tree whose node is its own kid.
func pageTreeLoop() []byte {
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [2 0 R 2 0 R] /Count 5 >>",
	}, "/Root 1 0 R")
}

// bomb is a page whose content stream inflates to n bytes of text
// operators from a few hundred kilobytes. It is written without
// compressing n bytes: one chunk is compressed from an empty history and
// flushed, and a deflate stream may repeat such a block sequence as often
// as it likes; the checksum is left wrong, since no reader may reach it.
func bomb(n int) []byte {
	chunk := []byte(strings.Repeat("(AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA) Tj\n", 1<<14))
	var block bytes.Buffer
	w, _ := flate.NewWriter(&block, flate.BestCompression)
	w.Write(chunk)
	w.Flush()
	var z bytes.Buffer
	z.Write([]byte{0x78, 0xda})
	for written := 0; written < n; written += len(chunk) {
		z.Write(block.Bytes())
	}
	z.Write([]byte{0x03, 0x00, 0, 0, 0, 0}) // an empty final block, a checksum
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
		fmt.Sprintf("<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream", z.Len(), z.Bytes()),
	}, "/Root 1 0 R")
}

// deepNesting is a content stream of n nested arrays.
func deepNesting(n int) []byte {
	content := strings.Repeat("[", n) + strings.Repeat("]", n) + " TJ"
	return rawPDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
		stream([]byte(content)),
	}, "/Root 1 0 R")
}
