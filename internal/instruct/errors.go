package instruct

import (
	"errors"
	"fmt"
	"time"
)

// Code is a stable, machine-readable error code. Codes match the problem
// codes of the server API, so an error keeps its meaning across the wire.
type Code string

// The error codes of the API contract.
const (
	CodeInvalid              Code = "invalid"
	CodeUnauthorized         Code = "unauthorized"
	CodeForbidden            Code = "forbidden"
	CodeNotFound             Code = "not_found"
	CodeInFlight             Code = "in_flight"
	CodeCursorExpired        Code = "cursor_expired"
	CodeStaleVersion         Code = "stale_version"
	CodeTooLarge             Code = "too_large"
	CodeCommentRequired      Code = "comment_required"
	CodeInvalidTransition    Code = "invalid_transition"
	CodeIdempotencyKeyReused Code = "idempotency_key_reused"
	CodePreconditionRequired Code = "precondition_required"
	CodeRateLimited          Code = "rate_limited"
	CodeInternal             Code = "internal"
	CodeUnavailable          Code = "unavailable"
	// CodeClaimed: another reviewer holds the request (*ClaimedError).
	CodeClaimed Code = "claimed"
	// CodeUnsupportedMediaType: a document that is not a PDF, PNG or
	// JPEG by its content.
	CodeUnsupportedMediaType Code = "unsupported_media_type"
)

// Error is a domain error: a code and a message safe to show to a user.
// RetryAfter, when not zero, is how long to wait before the same call may
// succeed (rate_limited).
type Error struct {
	Code       Code
	Message    string
	RetryAfter time.Duration
}

// Error returns the message, prefixed by the code.
func (e *Error) Error() string {
	if e.Message == "" {
		return string(e.Code)
	}
	return string(e.Code) + ": " + e.Message
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error, *StaleError or
// *ClaimedError in err's chain, CodeInternal for any other non-nil error, and "" for nil.
func ErrorCode(err error) Code {
	if err == nil {
		return ""
	}
	var stale *StaleError
	if errors.As(err, &stale) {
		return CodeStaleVersion
	}
	var claimed *ClaimedError
	if errors.As(err, &claimed) {
		return CodeClaimed
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the user-safe message of err: the message of its
// *Error, or a generic sentence for anything else.
func ErrorMessage(err error) string {
	var stale *StaleError
	if errors.As(err, &stale) {
		return stale.Error()
	}
	var claimed *ClaimedError
	if errors.As(err, &claimed) {
		return claimed.Error()
	}
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "an internal error occurred"
}

// StaleError reports that a change was based on an old version of a
// request: Current is the request now, EventsSince what happened after the
// version the change was based on.
type StaleError struct {
	Current     Request
	EventsSince []Event
}

// Error describes the version mismatch.
func (e *StaleError) Error() string {
	return fmt.Sprintf("stale_version: %s is now at version %d", e.Current.ID, e.Current.Version)
}
