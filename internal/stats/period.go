package stats

import (
	"fmt"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Range is the span of days the statistics cover, in UTC: from the
// start of From to the end of To.
type Range struct {
	From, To time.Time // midnights UTC, To included
}

// DateLayout is how a range's days are written: 2026-10-01.
const DateLayout = time.DateOnly

// DefaultWeeks is how many ISO weeks a range covers when it names no
// start: the week of its end and the eleven before.
const DefaultWeeks = 12

// MaxDays is the longest range accepted (about three years).
const MaxDays = 3 * 366

// ParseRange reads a range from its dates as the API and the command
// take them, either may be empty: to defaults to today (UTC), from to
// the Monday DefaultWeeks-1 weeks before to's week. A date not in the
// layout, a start after the end or a range over MaxDays is invalid.
func ParseRange(from, to string, today time.Time) (Range, error) {
	end, err := parseDay("to", to, day(today))
	if err != nil {
		return Range{}, err
	}
	start, err := parseDay("from", from, monday(end).AddDate(0, 0, -7*(DefaultWeeks-1)))
	if err != nil {
		return Range{}, err
	}
	if start.After(end) {
		return Range{}, instruct.Errorf(instruct.CodeInvalid, "from (%s) is after to (%s)", from, end.Format(DateLayout))
	}
	if end.Sub(start) > MaxDays*24*time.Hour {
		return Range{}, instruct.Errorf(instruct.CodeInvalid, "the range is longer than %d days", MaxDays)
	}
	return Range{From: start, To: end}, nil
}

func parseDay(name, text string, fallback time.Time) (time.Time, error) {
	if text == "" {
		return fallback, nil
	}
	t, err := time.Parse(DateLayout, text)
	if err != nil {
		return time.Time{}, instruct.Errorf(instruct.CodeInvalid, "%s must be a date such as 2026-10-01, not %q", name, text)
	}
	return t, nil
}

// day returns the midnight UTC that starts t's day.
func day(t time.Time) time.Time {
	y, m, d := t.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// monday returns the midnight that starts t's ISO week, in t's zone.
func monday(t time.Time) time.Time {
	y, m, d := t.Date()
	start := time.Date(y, m, d, 0, 0, 0, 0, t.Location())
	return start.AddDate(0, 0, -(int(t.Weekday())+6)%7)
}

// WeekStart returns the start of the ISO week holding t, in t's zone:
// what "this week" means to a reviewer in that zone.
func WeekStart(t time.Time) time.Time { return monday(t) }

// start and end return the range's bounds in microseconds, end excluded.
func (r Range) start() int64 { return micros(r.From) }
func (r Range) end() int64   { return micros(r.To.AddDate(0, 0, 1)) }

// String returns the range as from..to.
func (r Range) String() string {
	return fmt.Sprintf("%s..%s", r.From.Format(DateLayout), r.To.Format(DateLayout))
}

// weeks is the range cut into ISO weeks: each week's label and the
// exclusive end of its part of the range.
type weeks struct {
	first  int64 // the Monday starting the first week, in microseconds
	labels []string
	ends   []int64
}

func newWeeks(r Range) weeks {
	w := weeks{first: micros(monday(r.From))}
	end := r.end()
	for m := monday(r.From); micros(m) < end; m = m.AddDate(0, 0, 7) {
		y, n := m.ISOWeek()
		w.labels = append(w.labels, fmt.Sprintf("%04d-W%02d", y, n))
		w.ends = append(w.ends, min(micros(m.AddDate(0, 0, 7)), end))
	}
	return w
}

// weekMicros is the length of a week in microseconds.
const weekMicros = int64(7 * 24 * time.Hour / time.Microsecond)

// index returns the week holding at, which lies within the range.
func (w weeks) index(at int64) int { return int((at - w.first) / weekMicros) }

// after returns the first week whose end is later than at, or len(ends).
func (w weeks) after(at int64) int {
	lo, hi := 0, len(w.ends)
	for lo < hi {
		mid := (lo + hi) / 2
		if w.ends[mid] > at {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}
