package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// seqs collects the seqs Stream reports.
type seqs struct {
	mu   sync.Mutex
	list []int64
}

func (s *seqs) add(seq int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.list = append(s.list, seq)
}

func (s *seqs) got() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.list...)
}

// streamChunks answers the stream with each chunk flushed on its own.
func streamChunks(chunks ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		rc := http.NewResponseController(w)
		for _, c := range chunks {
			io.WriteString(w, c)
			_ = rc.Flush()
			time.Sleep(5 * time.Millisecond)
		}
	}
}

func TestStreamReportsChanges(t *testing.T) {
	var got seqs
	var path, accept, auth string
	handler := streamChunks(
		": welcome\n\n",
		"event: change\ndata: {\"se", "q\": 5}\n", "\n",
		":\n\n",
		"event: change\r\ndata: {\"seq\": 6}\r\n\r\n",
		"event: other\ndata: {\"seq\": 7}\n\n",
		"data: {\"seq\": 8}\n\n",
		"event: change\rdata: {\"seq\": 9}\r\r",
		"event: change\ndata: not json\n\n",
		"event: change\nid: 12\nretry: 1000\ndata: {\"seq\": 12}\n\n",
		"event: change\ndata: {\"seq\": 13}\n",
	)
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		path, accept, auth = r.URL.Path, r.Header.Get("Accept"), r.Header.Get("Authorization")
		handler(w, r)
	}, Options{})

	err := c.Stream(context.Background(), func() {}, got.add)
	if code := instruct.ErrorCode(err); code != instruct.CodeUnavailable {
		t.Errorf("Stream() = %v, want code unavailable when the server ends the stream", err)
	}
	if diff := cmp.Diff([]int64{5, 6, 9, 12}, got.got()); diff != "" {
		t.Errorf("Stream() changes (-want +got):\n%s", diff)
	}
	if path != "/api/v1/stream" || accept != "text/event-stream" || auth != "Bearer secret-token" {
		t.Errorf("Stream() sent %s Accept %q Authorization %q", path, accept, auth)
	}
}

func TestStreamEndsWithCaller(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var got seqs
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		io.WriteString(w, "event: change\ndata: {\"seq\": 1}\n\n")
		_ = http.NewResponseController(w).Flush()
		<-r.Context().Done()
	}, Options{})
	err := c.Stream(ctx, func() {}, func(seq int64) {
		got.add(seq)
		cancel()
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Stream() = %v, want context.Canceled", err)
	}
	if diff := cmp.Diff([]int64{1}, got.got()); diff != "" {
		t.Errorf("Stream() changes (-want +got):\n%s", diff)
	}
}

func TestStreamSilentTooLongIsBroken(t *testing.T) {
	const heartbeats = 5
	const every = 20 * time.Millisecond
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		rc := http.NewResponseController(w)
		for range heartbeats {
			io.WriteString(w, ": heartbeat\n\n")
			_ = rc.Flush()
			time.Sleep(every)
		}
		<-r.Context().Done()
	}, Options{StreamIdle: 300 * time.Millisecond})
	start := time.Now()
	err := c.Stream(context.Background(), func() {}, func(int64) {})
	if code := instruct.ErrorCode(err); code != instruct.CodeUnavailable || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("Stream() = %v, want an unavailable timeout", err)
	}
	if elapsed := time.Since(start); elapsed < heartbeats*every {
		t.Errorf("Stream() gave up after %v, while heartbeats still came", elapsed)
	}
}

func TestStreamRefused(t *testing.T) {
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, http.StatusUnauthorized, instruct.CodeUnauthorized, "bad token")
	}, Options{})
	err := c.Stream(context.Background(), func() {}, func(int64) {})
	if code := instruct.ErrorCode(err); code != instruct.CodeUnauthorized {
		t.Errorf("Stream() = %v, want code unauthorized", err)
	}
}

func TestStreamUnreachable(t *testing.T) {
	c := New("http://"+freeAddress(t), "tok", Options{})
	err := c.Stream(context.Background(), func() {}, func(int64) {})
	if code := instruct.ErrorCode(err); code != instruct.CodeUnavailable {
		t.Errorf("Stream() = %v, want code unavailable", err)
	}
}

func TestEventReader(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []sseEvent
	}{
		{"one event", "event: change\ndata: x\n\n", []sseEvent{{"change", "x"}}},
		{"default name", "data: x\n\n", []sseEvent{{"message", "x"}}},
		{"multi-line data", "data: a\ndata: b\n\n", []sseEvent{{"message", "a\nb"}}},
		{"no space after colon", "event:change\ndata:x\n\n", []sseEvent{{"change", "x"}}},
		{"two spaces keep one", "data:  x\n\n", []sseEvent{{"message", " x"}}},
		{"comments only", ": ping\n\n: ping\n\n", nil},
		{"event without data is not dispatched", "event: change\n\ndata: y\n\n", []sseEvent{{"message", "y"}}},
		{"CRLF", "event: change\r\ndata: x\r\n\r\n", []sseEvent{{"change", "x"}}},
		{"CR", "event: change\rdata: x\r\r", []sseEvent{{"change", "x"}}},
		{"byte order mark", "\ufeffdata: x\n\n", []sseEvent{{"message", "x"}}},
		{"unterminated event dropped", "data: x\n\ndata: y\n", []sseEvent{{"message", "x"}}},
		{"field without colon", "data\n\n", []sseEvent{{"message", ""}}},
		{"unknown fields ignored", "id: 3\nretry: 10\nfoo: bar\ndata: x\n\n", []sseEvent{{"message", "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAllEvents(strings.NewReader(tt.input))
			if err != nil {
				t.Fatalf("events of %q: %v", tt.input, err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(sseEvent{})); diff != "" {
				t.Errorf("events of %q (-want +got):\n%s", tt.input, diff)
			}
		})
	}
}

func TestEventReaderRefusesHugeLine(t *testing.T) {
	_, err := readAllEvents(strings.NewReader("data: " + strings.Repeat("x", maxStreamLine+1) + "\n\n"))
	if err == nil {
		t.Errorf("events of a %d-byte line: got no error, want the line refused", maxStreamLine+1)
	}
}

func readAllEvents(r io.Reader) ([]sseEvent, error) {
	events := newEventReader(r)
	var out []sseEvent
	for {
		ev, err := events.next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, ev)
	}
}
