package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// sleeps records the waits a client asked for, without waiting.
type sleeps struct {
	mu   sync.Mutex
	list []time.Duration
	// then runs after each recorded wait, if set.
	then func()
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.list = append(s.list, d)
	then := s.then
	s.mu.Unlock()
	if then != nil {
		then()
	}
	return ctx.Err()
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.list...)
}

// testOptions sleeps through the recorder and jitters to the ceiling, so
// that waits are deterministic.
func testOptions(s *sleeps) Options {
	return Options{
		Sleep:  s.sleep,
		Jitter: func(max time.Duration) time.Duration { return max },
	}
}

// newServer starts an httptest server running h and a client of it.
func newServer(t *testing.T, h http.HandlerFunc, opts Options) (*Client, *httptest.Server) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return New(srv.URL, "secret-token", opts), srv
}

// writeJSON answers status with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeProblem answers a problem of the contract.
func writeProblem(w http.ResponseWriter, status int, code instruct.Code, detail string) {
	w.Header().Set("Content-Type", api.ProblemContentType)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(api.Problem{Type: "about:blank", Title: http.StatusText(status),
		Status: status, Detail: detail, Code: code})
}

// attempts counts the calls a handler received.
type attempts struct {
	mu sync.Mutex
	n  int
}

func (a *attempts) next() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.n++
	return a.n
}

func (a *attempts) count() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.n
}

func sampleRequest(id instruct.RequestID, version int64) instruct.Request {
	return instruct.Request{ID: id, Definition: "api_particulier", Status: instruct.StatusSubmitted,
		Version: version, Title: "Tarification de la cantine scolaire",
		CreatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC), UpdatedAt: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
}

func sampleEvent(id instruct.RequestID, seq int64, kind instruct.Kind, comment string) instruct.Event {
	return instruct.Event{Seq: seq, RequestID: id, Kind: kind, Comment: comment,
		Actor: instruct.Actor{ID: "u1", Name: "Camille Martin"},
		At:    time.Date(2026, 3, 5, 14, 30, 0, 0, time.UTC)}
}
