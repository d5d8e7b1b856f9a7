package client

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

func TestRetriesUnavailableThenSucceeds(t *testing.T) {
	var s sleeps
	var seen attempts
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if seen.next() <= 2 {
			writeProblem(w, http.StatusServiceUnavailable, instruct.CodeUnavailable, "restarting")
			return
		}
		writeJSON(w, http.StatusOK, sampleRequest(7, 3))
	}, testOptions(&s))

	got, err := c.Request(context.Background(), 7)
	if err != nil {
		t.Fatalf("Request(D7) = %v, want success after two 503", err)
	}
	if got.ID != 7 || got.Version != 3 {
		t.Errorf("Request(D7) = %s v%d, want D7 v3", got.ID, got.Version)
	}
	want := []time.Duration{DefaultMinBackoff, 2 * DefaultMinBackoff}
	if diff := cmp.Diff(want, s.got()); diff != "" {
		t.Errorf("waits between attempts (-want +got):\n%s", diff)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	tests := []struct {
		name   string
		status int
		code   instruct.Code
		header string
		want   time.Duration
	}{
		{"rate limited", http.StatusTooManyRequests, instruct.CodeRateLimited, "7", 7 * time.Second},
		{"unavailable", http.StatusServiceUnavailable, instruct.CodeUnavailable, "3", 3 * time.Second},
		{"capped", http.StatusTooManyRequests, instruct.CodeRateLimited, "86400", maxRetryAfter},
		{"unreadable header falls back to backoff", http.StatusTooManyRequests, instruct.CodeRateLimited, "soon", DefaultMinBackoff},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s sleeps
			var seen attempts
			c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				if seen.next() == 1 {
					w.Header().Set("Retry-After", tt.header)
					writeProblem(w, tt.status, tt.code, "slow down")
					return
				}
				writeJSON(w, http.StatusOK, instruct.User{ID: "u1"})
			}, testOptions(&s))
			if _, err := c.Me(context.Background()); err != nil {
				t.Fatalf("Me() = %v, want success after one %d", err, tt.status)
			}
			if diff := cmp.Diff([]time.Duration{tt.want}, s.got()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNoRetryOnAnswersThatWontChange(t *testing.T) {
	tests := []struct {
		name   string
		status int
		code   instruct.Code
	}{
		{"invalid", http.StatusBadRequest, instruct.CodeInvalid},
		{"unauthorized", http.StatusUnauthorized, instruct.CodeUnauthorized},
		{"forbidden", http.StatusForbidden, instruct.CodeForbidden},
		{"not found", http.StatusNotFound, instruct.CodeNotFound},
		{"cursor expired", http.StatusGone, instruct.CodeCursorExpired},
		{"stale", http.StatusPreconditionFailed, instruct.CodeStaleVersion},
		{"too large", http.StatusRequestEntityTooLarge, instruct.CodeTooLarge},
		{"comment required", http.StatusUnprocessableEntity, instruct.CodeCommentRequired},
		{"key reused", http.StatusUnprocessableEntity, instruct.CodeIdempotencyKeyReused},
		{"precondition required", http.StatusPreconditionRequired, instruct.CodePreconditionRequired},
		{"internal", http.StatusInternalServerError, instruct.CodeInternal},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s sleeps
			var seen attempts
			c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				seen.next()
				writeProblem(w, tt.status, tt.code, "no")
			}, testOptions(&s))
			_, err := c.Decide(context.Background(), "k1", 1, 4, api.DecisionInput{Kind: instruct.KindRefuse, Comment: "x"})
			if got := instruct.ErrorCode(err); got != tt.code {
				t.Errorf("Decide() = %v, want code %s", err, tt.code)
			}
			if seen.count() != 1 || len(s.got()) != 0 {
				t.Errorf("Decide() made %d attempts and %d waits, want 1 and 0", seen.count(), len(s.got()))
			}
		})
	}
}

func TestInFlightIsRetried(t *testing.T) {
	var s sleeps
	var seen attempts
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if seen.next() == 1 {
			writeProblem(w, http.StatusConflict, instruct.CodeInFlight, "being processed")
			return
		}
		writeJSON(w, http.StatusCreated, api.NoteResult{Event: sampleEvent(1, 9, instruct.KindNote, "vu")})
	}, testOptions(&s))
	res, err := c.Note(context.Background(), "k1", 1, api.NoteInput{Kind: instruct.KindNote, Comment: "vu"})
	if err != nil || res.Event.Seq != 9 {
		t.Fatalf("Note() = %+v, %v; want event 9 after an in_flight answer", res, err)
	}
	if seen.count() != 2 {
		t.Errorf("Note() made %d attempts, want 2", seen.count())
	}
}

func TestGiveUpAfterMaxRetries(t *testing.T) {
	var s sleeps
	var seen attempts
	opts := testOptions(&s)
	opts.MaxRetries = 3
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		seen.next()
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
	}, opts)
	_, err := c.Definitions(context.Background())
	if got := instruct.ErrorCode(err); got != instruct.CodeUnavailable {
		t.Errorf("Definitions() = %v, want code unavailable", err)
	}
	if seen.count() != 4 {
		t.Errorf("Definitions() made %d attempts, want 1 + 3 retries", seen.count())
	}
}

// resetMidAnswer answers the first call with the headers and half a body,
// then resets the connection; later calls get ok.
func resetMidAnswer(t *testing.T, seen *attempts, ok func(w http.ResponseWriter)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if seen.next() > 1 {
			ok(w)
			return
		}
		conn, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Errorf("hijack: %v", err)
			return
		}
		fmt.Fprint(buf, "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n{\"request\": {\"id\": \"D")
		_ = buf.Flush()
		if tcp, ok := conn.(*net.TCPConn); ok {
			_ = tcp.SetLinger(0)
		}
		_ = conn.Close()
	}
}

func TestConnectionResetMidAnswer(t *testing.T) {
	var s sleeps
	var seen attempts
	var keys []string
	decided := api.DecisionResult{Request: sampleRequest(3, 5), Event: sampleEvent(3, 77, instruct.KindApprove, "")}
	handler := resetMidAnswer(t, &seen, func(w http.ResponseWriter) { writeJSON(w, http.StatusCreated, decided) })
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		keys = append(keys, r.Header.Get(api.HeaderIdempotencyKey))
		handler(w, r)
	}, testOptions(&s))

	got, err := c.Decide(context.Background(), "key-1", 3, 4, api.DecisionInput{Kind: instruct.KindApprove})
	if err != nil {
		t.Fatalf("Decide() = %v, want success on the retry", err)
	}
	if diff := cmp.Diff(decided, got); diff != "" {
		t.Errorf("Decide() (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"key-1", "key-1"}, keys); diff != "" {
		t.Errorf("Idempotency-Key of each attempt (-want +got):\n%s", diff)
	}
}

func TestCreateNotRetriedOnceSent(t *testing.T) {
	var s sleeps
	var seen attempts
	c, _ := newServer(t, resetMidAnswer(t, &seen, func(w http.ResponseWriter) {
		writeJSON(w, http.StatusCreated, sampleRequest(9, 1))
	}), testOptions(&s))
	title := "Cantine"
	_, err := c.Create(context.Background(), instruct.RequestPatch{Title: &title})
	if got := instruct.ErrorCode(err); got != instruct.CodeUnavailable {
		t.Errorf("Create() = %v, want code unavailable", err)
	}
	if seen.count() != 1 {
		t.Errorf("Create() made %d attempts, want 1: the server may have created the draft", seen.count())
	}
}

func TestCreateRetriedWhenNeverConnected(t *testing.T) {
	addr := freeAddress(t)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusCreated, sampleRequest(10, 1))
	}))
	t.Cleanup(srv.Close)
	s := sleeps{then: func() {
		if srv.URL != "" {
			return
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("listen on %s: %v", addr, err)
			return
		}
		srv.Listener = l
		srv.Start()
	}}
	c := New("http://"+addr, "tok", testOptions(&s))
	got, err := c.Create(context.Background(), instruct.RequestPatch{})
	if err != nil || got.ID != 10 {
		t.Fatalf("Create() = %s, %v; want D10 once the server is up", got.ID, err)
	}
	if len(s.got()) != 1 {
		t.Errorf("Create() waited %d times, want 1", len(s.got()))
	}
}

// freeAddress returns a loopback address nothing listens on.
func freeAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestUnreachableServerIsUnavailable(t *testing.T) {
	var s sleeps
	opts := testOptions(&s)
	opts.MaxRetries = 2
	c := New("http://"+freeAddress(t), "tok", opts)
	_, err := c.Changes(context.Background(), "", 100)
	if got := instruct.ErrorCode(err); got != instruct.CodeUnavailable {
		t.Errorf("Changes() = %v, want code unavailable", err)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("Changes() = %v, want it to wrap connection refused", err)
	}
	if len(s.got()) != 2 {
		t.Errorf("Changes() waited %d times, want 2 (one per retry)", len(s.got()))
	}
}

func TestCallerCancelIsNotUnavailable(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		cancel()
		<-r.Context().Done()
	}, Options{})
	_, err := c.Me(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Me() = %v, want context.Canceled", err)
	}
	if instruct.ErrorCode(err) == instruct.CodeUnavailable {
		t.Errorf("Me() = %v, want the caller's cancellation, not unavailable", err)
	}
}

func TestAttemptTimeoutIsRetried(t *testing.T) {
	var s sleeps
	var seen attempts
	opts := testOptions(&s)
	opts.Timeout = 300 * time.Millisecond
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if seen.next() == 1 {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		writeJSON(w, http.StatusOK, api.EventList{Events: []instruct.Event{sampleEvent(2, 1, instruct.KindCreate, "")}})
	}, opts)
	events, err := c.Events(context.Background(), 2)
	if err != nil || len(events) != 1 {
		t.Fatalf("Events() = %v, %v; want one event after a timed-out attempt", events, err)
	}
}

func TestAnswerOverLimitIsRefused(t *testing.T) {
	var s sleeps
	var seen attempts
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		seen.next()
		w.Header().Set("Content-Type", "application/json")
		bw := bufio.NewWriter(w)
		fmt.Fprint(bw, `{"id": "D1", "title": "`)
		for range smallAnswerLimit / 8 {
			fmt.Fprint(bw, "abcdefgh")
		}
		fmt.Fprint(bw, `"}`)
		_ = bw.Flush()
	}, testOptions(&s))
	_, err := c.Request(context.Background(), 1)
	if err == nil || !isAnswerTooLarge(err) {
		t.Errorf("Request() = %v, want the answer refused as too large", err)
	}
	if seen.count() != 1 {
		t.Errorf("Request() made %d attempts, want 1", seen.count())
	}
}

// TestBackoffGrowsAcrossRetries answers 503 until the retries run out:
// the waits double from the minimum to the cap, as package backoff says.
func TestBackoffGrowsAcrossRetries(t *testing.T) {
	var s sleeps
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusServiceUnavailable, instruct.CodeUnavailable, "restarting")
	}, Options{Sleep: s.sleep, Jitter: func(c time.Duration) time.Duration { return c },
		MaxRetries: 4, MinBackoff: time.Second, MaxBackoff: 5 * time.Second})
	if _, err := c.Me(context.Background()); instruct.ErrorCode(err) != instruct.CodeUnavailable {
		t.Fatalf("Me() = %v, want unavailable once the retries ran out", err)
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second}
	if diff := cmp.Diff(want, s.got()); diff != "" {
		t.Errorf("waits between attempts (-want +got):\n%s", diff)
	}
}

func TestRetryAfterParsing(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		header string
		want   time.Duration
		ok     bool
	}{
		{"seconds", "12", 12 * time.Second, true},
		{"zero", "0", 0, true},
		{"http date", now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second, true},
		{"date in the past", now.Add(-time.Hour).Format(http.TimeFormat), 0, true},
		{"negative", "-3", 0, false},
		{"empty", "", 0, false},
		{"garbage", "tomorrow", 0, false},
		{"huge", "99999999999999999", maxRetryAfter, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := retryAfter(tt.header, now)
			if got != tt.want || ok != tt.ok {
				t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.header, got, ok, tt.want, tt.ok)
			}
		})
	}
}
