package client

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

func TestProblemMappingForEveryCode(t *testing.T) {
	tests := []struct {
		status int
		code   instruct.Code
	}{
		{http.StatusBadRequest, instruct.CodeInvalid},
		{http.StatusUnauthorized, instruct.CodeUnauthorized},
		{http.StatusForbidden, instruct.CodeForbidden},
		{http.StatusNotFound, instruct.CodeNotFound},
		{http.StatusGone, instruct.CodeCursorExpired},
		{http.StatusPreconditionFailed, instruct.CodeStaleVersion},
		{http.StatusRequestEntityTooLarge, instruct.CodeTooLarge},
		{http.StatusUnprocessableEntity, instruct.CodeCommentRequired},
		{http.StatusUnprocessableEntity, instruct.CodeInvalidTransition},
		{http.StatusUnprocessableEntity, instruct.CodeIdempotencyKeyReused},
		{http.StatusUnprocessableEntity, instruct.CodeInvalid},
		{http.StatusPreconditionRequired, instruct.CodePreconditionRequired},
		{http.StatusInternalServerError, instruct.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			detail := "ce que le serveur dit de " + string(tt.code)
			c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				writeProblem(w, tt.status, tt.code, detail)
			}, Options{MaxRetries: -1})
			_, err := c.Submit(context.Background(), 5, 2)
			if got := instruct.ErrorCode(err); got != tt.code {
				t.Errorf("Submit() = %v, want code %s", err, tt.code)
			}
			if got := instruct.ErrorMessage(err); got != detail {
				t.Errorf("ErrorMessage(Submit()) = %q, want the problem detail %q", got, detail)
			}
		})
	}
}

func TestRetriedCodesSurfaceWhenRetriesRunOut(t *testing.T) {
	tests := []struct {
		status int
		code   instruct.Code
	}{
		{http.StatusConflict, instruct.CodeInFlight},
		{http.StatusTooManyRequests, instruct.CodeRateLimited},
		{http.StatusServiceUnavailable, instruct.CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(string(tt.code), func(t *testing.T) {
			c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				writeProblem(w, tt.status, tt.code, "later")
			}, Options{MaxRetries: -1})
			_, err := c.Note(context.Background(), "k", 5, api.NoteInput{Kind: instruct.KindNote, Comment: "x"})
			if got := instruct.ErrorCode(err); got != tt.code {
				t.Errorf("Note() = %v, want code %s", err, tt.code)
			}
		})
	}
}

func TestInternalErrorNamesRequestID(t *testing.T) {
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusInternalServerError, api.Problem{Status: 500, Code: instruct.CodeInternal,
			Detail: "an internal error occurred", RequestID: "req-42"})
	}, Options{MaxRetries: -1})
	_, err := c.Me(context.Background())
	if got, want := instruct.ErrorMessage(err), "an internal error occurred (request id req-42)"; got != want {
		t.Errorf("ErrorMessage(Me()) = %q, want %q", got, want)
	}
}

func TestStaleVersionDecoded(t *testing.T) {
	current := sampleRequest(12, 6)
	current.Status = instruct.StatusRefused
	since := []instruct.Event{
		sampleEvent(12, 301, instruct.KindNote, "à vérifier"),
		sampleEvent(12, 302, instruct.KindRefuse, "Le cadre juridique ne couvre pas le quotient familial."),
	}
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", api.ProblemContentType)
		writeJSON(w, http.StatusPreconditionFailed, api.Problem{Status: 412, Code: instruct.CodeStaleVersion,
			Detail: "D12 changed", Current: &current, EventsSince: since})
	}, Options{MaxRetries: -1})

	_, err := c.Decide(context.Background(), "k", 12, 5, api.DecisionInput{Kind: instruct.KindApprove})
	var stale *instruct.StaleError
	if !errors.As(err, &stale) {
		t.Fatalf("Decide() = %v, want a *instruct.StaleError", err)
	}
	want := &instruct.StaleError{Current: current, EventsSince: since}
	if diff := cmp.Diff(want, stale); diff != "" {
		t.Errorf("Decide() stale error (-want +got):\n%s", diff)
	}
}

func TestAnswersWithoutProblemBody(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
		want   instruct.Code
	}{
		{"proxy page 404", http.StatusNotFound, "<h1>Not Found</h1>", instruct.CodeNotFound},
		{"empty 401", http.StatusUnauthorized, "", instruct.CodeUnauthorized},
		{"stale without current", http.StatusPreconditionFailed, `{"code":"stale_version","detail":"changed"}`, instruct.CodeStaleVersion},
		{"unknown code", http.StatusForbidden, `{"code":"teapot","detail":"x"}`, instruct.CodeForbidden},
		{"gateway timeout", http.StatusGatewayTimeout, "timeout", instruct.CodeUnavailable},
		{"odd status", 418, "", instruct.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := problemError(tt.status, []byte(tt.body))
			if got := instruct.ErrorCode(err); got != tt.want {
				t.Errorf("problemError(%d, %q) = %v, want code %s", tt.status, tt.body, err, tt.want)
			}
			if instruct.ErrorMessage(err) == "" {
				t.Errorf("problemError(%d, %q) has no message", tt.status, tt.body)
			}
		})
	}
}

func TestLongDetailIsClipped(t *testing.T) {
	long := make([]byte, 0, 3*maxDetail)
	for len(long) < 3*maxDetail {
		long = append(long, "é"...)
	}
	err := problemError(422, []byte(`{"code":"invalid","detail":"`+string(long)+`"}`))
	msg := instruct.ErrorMessage(err)
	if w := cells.Width(msg); w > maxDetail || len(msg) > cells.MaxBytesPerCell*maxDetail {
		t.Errorf("ErrorMessage() is %d cells and %d bytes, want at most %d cells", w, len(msg), maxDetail)
	}
	if !strings.HasSuffix(msg, cells.Ellipsis) {
		t.Errorf("ErrorMessage() = …%q, want it to end with %q", msg[len(msg)-8:], cells.Ellipsis)
	}
	if !utf8.ValidString(msg) {
		t.Errorf("ErrorMessage() = %q, want valid UTF-8", msg[len(msg)-8:])
	}
}

// TestClaimedDecoded: a 409 claimed becomes a *instruct.ClaimedError
// naming the holder, sent once (never retried), and a release is a
// DELETE of the same path with its key.
func TestClaimedDecoded(t *testing.T) {
	held := instruct.Claim{User: instruct.Actor{ID: "u-marie", Name: "Marie Dupont"}, At: time.Date(2026, 10, 5, 10, 5, 0, 0, time.UTC)}
	var calls attempts
	var seen []string
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		calls.next()
		seen = append(seen, r.Method+" "+r.URL.Path+" "+r.Header.Get(api.HeaderIdempotencyKey))
		w.Header().Set("Content-Type", api.ProblemContentType)
		writeJSON(w, http.StatusConflict, api.Problem{Status: 409, Code: instruct.CodeClaimed, Detail: "held", Claim: &held})
	}, Options{})
	_, err := c.Claim(context.Background(), "k1", 12, false, false)
	var claimed *instruct.ClaimedError
	if !errors.As(err, &claimed) || claimed.Claim != held {
		t.Fatalf("Claim() = %v, want a *instruct.ClaimedError naming Marie Dupont's claim", err)
	}
	if calls.count() != 1 {
		t.Errorf("Claim() sent %d times, want once: another's claim does not pass by waiting", calls.count())
	}
	c.Claim(context.Background(), "k2", 12, true, false)
	if want := []string{"POST /api/v1/requests/D12/claim k1", "DELETE /api/v1/requests/D12/claim k2"}; !cmp.Equal(seen, want) {
		t.Errorf("calls = %q, want %q", seen, want)
	}
}
