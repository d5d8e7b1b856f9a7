package instruct

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestParseRequestID(t *testing.T) {
	tests := []struct {
		in    string
		want  RequestID
		input bool // accepted by ParseRequestIDInput only
	}{
		{in: "D1042", want: 1042},
		{in: "D1", want: 1},
		{in: "D9223372036854775807", want: math.MaxInt64},
		{in: "d1042", want: 1042, input: true},
		{in: "1042", want: 1042, input: true},
		{in: "D0042", want: 42, input: true},
		{in: ""}, {in: "D"}, {in: "d"}, {in: "D0"}, {in: "0"}, {in: "D-1"}, {in: "-1"}, {in: "D+1"},
		{in: "D1042\n"}, {in: " D1042"}, {in: "D1042 "}, {in: "D10 42"}, {in: "H1042"}, {in: "DD1042"},
		{in: "D1e3"}, {in: "D0x10"}, {in: "D1_000"}, {in: "D١٠٤٢"}, {in: "D１０４２"}, {in: "D1042\x00"},
		{in: "D9223372036854775808"}, {in: "D99999999999999999999"}, {in: "D" + strings.Repeat("9", 10000)},
		{in: "D" + strings.Repeat("0", 30) + "1"},
	}
	for _, tt := range tests {
		got, err := ParseRequestID(tt.in)
		if strict := tt.want != 0 && !tt.input; (err == nil) != strict || (strict && got != tt.want) || (!strict && got != 0) {
			t.Errorf("ParseRequestID(%.40q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, strict)
		}
		got, err = ParseRequestIDInput(tt.in)
		if ok := tt.want != 0; (err == nil) != ok || got != tt.want {
			t.Errorf("ParseRequestIDInput(%.40q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, ok)
		}
		if err != nil && ErrorCode(err) != CodeNotFound {
			t.Errorf("ParseRequestIDInput(%.40q) code = %q, want not_found", tt.in, ErrorCode(err))
		}
	}
}

// A rejected ID is named in the error quoted (no control character
// raw), and a long one only by its length.
func TestParseRequestIDErrorIsSafe(t *testing.T) {
	_, err := ParseRequestID("D1\x1b[2J")
	if err == nil || strings.ContainsRune(err.Error(), '\x1b') || !strings.Contains(err.Error(), `"D1\x1b[2J"`) {
		t.Errorf("error = %v, want the input quoted with its escape shown as \\x1b", err)
	}
	_, err = ParseRequestID(strings.Repeat("D", 1<<20))
	if err == nil || len(err.Error()) > 200 {
		t.Errorf("error on 1 MiB of text is %d bytes long, want a short one", len(err.Error()))
	}
}

func TestRequestIDText(t *testing.T) {
	for _, id := range []RequestID{1, 1042, math.MaxInt64} {
		text := id.String()
		back, err := ParseRequestID(text)
		if err != nil || back != id {
			t.Errorf("ParseRequestID(%q) = %d, %v; want %d", text, back, err, id)
		}
	}
	if got := RequestID(1042).String(); got != "D1042" {
		t.Errorf("RequestID(1042).String() = %q, want D1042", got)
	}
	if got := RequestID(0).String(); got != "" {
		t.Errorf("RequestID(0).String() = %q, want empty", got)
	}
}

// On the wire a request ID is the string "D1042", exactly as when the
// field was a string; the zero ID is "".
func TestRequestIDJSON(t *testing.T) {
	tests := []struct {
		event Event
		json  string
	}{
		{Event{Seq: 5, RequestID: 1042, Kind: KindNote}, `"request_id":"D1042"`},
		{Event{Seq: 5, Kind: KindNote}, `"request_id":""`},
	}
	for _, tt := range tests {
		data, err := json.Marshal(tt.event)
		if err != nil || !strings.Contains(string(data), tt.json) {
			t.Fatalf("json.Marshal = %s, %v; want it to hold %s", data, err, tt.json)
		}
		var back Event
		if err := json.Unmarshal(data, &back); err != nil || back.RequestID != tt.event.RequestID {
			t.Errorf("json.Unmarshal(%s) = %d, %v; want %d", data, back.RequestID, err, tt.event.RequestID)
		}
	}
	for _, bad := range []string{`"d1042"`, `"1042"`, `"D-1"`, `"D0"`, `1042`, `"D1042\n"`, `"D99999999999999999999"`, `null`} {
		var id RequestID
		err := json.Unmarshal([]byte(bad), &id)
		if bad == `null` {
			if err != nil || id != 0 {
				t.Errorf("json.Unmarshal(null) = %d, %v; want 0, nil", id, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("json.Unmarshal(%s) = %d, want an error", bad, id)
		}
	}
}

func TestRequestIDDatabaseValue(t *testing.T) {
	v, err := RequestID(1042).Value()
	if err != nil || v != int64(1042) {
		t.Errorf("Value() = %#v, %v; want int64(1042)", v, err)
	}
	var id RequestID
	if err := id.Scan(int64(7)); err != nil || id != 7 {
		t.Errorf("Scan(int64(7)) = %d, %v; want 7", id, err)
	}
	if err := id.Scan("D7"); err == nil {
		t.Error("Scan(\"D7\") succeeded, want an error: the column holds numbers")
	}
}

// FuzzParseRequestID: whatever the text, parsing never panics, accepts
// only what String gives back byte for byte, and the lenient reading
// agrees with the strict one on what both accept.
func FuzzParseRequestID(f *testing.F) {
	for _, s := range []string{"D1042", "d1042", "1042", "D0", "D-1", "D9223372036854775808", "D١٠٤٢", "D1042\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseRequestID(s)
		if err == nil && (id <= 0 || id.String() != s) {
			t.Fatalf("ParseRequestID(%q) = %d, whose text is %q", s, id, id.String())
		}
		loose, lerr := ParseRequestIDInput(s)
		if err == nil && (lerr != nil || loose != id) {
			t.Fatalf("ParseRequestIDInput(%q) = %d, %v; ParseRequestID gave %d", s, loose, lerr, id)
		}
		if lerr == nil && loose <= 0 {
			t.Fatalf("ParseRequestIDInput(%q) = %d", s, loose)
		}
		var text RequestID
		if uerr := text.UnmarshalText([]byte(s)); s != "" && (uerr == nil) != (err == nil) {
			t.Fatalf("UnmarshalText(%q) = %v but ParseRequestID = %v", s, uerr, err)
		}
	})
}
