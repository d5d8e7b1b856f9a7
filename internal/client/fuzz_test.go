package client

import (
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

func FuzzProblemError(f *testing.F) {
	f.Add(412, []byte(`{"code":"stale_version","detail":"x","current":{"id":"D1","version":3},"events_since":[{"seq":4}]}`))
	f.Add(422, []byte(`{"code":"comment_required","detail":"a comment is required"}`))
	f.Add(500, []byte(`{"code":"internal","request_id":"abc"}`))
	f.Add(502, []byte(`<html>bad gateway</html>`))
	f.Add(409, []byte(`{"code":null}`))
	f.Add(-1, []byte(`{"code":"invalid","detail":"\u0000\ud800"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		err := problemError(status, body)
		if err == nil {
			t.Fatalf("problemError(%d, %q) = nil, want an error", status, body)
		}
		if code := instruct.ErrorCode(err); !knownCode(code) {
			t.Errorf("problemError(%d, %q) has code %q, not one of the contract", status, body, code)
		}
		if len(instruct.ErrorMessage(err)) > cells.MaxBytesPerCell*maxDetail+200 {
			t.Errorf("problemError(%d, …) message is %d bytes", status, len(instruct.ErrorMessage(err)))
		}
	})
}

func FuzzDecodeChangesPage(f *testing.F) {
	f.Add([]byte(`{"changes":[{"seq":5012,"request":{"id":"D1","version":2},"events":[{"seq":5012,"kind":"approve","diff":{"scopes":[["a"],["a","b"]]}}]}],"cursor":"5012","more":true}`))
	f.Add([]byte(`{"changes":null,"cursor":"0","more":false}`))
	f.Add([]byte(`{"changes":[{"seq":1,"request":{"id":""}}],"cursor":"1"}`))
	f.Add([]byte(`{"cursor":1e400}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		page, err := decodeChangesPage(body)
		if err != nil {
			return
		}
		if page.Cursor == "" {
			t.Errorf("decodeChangesPage(%q) accepted a page without a cursor", body)
		}
		for _, item := range page.Changes {
			if item.Request.ID == 0 {
				t.Errorf("decodeChangesPage(%q) accepted an item without a request", body)
			}
		}
	})
}

func FuzzDecodeDecisionResult(f *testing.F) {
	f.Add([]byte(`{"request":{"id":"D1","status":"validated","version":8},"event":{"seq":9,"kind":"approve","at":"2026-03-02T09:00:00Z"}}`))
	f.Add([]byte(`{"request":{"id":"D1","submitted_at":"not a time"},"event":{"kind":"approve"}}`))
	f.Add([]byte(`{"event":{"kind":"approve"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := decodeDecisionResult(body)
		if err == nil && (res.Request.ID == 0 || res.Event.Kind == "") {
			t.Errorf("decodeDecisionResult(%q) accepted %+v", body, res)
		}
	})
}

func FuzzEventReader(f *testing.F) {
	f.Add("event: change\ndata: {\"seq\": 5}\n\n")
	f.Add(": ping\r\n\r\nevent: change\rdata: x\r\r")
	f.Add("\ufeffdata\n\ndata:\ndata\n\n")
	f.Add("event: change\r")
	f.Fuzz(func(t *testing.T, input string) {
		events, err := readAllEvents(strings.NewReader(input))
		if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !strings.Contains(err.Error(), "too long") {
			t.Errorf("events of %q: unexpected error %v", input, err)
		}
		for _, ev := range events {
			if ev.name == "" {
				t.Errorf("events of %q: an event without a name", input)
			}
			if strings.ContainsAny(ev.name, "\r\n") {
				t.Errorf("events of %q: name %q spans lines", input, ev.name)
			}
		}
	})
}

func FuzzRetryAfter(f *testing.F) {
	f.Add("120")
	f.Add("Wed, 21 Oct 2026 07:28:00 GMT")
	f.Add("-1")
	f.Fuzz(func(t *testing.T, header string) {
		d, ok := retryAfter(header, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if ok && (d < 0 || d > maxRetryAfter) {
			t.Errorf("retryAfter(%q) = %v, want within [0, %v]", header, d, maxRetryAfter)
		}
	})
}
