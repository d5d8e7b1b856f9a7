package instruct

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
)

// RequestID is the number of a request. Its text form, on the wire, on
// screen and in the CLI, is the letter D and the number: D1042. The zero
// RequestID means "no request"; its text form is empty.
//
// IDs are parsed once, where text comes in (HTTP paths, CLI arguments,
// what a reviewer types, JSON through UnmarshalText); everything inside
// passes the RequestID itself.
type RequestID int64

// RequestIDPrefix is the letter every request ID starts with.
const RequestIDPrefix = "D"

// maxRequestIDDigits is the number of digits of the largest int64.
const maxRequestIDDigits = 19

// String returns the text form of id, such as D1042, or "" for the zero ID.
func (id RequestID) String() string {
	if id == 0 {
		return ""
	}
	return RequestIDPrefix + strconv.FormatInt(int64(id), 10)
}

// MarshalText returns the text form of id, so that JSON carries "D1042".
func (id RequestID) MarshalText() ([]byte, error) {
	return []byte(id.String()), nil
}

// UnmarshalText reads the text form strictly (see ParseRequestID); empty
// text is the zero ID, as the zero ID's text is empty.
func (id *RequestID) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*id = 0
		return nil
	}
	parsed, err := ParseRequestID(string(text))
	if err != nil {
		return err
	}
	*id = parsed
	return nil
}

// Value stores id as its number, the form the databases keep it in.
func (id RequestID) Value() (driver.Value, error) {
	return int64(id), nil
}

// Scan reads a request number from a database column.
func (id *RequestID) Scan(src any) error {
	n, ok := src.(int64)
	if !ok {
		return fmt.Errorf("a request number is an integer column, not %T", src)
	}
	*id = RequestID(n)
	return nil
}

// ParseRequestID reads the text form of a request ID exactly as String
// writes it: D, then a positive number in ASCII digits without a leading
// zero, no sign, no space. Anything else is a not_found error saying what
// an ID looks like.
func ParseRequestID(s string) (RequestID, error) {
	digits, ok := strings.CutPrefix(s, RequestIDPrefix)
	if !ok || (len(digits) > 0 && digits[0] == '0') {
		return 0, badRequestID(s)
	}
	return parseRequestNumber(s, digits)
}

// ParseRequestIDInput reads a request ID as a person types it, in a
// command's argument, a search box or a URL path: D1042, d1042 or 1042
// (leading zeros allowed). It is as strict as ParseRequestID about the
// rest.
func ParseRequestIDInput(s string) (RequestID, error) {
	digits, ok := strings.CutPrefix(s, RequestIDPrefix)
	if !ok {
		digits, _ = strings.CutPrefix(s, "d")
	}
	return parseRequestNumber(s, digits)
}

// parseRequestNumber reads digits, the number part of input s.
func parseRequestNumber(s, digits string) (RequestID, error) {
	n, ok := parsePositive(digits)
	if !ok {
		return 0, badRequestID(s)
	}
	return RequestID(n), nil
}

// parsePositive reads 1 to 19 ASCII digits naming a number from 1 to the
// largest int64.
func parsePositive(digits string) (int64, bool) {
	if digits == "" || len(digits) > maxRequestIDDigits {
		return 0, false
	}
	for i := range len(digits) {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	return n, err == nil && n > 0
}

// maxShownInput bounds how much of a rejected ID an error repeats.
const maxShownInput = 32

// badRequestID is the error for text s that is not a request ID. It
// repeats s quoted (so no control character reaches a terminal), or only
// its length when s is longer than maxShownInput bytes.
func badRequestID(s string) error {
	const form = "a request ID is D and a number, such as D1042"
	if len(s) > maxShownInput {
		return Errorf(CodeNotFound, "no request: %d bytes of text are not a request ID; %s", len(s), form)
	}
	return Errorf(CodeNotFound, "no request %q: %s", s, form)
}
