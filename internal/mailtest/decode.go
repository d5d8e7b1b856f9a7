package mailtest

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"
)

// mimeDecoder decodes RFC 2047 words of header fields.
type mimeDecoder = mime.WordDecoder

// decodeQP decodes a quoted-printable body.
func decodeQP(raw []byte) string {
	b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(raw))))
	if err != nil {
		return string(raw)
	}
	return string(b)
}
