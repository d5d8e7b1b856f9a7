package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// sent is what the test server saw of a call.
type sent struct {
	Method, Path, Query string
	Auth, IfMatch, Key  string
	ContentType         string
	Body                string
}

func TestEndpointsSendTheContract(t *testing.T) {
	title := "Cantine"
	decision := api.DecisionResult{Request: sampleRequest(4, 8), Event: sampleEvent(4, 40, instruct.KindApprove, "ok")}
	tests := []struct {
		name   string
		answer any
		call   func(*Client) (any, error)
		want   sent
	}{
		{"me", instruct.User{ID: "u1", Name: "Camille"},
			func(c *Client) (any, error) { return c.Me(context.Background()) },
			sent{Method: "GET", Path: "/api/v1/me", Auth: "Bearer secret-token"}},
		{"definitions", api.DefinitionList{Definitions: []instruct.Definition{{ID: "api_particulier"}}},
			func(c *Client) (any, error) { return c.Definitions(context.Background()) },
			sent{Method: "GET", Path: "/api/v1/definitions", Auth: "Bearer secret-token"}},
		{"request", sampleRequest(1042, 7),
			func(c *Client) (any, error) { return c.Request(context.Background(), 1042) },
			sent{Method: "GET", Path: "/api/v1/requests/D1042", Auth: "Bearer secret-token"}},
		{"events", api.EventList{Events: []instruct.Event{sampleEvent(1042, 3, instruct.KindSubmit, "")}},
			func(c *Client) (any, error) { return c.Events(context.Background(), 1042) },
			sent{Method: "GET", Path: "/api/v1/requests/D1042/events", Auth: "Bearer secret-token"}},
		{"requests", api.RequestList{Requests: []instruct.Request{sampleRequest(1, 1)}},
			func(c *Client) (any, error) {
				return c.Requests(context.Background(), RequestsQuery{Status: instruct.StatusSubmitted,
					Definition: "api_particulier", Text: "Lyon", After: "D1", Limit: 50})
			},
			sent{Method: "GET", Path: "/api/v1/requests", Auth: "Bearer secret-token",
				Query: "after=D1&definition=api_particulier&limit=50&q=Lyon&status=submitted"}},
		{"changes", api.ChangesPage{Changes: []instruct.FeedItem{{Seq: 9, Request: sampleRequest(2, 2)}}, Cursor: "9"},
			func(c *Client) (any, error) { return c.Changes(context.Background(), "5", 1000) },
			sent{Method: "GET", Path: "/api/v1/changes", Query: "after=5&limit=1000", Auth: "Bearer secret-token"}},
		{"changes from the start", api.ChangesPage{Cursor: "0"},
			func(c *Client) (any, error) { return c.Changes(context.Background(), "", 0) },
			sent{Method: "GET", Path: "/api/v1/changes", Auth: "Bearer secret-token"}},
		{"decide", decision,
			func(c *Client) (any, error) {
				return c.Decide(context.Background(), "0192f3c4-key", 4, 7, api.DecisionInput{Kind: instruct.KindApprove, Comment: "ok"})
			},
			sent{Method: "POST", Path: "/api/v1/requests/D4/decisions", Auth: "Bearer secret-token",
				IfMatch: `"7"`, Key: "0192f3c4-key", ContentType: "application/json",
				Body: `{"kind":"approve","comment":"ok"}`}},
		{"note", api.NoteResult{Event: sampleEvent(4, 41, instruct.KindMessage, "Merci")},
			func(c *Client) (any, error) {
				return c.Note(context.Background(), "k2", 4, api.NoteInput{Kind: instruct.KindMessage, Comment: "Merci"})
			},
			sent{Method: "POST", Path: "/api/v1/requests/D4/notes", Auth: "Bearer secret-token",
				Key: "k2", ContentType: "application/json", Body: `{"kind":"message","comment":"Merci"}`}},
		{"create", sampleRequest(5, 1),
			func(c *Client) (any, error) {
				return c.Create(context.Background(), instruct.RequestPatch{Title: &title})
			},
			sent{Method: "POST", Path: "/api/v1/requests", Auth: "Bearer secret-token",
				ContentType: "application/json", Body: `{"title":"Cantine"}`}},
		{"patch", sampleRequest(5, 2),
			func(c *Client) (any, error) {
				return c.Patch(context.Background(), 5, 1, instruct.RequestPatch{Title: &title})
			},
			sent{Method: "PATCH", Path: "/api/v1/requests/D5", Auth: "Bearer secret-token", IfMatch: `"1"`,
				ContentType: "application/json", Body: `{"title":"Cantine"}`}},
		{"submit", sampleRequest(5, 3),
			func(c *Client) (any, error) { return c.Submit(context.Background(), 5, 2) },
			sent{Method: "POST", Path: "/api/v1/requests/D5/submit", Auth: "Bearer secret-token", IfMatch: `"2"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got sent
			c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				body, _ := io.ReadAll(r.Body)
				got = sent{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
					Auth: r.Header.Get("Authorization"), IfMatch: r.Header.Get(api.HeaderIfMatch),
					Key: r.Header.Get(api.HeaderIdempotencyKey), ContentType: r.Header.Get("Content-Type"),
					Body: string(body)}
				writeJSON(w, http.StatusOK, tt.answer)
			}, Options{MaxRetries: -1})
			res, err := tt.call(c)
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%s sent (-want +got):\n%s", tt.name, diff)
			}
			if diff := cmp.Diff(roundTrip(t, tt.answer), roundTrip(t, res)); diff != "" {
				t.Errorf("%s answer (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

// roundTrip returns v's JSON as a generic value, so that a list wrapper
// and the list it wraps compare by their content.
func roundTrip(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if m, ok := out.(map[string]any); ok && len(m) == 1 {
		for _, key := range []string{"definitions", "events"} {
			if inner, ok := m[key]; ok {
				return inner
			}
		}
	}
	return out
}

func TestHealthNeedsNoToken(t *testing.T) {
	var auth, path string
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		auth, path = r.Header.Get("Authorization"), r.URL.Path
		writeJSON(w, http.StatusOK, api.Health{Status: "ok"})
	}, Options{})
	if err := c.Health(context.Background()); err != nil {
		t.Fatalf("Health() = %v", err)
	}
	if path != "/healthz" || auth != "" {
		t.Errorf("Health() sent path %q with Authorization %q, want /healthz without a token", path, auth)
	}
}

func TestMalformedAnswersAreErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
		call func(*Client) error
	}{
		{"change page without cursor", `{"changes": [], "more": false}`,
			func(c *Client) error { _, err := c.Changes(context.Background(), "", 0); return err }},
		{"change without request", `{"changes": [{"seq": 3}], "cursor": "3"}`,
			func(c *Client) error { _, err := c.Changes(context.Background(), "", 0); return err }},
		{"decision without event", `{"request": {"id": "D1"}}`,
			func(c *Client) error {
				_, err := c.Decide(context.Background(), "k", 1, 1, api.DecisionInput{Kind: instruct.KindApprove})
				return err
			}},
		{"not JSON", `<html>`,
			func(c *Client) error { _, err := c.Me(context.Background()); return err }},
		{"health not ok", `{"status": "degraded"}`,
			func(c *Client) error { return c.Health(context.Background()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, tt.body)
			}, Options{MaxRetries: -1})
			if err := tt.call(c); err == nil {
				t.Errorf("%s: got no error, want the answer refused", tt.name)
			}
		})
	}
}
