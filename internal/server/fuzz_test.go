package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// checkInvalid fails unless err is nil or an *instruct.Error of one of
// the codes.
func checkInvalid(t *testing.T, input string, err error, codes ...instruct.Code) {
	t.Helper()
	if err == nil {
		return
	}
	var e *instruct.Error
	if !errors.As(err, &e) {
		t.Fatalf("decode(%q) = %T %v, want an *instruct.Error", input, err, err)
	}
	if !strings.Contains(strings.Join(codesText(codes), " "), string(e.Code)) {
		t.Fatalf("decode(%q) = code %s, want one of %v", input, e.Code, codes)
	}
}

func codesText(codes []instruct.Code) []string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = string(c)
	}
	return out
}

// FuzzDecodeDecision: any body gives a decision or an invalid error, and
// a decision read survives a round trip.
func FuzzDecodeDecision(f *testing.F) {
	for _, s := range []string{`{"kind":"approve"}`, `{"kind":"refuse","comment":"Hors cadre"}`, `{"kind":"note"}`,
		`{"kind":"approve","x":1}`, `{"kind":1}`, `{"kind":"approve"} []`, ``, `null`, `[`, `{"comment":"\ud800"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := decodeDecision(bytes.NewReader(body))
		checkInvalid(t, string(body), err, instruct.CodeInvalid)
		if err != nil {
			return
		}
		if !in.Kind.IsDecision() {
			t.Fatalf("decodeDecision(%q) accepted kind %q", body, in.Kind)
		}
		again, _ := json.Marshal(in)
		back, err := decodeDecision(bytes.NewReader(again))
		if err != nil || back != in {
			t.Fatalf("round trip of %q = %+v, %v; want %+v", body, back, err, in)
		}
	})
}

// FuzzDecodeNote: any body gives a note or message, or an invalid error.
func FuzzDecodeNote(f *testing.F) {
	for _, s := range []string{`{"kind":"note","comment":"RAS"}`, `{"kind":"message","comment":""}`, `{"kind":"approve"}`, `{}`, `"note"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		in, err := decodeNote(bytes.NewReader(body))
		checkInvalid(t, string(body), err, instruct.CodeInvalid)
		if err == nil && !in.Kind.IsNote() {
			t.Fatalf("decodeNote(%q) accepted kind %q", body, in.Kind)
		}
	})
}

// FuzzDecodePatch: any body gives a patch or an invalid error, and a
// patch read survives a round trip.
func FuzzDecodePatch(f *testing.F) {
	seed, _ := json.Marshal(fullPatch("api_particulier", "Cantine"))
	for _, s := range []string{string(seed), `{"title":"x"}`, `{"scopes":null}`, `{"retention_months":"12"}`,
		`{"organization":{"siret":"1","bad":true}}`, `{"contacts":[{}]}`, `{} {}`, `{"title":"a","title":"b"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := decodePatch(bytes.NewReader(body))
		checkInvalid(t, string(body), err, instruct.CodeInvalid)
		if err != nil {
			return
		}
		again, _ := json.Marshal(p)
		back, err := decodePatch(bytes.NewReader(again))
		if err != nil {
			t.Fatalf("round trip of %q: %v", body, err)
		}
		if diff := cmp.Diff(p, back); diff != "" {
			t.Fatalf("round trip of %q (-first +second):\n%s", body, diff)
		}
	})
}

// FuzzParseCursor: any text is a cursor or invalid; a cursor read writes
// back to text that reads the same.
func FuzzParseCursor(f *testing.F) {
	for _, s := range []string{"", "0", "5012.ab12cd34", "5012.4000.ab12cd34", "4000.5012.ab12cd34", "-1.ab12cd34",
		"+5.ab12cd34", "5.AB12CD34", "5..ab12cd34", "99999999999999999999.ab12cd34", "5012"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		checkInvalid(t, s, err, instruct.CodeInvalid)
		if err != nil {
			return
		}
		if c.seq < 0 || c.base < 0 || c.base > c.seq {
			t.Fatalf("parseCursor(%q) = %+v, want 0 <= base <= seq", s, c)
		}
		if c.seq == 0 && c.base == 0 {
			return
		}
		back, err := parseCursor(c.String())
		if err != nil || back != c {
			t.Fatalf("parseCursor(%q).String() = %q reads %+v, %v; want %+v", s, c.String(), back, err, c)
		}
	})
}

// FuzzParseIfMatch: any header is a positive version, invalid, or (when
// blank) precondition_required.
func FuzzParseIfMatch(f *testing.F) {
	for _, s := range []string{`"7"`, `7`, `W/"7"`, `*`, `"7", "8"`, `""`, `"-1"`, `"+7"`, ` "7" `, `"9223372036854775808"`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		v, err := parseIfMatch(h)
		if strings.TrimSpace(h) == "" {
			if instruct.ErrorCode(err) != instruct.CodePreconditionRequired {
				t.Fatalf("parseIfMatch(%q) = %v, want precondition_required", h, err)
			}
			return
		}
		checkInvalid(t, h, err, instruct.CodeInvalid)
		if err == nil && v <= 0 {
			t.Fatalf("parseIfMatch(%q) = %d, want a positive version", h, v)
		}
		if err == nil {
			if back, err := parseIfMatch(etag(v)); err != nil || back != v {
				t.Fatalf("parseIfMatch(etag(%d)) = %d, %v", v, back, err)
			}
		}
	})
}

// TestParseIfMatch names the forms accepted and refused.
func TestParseIfMatch(t *testing.T) {
	tests := []struct {
		header string
		want   int64
		code   instruct.Code
	}{
		{`"7"`, 7, ""},
		{`7`, 7, ""},
		{` "12" `, 12, ""},
		{``, 0, instruct.CodePreconditionRequired},
		{`W/"7"`, 0, instruct.CodeInvalid},
		{`*`, 0, instruct.CodeInvalid},
		{`"7", "8"`, 0, instruct.CodeInvalid},
		{`"0"`, 0, instruct.CodeInvalid},
		{`"-7"`, 0, instruct.CodeInvalid},
	}
	for _, tt := range tests {
		got, err := parseIfMatch(tt.header)
		if got != tt.want || instruct.ErrorCode(err) != tt.code {
			t.Errorf("parseIfMatch(%q) = %d, %v; want %d, code %q", tt.header, got, err, tt.want, tt.code)
		}
	}
}
