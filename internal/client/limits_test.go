package client

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// padded returns v's JSON grown to exactly size bytes by a run of '<'
// in *text, which v must hold.
func padded(t *testing.T, v any, text *string, size int) []byte {
	t.Helper()
	*text = "a"
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	*text = strings.Repeat("a", size-len(b)+1)
	if b, err = json.Marshal(v); err != nil || len(b) != size {
		t.Fatalf("padded to %d bytes, want %d (%v)", len(b), size, err)
	}
	return b
}

// The client reads the largest answers the server may send: a feed page
// of api.MaxFeedPageBytes and a stale_version problem carrying a request
// with its events, api.MaxFeedItemBytes. The limits are shared, so they
// cannot drift apart.
func TestClientReadsTheLargestAnswersOfTheServer(t *testing.T) {
	page := api.ChangesPage{Changes: []instruct.FeedItem{{Seq: 1, Request: instruct.Request{ID: 1}, Events: []instruct.Event{}}}, Cursor: "1"}
	pageBody := padded(t, &page, &page.Changes[0].Request.Description, api.MaxFeedPageBytes)
	current := instruct.Request{ID: 1, Version: 9}
	stale := api.Problem{Type: "urn:instruct:problem:stale_version", Title: "Precondition Failed", Status: http.StatusPreconditionFailed,
		Code: instruct.CodeStaleVersion, Current: &current,
		EventsSince: []instruct.Event{{Seq: 2, RequestID: 1, Kind: instruct.KindNote}}}
	staleBody := padded(t, &stale, &stale.EventsSince[0].Comment, api.MaxFeedItemBytes)

	var s sleeps
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/changes"):
			w.Header().Set("Content-Type", "application/json")
			w.Write(pageBody)
		case strings.HasSuffix(r.URL.Path, "/decisions"):
			w.Header().Set("Content-Type", api.ProblemContentType)
			w.WriteHeader(http.StatusPreconditionFailed)
			w.Write(staleBody)
		}
	}, testOptions(&s))

	got, err := c.Changes(context.Background(), "", 0)
	if err != nil || len(got.Changes) != 1 {
		t.Errorf("Changes() of a %d-byte page = %d items, %v; want the page read", api.MaxFeedPageBytes, len(got.Changes), err)
	}
	_, err = c.Decide(context.Background(), "k", 1, 1, api.DecisionInput{Kind: instruct.KindApprove})
	var se *instruct.StaleError
	if !errors.As(err, &se) || se.Current.Version != 9 || len(se.EventsSince) != 1 {
		t.Errorf("Decide() answered a %d-byte stale_version = %v, want the conflict read", api.MaxFeedItemBytes, err)
	}
}

// An answer over what the client reads fails with code too_large, which
// callers match to try a smaller page.
func TestAnswerOverPageLimitIsTooLarge(t *testing.T) {
	page := api.ChangesPage{Changes: []instruct.FeedItem{{Seq: 1, Request: instruct.Request{ID: 1}, Events: []instruct.Event{}}}, Cursor: "1"}
	body := padded(t, &page, &page.Changes[0].Request.Description, api.MaxFeedPageBytes+1)
	var s sleeps
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	}, testOptions(&s))
	_, err := c.Changes(context.Background(), "", 0)
	if instruct.ErrorCode(err) != instruct.CodeTooLarge {
		t.Errorf("Changes() of a page one byte over the limit = %v (code %q), want code too_large", err, instruct.ErrorCode(err))
	}
}
