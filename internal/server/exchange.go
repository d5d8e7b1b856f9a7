package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// exchange is what the server learns about one request as it serves it,
// for the log line: the route matched and the user authenticated.
type exchange struct {
	id      string
	route   string
	userID  string
	errCode instruct.Code
}

type exchangeKey struct{}

// exchangeOf returns the exchange of the request being served.
func exchangeOf(ctx context.Context) *exchange {
	if x, ok := ctx.Value(exchangeKey{}).(*exchange); ok {
		return x
	}
	return &exchange{}
}

// serveHTTP is the outermost handler: it names the request, recovers
// panics, answers unknown routes with problems, and logs one line.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	x := &exchange{id: newRequestID()}
	r = r.WithContext(context.WithValue(r.Context(), exchangeKey{}, x))
	sw := &statusWriter{ResponseWriter: w}
	sw.Header().Set(api.HeaderRequestID, x.id)
	defer s.logExchange(r, sw, x, start)
	defer s.recoverPanic(sw, r, x)
	if _, pattern := s.mux.Handler(r); pattern == "" {
		s.serveUnmatched(sw, r)
		return
	}
	s.mux.ServeHTTP(sw, r)
}

// recoverPanic turns a handler's panic into a 500 problem naming the
// request ID, and logs the stack (never the panic value, which may hold
// personal data).
func (s *Server) recoverPanic(w *statusWriter, r *http.Request, x *exchange) {
	v := recover()
	if v == nil {
		return
	}
	if v == http.ErrAbortHandler {
		panic(v)
	}
	s.log.ErrorContext(r.Context(), "panic", "request_id", x.id,
		"panic_type", fmt.Sprintf("%T", v), "stack", string(debug.Stack()))
	if w.status == 0 {
		writeProblem(w, r, http.StatusInternalServerError,
			instruct.Errorf(instruct.CodeInternal, "an internal error occurred"))
	}
}

func (s *Server) logExchange(r *http.Request, w *statusWriter, x *exchange, start time.Time) {
	status := w.status
	if status == 0 {
		status = http.StatusOK
	}
	attrs := []any{"request_id", x.id, "method", r.Method, "route", x.route,
		"status", status, "duration_ms", float64(time.Since(start).Microseconds()) / 1000}
	if x.userID != "" {
		attrs = append(attrs, "user_id", x.userID)
	}
	if x.errCode != "" {
		attrs = append(attrs, "code", string(x.errCode))
	}
	s.log.InfoContext(r.Context(), "request", attrs...)
}

// serveUnmatched answers a request no route matches: the mux's own 404
// and 405 become problems; its redirects (unclean paths) pass through.
func (s *Server) serveUnmatched(w http.ResponseWriter, r *http.Request) {
	h, _ := s.mux.Handler(r)
	rec := &recorder{header: http.Header{}}
	h.ServeHTTP(rec, r)
	switch rec.status {
	case http.StatusNotFound:
		writeProblem(w, r, http.StatusNotFound, instruct.Errorf(instruct.CodeNotFound, "no endpoint %s %s", r.Method, cells.Truncate(r.URL.Path, 100)))
	case http.StatusMethodNotAllowed:
		w.Header().Set("Allow", rec.header.Get("Allow"))
		writeProblem(w, r, http.StatusMethodNotAllowed, instruct.Errorf(instruct.CodeInvalid, "method %s is not allowed here; allowed: %s", cells.Truncate(r.Method, 20), rec.header.Get("Allow")))
	default:
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.status)
		w.Write(rec.body.Bytes())
	}
}

// newRequestID returns 16 random hex digits.
func newRequestID() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// statusWriter records the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushes of
// the event stream, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// recorder keeps what the mux's fallback handlers write.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
