package server

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// streamWait bounds how long a test waits for an expected stream event;
// it only delays a failure, never decides a pass.
const streamWait = 10 * time.Second

// sseReader reads a /stream answer in the background and records the seq
// of every change event and the number of heartbeat comments.
type sseReader struct {
	mu         sync.Mutex
	changed    *sync.Cond
	seqs       []int64
	heartbeats int
	ended      bool
	status     int
}

// openStream connects c to /stream; the stream is closed when the test
// ends.
func openStream(t testing.TB, c *caller, headers ...hdr) *sseReader {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req := c.env.newRequest("GET", "/stream", nil, headers...).WithContext(ctx)
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.env.http.Client().Do(req)
	if err != nil {
		t.Fatalf("GET /stream: %v", err)
	}
	r := &sseReader{status: res.StatusCode}
	r.changed = sync.NewCond(&r.mu)
	if ct := res.Header.Get("Content-Type"); res.StatusCode != http.StatusOK || ct != "text/event-stream" {
		res.Body.Close()
		t.Fatalf("GET /stream = %d %s, want 200 text/event-stream", res.StatusCode, ct)
	}
	go r.read(res)
	return r
}

func (r *sseReader) read(res *http.Response) {
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	event := ""
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, ": heartbeat"):
			r.record(func() { r.heartbeats++ })
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: ") && event == "change":
			var c api.StreamChange
			if json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &c) == nil {
				r.record(func() { r.seqs = append(r.seqs, c.Seq) })
			}
		case line == "":
			event = ""
		}
	}
	r.record(func() { r.ended = true })
}

func (r *sseReader) record(f func()) {
	r.mu.Lock()
	f()
	r.mu.Unlock()
	r.changed.Broadcast()
}

// waitUntil waits for cond (checked under the lock) or the deadline.
func (r *sseReader) waitUntil(cond func() bool) bool {
	timer := time.AfterFunc(streamWait, r.changed.Broadcast)
	defer timer.Stop()
	deadline := time.Now().Add(streamWait)
	r.mu.Lock()
	defer r.mu.Unlock()
	for !cond() && time.Now().Before(deadline) {
		r.changed.Wait()
	}
	return cond()
}

// waitSeq waits for a change event of seq at least s.
func (r *sseReader) waitSeq(s int64) bool {
	return r.waitUntil(func() bool { return slices.ContainsFunc(r.seqs, func(x int64) bool { return x >= s }) })
}

func (r *sseReader) saw(s int64) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Contains(r.seqs, s)
}

// openMatrixStreams opens a stream for every user of the matrix.
func openMatrixStreams(t *testing.T, e *testEnv, users []matrixUser) map[string]*sseReader {
	streams := map[string]*sseReader{}
	for _, u := range users {
		streams[u.name] = openStream(t, u.caller)
	}
	return streams
}

// announceChanges has an administrator write a message to the applicant
// on each request in turn, and returns their seqs. It waits between two
// writes until the administrator's stream saw the first, so that the
// streams don't merge them into one event.
func announceChanges(t *testing.T, e *testEnv, requests []instruct.Request) []int64 {
	admin := e.addUser("Paul Annonceur", "*:admin")
	watch := openStream(t, admin)
	var seqs []int64
	for _, r := range requests {
		res := admin.do("POST", "/requests/"+r.ID.String()+"/notes", api.NoteInput{Kind: instruct.KindMessage, Comment: "Votre demande est en cours d'instruction."}, key(newKey()))
		ev := decodeAs[api.NoteResult](t, res, http.StatusCreated).Event
		if !watch.waitSeq(ev.Seq) {
			t.Fatalf("the administrator's stream never announced seq %d", ev.Seq)
		}
		seqs = append(seqs, ev.Seq)
	}
	return seqs
}

// checkStream checks that the stream announced seq exactly if its user
// may see the change.
func checkStream(t *testing.T, r *sseReader, seq int64, sees bool) {
	if sees && !r.waitSeq(seq) {
		t.Errorf("the stream never announced seq %d", seq)
	}
	if !sees && r.saw(seq) {
		t.Errorf("the stream announced seq %d, which its user may not see", seq)
	}
}
