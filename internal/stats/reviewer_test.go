package stats

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

func TestLongestAndDecided(t *testing.T) {
	const s, a, c = instruct.KindSubmit, instruct.KindApprove, instruct.KindRequestChanges
	hs := []History{
		{Request: 1, Definition: "p", Marks: []Mark{mark(s, at(1, 9)), mark(c, at(2, 9)), mark(s, at(9, 9))}},
		{Request: 2, Definition: "p", Marks: []Mark{mark(s, at(3, 9))}},
		{Request: 3, Definition: "e", Marks: []Mark{mark(s, at(2, 9))}},
		{Request: 4, Definition: "p", Marks: []Mark{mark(s, at(3, 9))}},
		{Request: 5, Definition: "p", Marks: []Mark{mark(s, at(1, 9)), {Kind: a, At: at(5, 9), Actor: "me"}}},
	}
	// Request 1 waits since its resubmission on the 9th, not since the 1st.
	want := []Wait{{Request: 2, Definition: "p", Since: at(3, 9)}, {Request: 4, Definition: "p", Since: at(3, 9)}, {Request: 1, Definition: "p", Since: at(9, 9)}}
	if got := Longest(hs, 5, func(d string) bool { return d == "p" }); !cmp.Equal(got, want) {
		t.Errorf("Longest(p) = %v, want %v", got, want)
	}
	if got := Longest(hs, 1, nil); len(got) != 1 || got[0].Request != 3 {
		t.Errorf("Longest(1) = %v, want request 3", got)
	}
	if got := Decided(hs, "me", at(5, 0), at(6, 0), nil); got != 1 {
		t.Errorf("Decided(me) = %d, want 1", got)
	}
	if got := Decided(hs, "u1", at(1, 0), at(30, 0), nil); got != 1 {
		t.Errorf("Decided(u1) = %d, want 1 (the request for changes)", got)
	}
}

func TestParseRange(t *testing.T) {
	today := time.Date(2026, 10, 15, 17, 0, 0, 0, time.UTC) // a Thursday
	tests := []struct {
		name, from, to string
		want           string
		wantErr        bool
	}{
		{name: "defaults: twelve weeks to today", want: "2026-07-27..2026-10-15"},
		{name: "given", from: "2026-10-01", to: "2026-10-02", want: "2026-10-01..2026-10-02"},
		{name: "one day", from: "2026-10-01", to: "2026-10-01", want: "2026-10-01..2026-10-01"},
		{name: "from after to", from: "2026-10-03", to: "2026-10-02", wantErr: true},
		{name: "not a date", from: "yesterday", wantErr: true},
		{name: "too long", from: "2020-01-01", to: "2026-01-01", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRange(tt.from, tt.to, today)
			if tt.wantErr {
				if instruct.ErrorCode(err) != instruct.CodeInvalid {
					t.Fatalf("ParseRange(%q, %q) = %v, want an invalid error", tt.from, tt.to, err)
				}
				return
			}
			if err != nil || r.String() != tt.want {
				t.Errorf("ParseRange(%q, %q) = %v, %v, want %s", tt.from, tt.to, r, err, tt.want)
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	day := int64(microsPerDay)
	if p := percentiles([]int64{3 * day}); *p.P50 != 3 || *p.P80 != 3 {
		t.Errorf("percentiles(one) = %v, %v, want 3, 3", *p.P50, *p.P80)
	}
	p := percentiles([]int64{4 * day, 1 * day, 2 * day, 3 * day, 10 * day})
	if *p.P50 != 3 || *p.P80 != 5.2 {
		t.Errorf("percentiles = %v, %v, want 3, 5.2", *p.P50, *p.P80)
	}
}
