package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// maxIdempotencyKeyLength bounds an Idempotency-Key.
const maxIdempotencyKeyLength = 200

// decodeJSON reads exactly one JSON value of type T from body: unknown
// fields, wrong types and trailing data are invalid; a body over the
// limit is too_large.
func decodeJSON[T any](body io.Reader) (T, error) {
	var v T
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return v, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if tooLarge(err) {
			return v, jsonError(err)
		}
		return v, instruct.Errorf(instruct.CodeInvalid, "the body holds data after its JSON value")
	}
	return v, nil
}

// jsonError turns a decoding error into a domain error whose message
// names what is wrong without the server's type names.
func jsonError(err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case tooLarge(err):
		return instruct.Errorf(instruct.CodeTooLarge, "the body is over %d bytes", maxBodyBytes)
	case errors.Is(err, io.EOF):
		return instruct.Errorf(instruct.CodeInvalid, "the body is empty; a JSON object is expected")
	case errors.As(err, &syntax):
		return instruct.Errorf(instruct.CodeInvalid, "the body is not valid JSON (at byte %d)", syntax.Offset)
	case errors.As(err, &typ):
		return instruct.Errorf(instruct.CodeInvalid, "%s has the wrong type: %s is not allowed there", fieldName(typ.Field), typ.Value)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return instruct.Errorf(instruct.CodeInvalid, "%s is not a known field", cells.Truncate(strings.TrimPrefix(err.Error(), "json: unknown field "), 80))
	}
	return instruct.Errorf(instruct.CodeInvalid, "the body is not valid JSON")
}

func fieldName(path string) string {
	if path == "" {
		return "the body"
	}
	return "the field " + strconv.Quote(cells.Truncate(path, 80))
}

func tooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

// decodeDecision reads the body of POST …/decisions.
func decodeDecision(body io.Reader) (api.DecisionInput, error) {
	in, err := decodeJSON[api.DecisionInput](body)
	if err != nil {
		return in, err
	}
	if !in.Kind.IsDecision() {
		return in, instruct.Errorf(instruct.CodeInvalid, "kind must be one of approve, refuse, request_changes, revoke, archive")
	}
	return in, nil
}

// decodeNote reads the body of POST …/notes.
func decodeNote(body io.Reader) (api.NoteInput, error) {
	in, err := decodeJSON[api.NoteInput](body)
	if err != nil {
		return in, err
	}
	if !in.Kind.IsNote() {
		return in, instruct.Errorf(instruct.CodeInvalid, "kind must be note or message")
	}
	return in, nil
}

// decodePatch reads the request fields of POST /requests and PATCH.
func decodePatch(body io.Reader) (instruct.RequestPatch, error) {
	return decodeJSON[instruct.RequestPatch](body)
}

// decodeEmpty reads the body of a call that takes none: nothing, or an
// empty JSON object.
func decodeEmpty(body io.Reader) error {
	b, err := io.ReadAll(body)
	if err != nil {
		return jsonError(err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	_, err = decodeJSON[struct{}](bytes.NewReader(b))
	return err
}

// parseIfMatch reads an If-Match header holding a version: "7" or 7.
// Weak tags, lists and * are refused: a change needs one exact version.
func parseIfMatch(h string) (int64, error) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, instruct.Errorf(instruct.CodePreconditionRequired, "If-Match with the version you saw is required to change a request")
	}
	digits := h
	if len(h) >= 2 && h[0] == '"' && h[len(h)-1] == '"' {
		digits = h[1 : len(h)-1]
	}
	v, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || v <= 0 || digits[0] == '+' || digits[0] == '-' {
		return 0, instruct.Errorf(instruct.CodeInvalid, "If-Match must be a version such as \"7\"")
	}
	return v, nil
}

// etag returns the ETag of a request at version v.
func etag(v int64) string { return `"` + strconv.FormatInt(v, 10) + `"` }

// idempotencyKey reads the Idempotency-Key header: 1 to 200 visible
// ASCII characters.
func idempotencyKey(h string) (string, error) {
	if h == "" {
		return "", instruct.Errorf(instruct.CodeInvalid, "the Idempotency-Key header is required")
	}
	if len(h) > maxIdempotencyKeyLength {
		return "", instruct.Errorf(instruct.CodeInvalid, "the Idempotency-Key is over %d characters", maxIdempotencyKeyLength)
	}
	for i := 0; i < len(h); i++ {
		if h[i] <= ' ' || h[i] > '~' {
			return "", instruct.Errorf(instruct.CodeInvalid, "the Idempotency-Key must be visible ASCII characters, such as a UUID")
		}
	}
	return h, nil
}

// parseLimit reads a page size between 1 and max, def when absent.
func parseLimit(s string, def, max int) (int, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > max {
		return 0, instruct.Errorf(instruct.CodeInvalid, "limit must be a number from 1 to %d", max)
	}
	return n, nil
}

// parseSeq reads a non-negative position (after= of lists and audit).
func parseSeq(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || s[0] == '+' {
		return 0, instruct.Errorf(instruct.CodeInvalid, "after must be the position a previous page returned")
	}
	return n, nil
}
