package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// maxDetail caps the width, in cells, of a problem detail kept in an
// error (cells.Truncate also bounds its bytes).
const maxDetail = 2000

// problemError turns a non-2xx answer into a domain error: the problem's
// code and detail, a *instruct.StaleError for stale_version with the
// request's current state, a *instruct.ClaimedError for claimed with the
// claim as it stands, or a code chosen by status when the body is
// not a problem of the contract (a proxy's error page).
func problemError(status int, body []byte) error {
	p, ok := decodeProblem(body)
	if !ok {
		return &instruct.Error{Code: codeForStatus(status), Message: statusMessage(status)}
	}
	if p.Code == instruct.CodeStaleVersion && p.Current != nil {
		return &instruct.StaleError{Current: *p.Current, EventsSince: p.EventsSince}
	}
	if p.Code == instruct.CodeClaimed && p.Claim != nil {
		return &instruct.ClaimedError{Claim: *p.Claim}
	}
	return &instruct.Error{Code: p.Code, Message: problemMessage(p, status)}
}

// problemCode returns the code of a non-2xx answer.
func problemCode(status int, body []byte) instruct.Code {
	if p, ok := decodeProblem(body); ok {
		return p.Code
	}
	return codeForStatus(status)
}

// decodeProblem reads a problem body, accepting it only if it names a
// code of the contract.
func decodeProblem(body []byte) (api.Problem, bool) {
	var p api.Problem
	if err := json.Unmarshal(body, &p); err != nil || !knownCode(p.Code) {
		return api.Problem{}, false
	}
	return p, true
}

func problemMessage(p api.Problem, status int) string {
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	if msg == "" {
		msg = statusMessage(status)
	}
	if p.RequestID != "" {
		msg += " (request id " + p.RequestID + ")"
	}
	return cells.Truncate(msg, maxDetail)
}

func statusMessage(status int) string {
	if text := http.StatusText(status); text != "" {
		return fmt.Sprintf("the server answered %d %s", status, text)
	}
	return fmt.Sprintf("the server answered %d", status)
}

func knownCode(c instruct.Code) bool {
	switch c {
	case instruct.CodeInvalid, instruct.CodeUnauthorized, instruct.CodeForbidden,
		instruct.CodeNotFound, instruct.CodeInFlight, instruct.CodeCursorExpired,
		instruct.CodeStaleVersion, instruct.CodeTooLarge, instruct.CodeCommentRequired,
		instruct.CodeInvalidTransition, instruct.CodeIdempotencyKeyReused,
		instruct.CodePreconditionRequired, instruct.CodeRateLimited,
		instruct.CodeInternal, instruct.CodeUnavailable, instruct.CodeClaimed,
		instruct.CodeUnsupportedMediaType:
		return true
	}
	return false
}

// codeForStatus is the code of an error answer without a problem body.
func codeForStatus(status int) instruct.Code {
	switch status {
	case http.StatusBadRequest:
		return instruct.CodeInvalid
	case http.StatusUnauthorized:
		return instruct.CodeUnauthorized
	case http.StatusForbidden:
		return instruct.CodeForbidden
	case http.StatusNotFound:
		return instruct.CodeNotFound
	case http.StatusConflict:
		return instruct.CodeInFlight
	case http.StatusGone:
		return instruct.CodeCursorExpired
	case http.StatusPreconditionFailed:
		return instruct.CodeStaleVersion
	case http.StatusRequestEntityTooLarge:
		return instruct.CodeTooLarge
	case http.StatusUnsupportedMediaType:
		return instruct.CodeUnsupportedMediaType
	case http.StatusUnprocessableEntity:
		return instruct.CodeInvalid
	case http.StatusPreconditionRequired:
		return instruct.CodePreconditionRequired
	case http.StatusTooManyRequests:
		return instruct.CodeRateLimited
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return instruct.CodeUnavailable
	}
	return instruct.CodeInternal
}

// UnavailableError is a call that did not get an answer from the server:
// it could not connect, the connection broke, or the attempt timed out.
// Its code is instruct.CodeUnavailable and it unwraps to the network
// error, so callers tell "offline" from "refused by the server".
type UnavailableError struct {
	Cause error
}

func unavailable(cause error) error { return &UnavailableError{Cause: cause} }

// Error describes the failure, network cause included.
func (e *UnavailableError) Error() string {
	return "unavailable: cannot reach the server: " + e.Cause.Error()
}

// Unwrap returns the domain error (code unavailable), the mark of a
// server out of reach (instruct.ErrUnreachable) and the cause.
func (e *UnavailableError) Unwrap() []error {
	return []error{&instruct.Error{Code: instruct.CodeUnavailable, Message: "cannot reach the server"},
		instruct.ErrUnreachable, e.Cause}
}

// answerTooLargeError is an answer over the size the client reads.
type answerTooLargeError struct{ limit int64 }

func (e answerTooLargeError) Error() string {
	return fmt.Sprintf("the server's answer is over %d bytes", e.limit)
}

func isAnswerTooLarge(err error) bool {
	var tooLarge answerTooLargeError
	return errors.As(err, &tooLarge)
}
