package store

import (
	"context"
	"testing"
	"unicode/utf8"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// FuzzSearchText checks that no text typed in the search box reaches the
// user as an SQL or FTS error.
func FuzzSearchText(f *testing.F) {
	for _, seed := range []string{"cantine lyon", "D1042", "216 901", `"`, `*`, `-`, "AND", "(", `a OR b`,
		"NEAR(a b)", "col:lyon", "ly\x00on", "\xff", "é*", `""*`, "^", "'; --"} {
		f.Add(seed)
	}
	s := openTemp(f)
	if err := s.PutDefinitions(context.Background(), testDefinitions()); err != nil {
		f.Fatal(err)
	}
	mustApply(f, s, request(1042, "Ville de Lyon", 12), request(7, "CCAS de Brest", 2))
	f.Fuzz(func(t *testing.T, text string) {
		ctx := context.Background()
		if _, err := s.Queue(ctx, instruct.QueueQuery{Text: text, Limit: 10}); err != nil {
			t.Errorf("Queue(Text: %q) = %v", text, err)
		}
		if _, err := s.Counts(ctx, instruct.QueueQuery{Text: text}); err != nil {
			t.Errorf("Counts(Text: %q) = %v", text, err)
		}
	})
}

// FuzzApplyPage feeds requests and events with arbitrary fields: each page
// is either stored whole, readable back, or refused as invalid leaving the
// cursor where it was.
func FuzzApplyPage(f *testing.F) {
	f.Add(int64(1042), "submitted", "Cantine", "Ville de Lyon", "a@b.fr", "cnaf_enfants", int64(3), int64(1042), int64(10))
	f.Add(int64(1042), "draft", "", "", "", "", int64(0), int64(0), int64(1))
	f.Add(int64(0), "submitted", "t", "o", "e", "s", int64(1), int64(1), int64(2))
	f.Add(int64(-1), "submitted", "t", "o", "e", "s", int64(1), int64(-1), int64(2))
	f.Add(int64(5), "lost", "t", "o", "e", "s", int64(1), int64(5), int64(3))
	f.Add(int64(6), "validated", "\x00\"'*", "(", "-", "AND", int64(-4), int64(7), int64(-1))
	s := openTemp(f)
	f.Fuzz(func(t *testing.T, number int64, status, title, org, email, scope string, version, eventRequest, seq int64) {
		ctx := context.Background()
		id := instruct.RequestID(number)
		r := instruct.Request{ID: id, Definition: "api_particulier", Status: instruct.Status(status), Version: version,
			Title: title, Organization: instruct.Organization{Name: org}, Applicant: instruct.Person{Email: email},
			Scopes: []string{scope}, SubmittedAt: &base, UpdatedAt: base}
		e := instruct.Event{Seq: seq, RequestID: instruct.RequestID(eventRequest), Kind: instruct.KindNote, Comment: title, At: base}
		before, _ := s.Cursor(ctx)
		err := s.ApplyPage(ctx, []instruct.FeedItem{{Seq: seq, Request: r, Events: []instruct.Event{e}}}, "next")
		if err != nil {
			if code := instruct.ErrorCode(err); code != instruct.CodeInvalid {
				t.Fatalf("ApplyPage(%q, %q) = %v, want stored or invalid", id, status, err)
			}
			if after, _ := s.Cursor(ctx); after != before {
				t.Fatalf("Cursor() = %q after a refused page, want %q", after, before)
			}
			return
		}
		got, err := s.Request(ctx, id)
		if err != nil || got.Version < version {
			t.Fatalf("Request(%q) = v%d, %v after ApplyPage, want at least v%d", id, got.Version, err, version)
		}
		if got.Version == version && utf8.ValidString(title) && got.Title != title {
			t.Fatalf("Request(%q).Title = %q, want %q", id, got.Title, title)
		}
		if _, err := s.Events(ctx, id); err != nil {
			t.Fatalf("Events(%q) = %v", id, err)
		}
		if _, err := s.Queue(ctx, instruct.QueueQuery{Text: title}); err != nil {
			t.Fatalf("Queue(Text: %q) = %v", title, err)
		}
	})
}
