package backoff

import (
	"testing"
	"time"
)

func TestCeiling(t *testing.T) {
	const lo, hi = 200 * time.Millisecond, 10 * time.Second
	tests := []struct {
		n    int
		want time.Duration
	}{
		{0, 200 * time.Millisecond},
		{1, 400 * time.Millisecond},
		{3, 1600 * time.Millisecond},
		{5, 6400 * time.Millisecond},
		{6, 10 * time.Second},
		{200, 10 * time.Second},
		{1 << 40, 10 * time.Second},
		{-1, 200 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := Ceiling(tt.n, lo, hi); got != tt.want {
			t.Errorf("Ceiling(%d, %v, %v) = %v, want %v", tt.n, lo, hi, got, tt.want)
		}
	}
	if got := Ceiling(3, time.Second, time.Millisecond); got != time.Second {
		t.Errorf("Ceiling(3, 1s, 1ms) = %v, want 1s: a cap below the minimum means the minimum", got)
	}
}

func TestJitterStaysInUpperHalf(t *testing.T) {
	for _, d := range []time.Duration{0, 1, 2, 3, time.Millisecond, 2 * time.Minute} {
		seen := map[time.Duration]bool{}
		for range 1000 {
			got := Jitter(d)
			if got < d/2 || got > d {
				t.Fatalf("Jitter(%v) = %v, want within [%v, %v]", d, got, d/2, d)
			}
			seen[got] = true
		}
		if d >= time.Millisecond && len(seen) < 100 {
			t.Errorf("Jitter(%v) drew %d distinct waits in 1000, want them spread", d, len(seen))
		}
	}
}

// ceilings returns a Backoff whose waits are their ceilings.
func ceilings(lo, hi time.Duration) *Backoff {
	return &Backoff{Min: lo, Max: hi, Draw: func(c time.Duration) time.Duration { return c }}
}

func TestNextDoublesUpToTheCapAndResetStartsOver(t *testing.T) {
	b := ceilings(time.Second, 5*time.Second)
	var got []time.Duration
	for range 5 {
		got = append(got, b.Next())
	}
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Next() × 5 = %v, want %v", got, want)
		}
	}
	if b.Failures() != 5 {
		t.Errorf("Failures() = %d, want 5", b.Failures())
	}
	b.Reset()
	if b.Failures() != 0 {
		t.Errorf("Failures() after Reset = %d, want 0", b.Failures())
	}
	if first := b.Next(); first != time.Second {
		t.Errorf("Next() after Reset = %v, want the minimum, 1s", first)
	}
}

func TestNextIsJitteredByDefault(t *testing.T) {
	b := Backoff{Min: time.Second, Max: time.Minute}
	seen := map[time.Duration]bool{}
	for range 50 {
		d := b.Next()
		if d < time.Second/2 || d > time.Minute {
			t.Fatalf("Next() = %v, want within [0.5s, 1m]", d)
		}
		seen[d] = true
		b.Reset()
	}
	if len(seen) < 10 {
		t.Errorf("50 first waits took %d distinct values, want them jittered", len(seen))
	}
}
