package stats

import (
	"math"
	"slices"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Compute returns the figures of each definition of defs, in that order,
// over the histories hs (those of other definitions are ignored) and the
// range r.
func Compute(defs []string, hs []History, r Range) Report {
	w := newWeeks(r)
	accs := make(map[string]*tally, len(defs))
	for _, d := range defs {
		accs[d] = newTally(len(w.ends))
	}
	for i := range hs {
		if t := accs[hs[i].Definition]; t != nil {
			t.add(&hs[i], r, w)
		}
	}
	rep := Report{From: r.From.Format(DateLayout), To: r.To.Format(DateLayout), Definitions: make([]Figures, 0, len(defs))}
	for _, d := range defs {
		rep.Definitions = append(rep.Definitions, accs[d].figures(d, w))
	}
	return rep
}

// tally gathers one definition's figures.
type tally struct {
	f             Figures
	first, final  []int64 // durations in microseconds
	submitted     []int   // per week
	decided       []int   // per week
	backlogDeltas []int   // per week, a request entering or leaving
}

func newTally(weeks int) *tally {
	return &tally{submitted: make([]int, weeks), decided: make([]int, weeks), backlogDeltas: make([]int, weeks+1)}
}

// add counts one request.
func (t *tally) add(h *History, r Range, w weeks) {
	start, end := r.start(), r.end()
	for _, m := range h.Marks {
		if m.At >= start && m.At < end {
			t.count(m, w.index(m.At))
		}
	}
	t.durations(h.Marks, start, end)
	eachWait(h.Marks, func(in, out int64) {
		t.wait(in, out, end, w)
	})
}

// count counts a mark within the range, in its week.
func (t *tally) count(m Mark, week int) {
	switch m.Kind {
	case instruct.KindSubmit:
		t.f.Submitted++
		t.submitted[week]++
	case instruct.KindApprove:
		t.f.Validated++
	case instruct.KindRefuse:
		t.f.Refused++
	case instruct.KindRequestChanges:
		t.f.ChangesRequested++
	}
	if firstDecision(m.Kind) {
		t.decided[week]++
	}
}

// durations records the times to the first and final decisions of a
// request first submitted within [start, end).
func (t *tally) durations(marks []Mark, start, end int64) {
	i := slices.IndexFunc(marks, func(m Mark) bool { return m.Kind == instruct.KindSubmit })
	if i < 0 || marks[i].At < start || marks[i].At >= end {
		return
	}
	submitted := marks[i].At
	var firstDone, finalDone bool
	for _, m := range marks[i+1:] {
		if !firstDone && firstDecision(m.Kind) {
			firstDone = true
			t.first = appendDuration(t.first, m.At-submitted)
		}
		if !finalDone && finalDecision(m.Kind) {
			finalDone = true
			t.final = appendDuration(t.final, m.At-submitted)
		}
	}
}

func appendDuration(ds []int64, d int64) []int64 {
	if d < minDuration {
		return ds
	}
	return append(ds, d)
}

// wait records a request waiting for a reviewer from in until out
// (math.MaxInt64 while it still waits): in the backlog of every week
// that ends while it waits, and of the range if it waits at its end.
func (t *tally) wait(in, out, end int64, w weeks) {
	if in < end && out >= end {
		t.f.Backlog++
	}
	from, to := w.after(in), w.after(out)
	if from < to {
		t.backlogDeltas[from]++
		t.backlogDeltas[to]--
	}
}

// eachWait calls fn with each span a request waits for a reviewer: from
// a submit to what answers it, out being math.MaxInt64 while it waits.
func eachWait(marks []Mark, fn func(in, out int64)) {
	waiting, since := false, int64(0)
	for _, m := range marks {
		switch {
		case m.Kind == instruct.KindSubmit && !waiting:
			waiting, since = true, m.At
		case leavesBacklog(m.Kind) && waiting:
			fn(since, m.At)
			waiting = false
		}
	}
	if waiting {
		fn(since, math.MaxInt64)
	}
}

// figures returns the definition's figures.
func (t *tally) figures(def string, w weeks) Figures {
	f := t.f
	f.Definition = def
	f.TimeToFirstDecision = percentiles(t.first)
	f.TimeToFinalDecision = percentiles(t.final)
	f.Weeks = make([]Week, len(w.labels))
	backlog := 0
	for i, label := range w.labels {
		backlog += t.backlogDeltas[i]
		f.Weeks[i] = Week{Week: label, Submitted: t.submitted[i], Decided: t.decided[i], Backlog: backlog}
	}
	return f
}

// microsPerDay is a day in microseconds.
const microsPerDay = 86400e6

// percentiles returns the p50 and p80 of durations, in days rounded to
// the hundredth; it sorts ds.
func percentiles(ds []int64) Percentiles {
	if len(ds) == 0 {
		return Percentiles{}
	}
	slices.Sort(ds)
	return Percentiles{P50: days(percentile(ds, 0.5)), P80: days(percentile(ds, 0.8))}
}

// percentile is PostgreSQL's percentile_cont of sorted values: linear
// between the two ranks around p·(n-1).
func percentile(sorted []int64, p float64) float64 {
	rank := p * float64(len(sorted)-1)
	lo := int(math.Floor(rank))
	if lo+1 >= len(sorted) {
		return float64(sorted[lo])
	}
	frac := rank - float64(lo)
	return float64(sorted[lo]) + frac*float64(sorted[lo+1]-sorted[lo])
}

func days(us float64) *float64 {
	d := math.Round(us/microsPerDay*100) / 100
	return &d
}
