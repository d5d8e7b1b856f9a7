package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// problemTypeBase prefixes the code to form a problem's type URI.
const problemTypeBase = "urn:instruct:problem:"

// maxDetail is the most cells of a problem's detail: a message that quotes
// what a client sent is cut there.
const maxDetail = 2000

// unavailableRetryAfter is the Retry-After, in seconds, of an
// unavailable answer: the database cannot be reached or cannot write
// now, and clients keep what they sent and try again.
const unavailableRetryAfter = 5

// statusError gives an error the HTTP status it must be answered with,
// where the code alone doesn't decide it: a malformed body is 400
// invalid, a valid one the rules refuse 422 invalid.
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// malformed marks an invalid error as the fault of a malformed request,
// answered 400; errors of other codes keep their own status.
func malformed(err error) error {
	if err == nil || instruct.ErrorCode(err) != instruct.CodeInvalid {
		return err
	}
	return &statusError{status: http.StatusBadRequest, err: err}
}

// statusOf returns the status err is answered with.
func statusOf(err error) int {
	var se *statusError
	if errors.As(err, &se) {
		return se.status
	}
	switch instruct.ErrorCode(err) {
	case instruct.CodeInvalid, instruct.CodeCommentRequired, instruct.CodeInvalidTransition, instruct.CodeIdempotencyKeyReused:
		return http.StatusUnprocessableEntity
	case instruct.CodeUnauthorized:
		return http.StatusUnauthorized
	case instruct.CodeForbidden:
		return http.StatusForbidden
	case instruct.CodeNotFound:
		return http.StatusNotFound
	case instruct.CodeInFlight, instruct.CodeClaimed:
		return http.StatusConflict
	case instruct.CodeCursorExpired:
		return http.StatusGone
	case instruct.CodeStaleVersion:
		return http.StatusPreconditionFailed
	case instruct.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case instruct.CodePreconditionRequired:
		return http.StatusPreconditionRequired
	case instruct.CodeRateLimited:
		return http.StatusTooManyRequests
	case instruct.CodeUnavailable:
		return http.StatusServiceUnavailable
	case instruct.CodeUnsupportedMediaType:
		return http.StatusUnsupportedMediaType
	}
	return http.StatusInternalServerError
}

// fail answers err as a problem; errors without a domain code are
// logged with the request ID and answered 500 without their text.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		x := exchangeOf(r.Context())
		s.log.ErrorContext(r.Context(), "internal error", "request_id", x.id, "route", x.route, "error", err.Error())
		err = instruct.Errorf(instruct.CodeInternal, "an internal error occurred")
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="instruct"`)
	}
	if wait := retryAfter(err); wait > 0 {
		w.Header().Set(api.HeaderRetryAfter, strconv.Itoa(wait))
	}
	if status == http.StatusServiceUnavailable {
		w.Header().Set(api.HeaderRetryAfter, strconv.Itoa(unavailableRetryAfter))
	}
	writeProblem(w, r, status, err)
}

// retryAfter returns the seconds a client should wait before trying
// err's call again, 0 when it does not say.
func retryAfter(err error) int {
	var limited *rateLimitedError
	if errors.As(err, &limited) {
		return limited.retryAfter
	}
	var e *instruct.Error
	if errors.As(err, &e) && e.RetryAfter > 0 {
		return int((e.RetryAfter + time.Second - 1) / time.Second)
	}
	return 0
}

// writeProblem writes err as a problem+json answer of the given status.
func writeProblem(w http.ResponseWriter, r *http.Request, status int, err error) {
	x := exchangeOf(r.Context())
	p := api.Problem{
		Type:   problemTypeBase + string(instruct.ErrorCode(err)),
		Title:  http.StatusText(status),
		Status: status,
		Detail: cells.Truncate(instruct.ErrorMessage(err), maxDetail),
		Code:   instruct.ErrorCode(err),
	}
	x.errCode = p.Code
	if p.Code == instruct.CodeInternal {
		p.RequestID = x.id
		p.Detail = "an internal error occurred; quote request " + x.id + " to the administrators"
	}
	var stale *instruct.StaleError
	if errors.As(err, &stale) {
		p.Current = &stale.Current
		p.EventsSince = stale.EventsSince
		p.Detail = "the request changed since your version: it is now at version " + strconv.FormatInt(stale.Current.Version, 10)
	}
	var claimed *instruct.ClaimedError
	if errors.As(err, &claimed) {
		p.Claim = &claimed.Claim
	}
	w.Header().Set("Content-Type", api.ProblemContentType)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// writeJSON writes v as a JSON answer of the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
