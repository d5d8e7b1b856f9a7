package statsview

import (
	"context"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/stats"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// Source is where the screen reads its figures: the cache, which gives
// the statistics' histories and the requests waiting longest.
type Source interface {
	stats.Source
	Request(ctx context.Context, id instruct.RequestID) (instruct.Request, error)
}

// Data is what the screen draws, computed from the cache in a command.
type Data struct {
	// API is the definition the figures are filtered by, "" for all.
	API    string
	Report stats.Report
	// APIs are the definitions the reviewer sees, in catalogue order,
	// with their names (sanitised): what f offers.
	APIs  []string
	Names map[string]string
	// Longest are the requests waiting longest for a reviewer.
	Longest []Waiting
	// Mine is how many decisions the reviewer made this week.
	Mine int
}

// Waiting is a request in the backlog, as the list shows it.
type Waiting struct {
	ID           instruct.RequestID
	Organization string // sanitised
	API          string // the definition's name, sanitised
	Since        time.Time
}

// LongestShown is how many of the requests waiting longest the screen
// lists at most.
const LongestShown = 20

// Load computes the screen's data from src at now: the statistics of the
// default range (stats.ParseRange) for api ("" for every API the
// reviewer sees), the requests waiting longest, and the reviewer's
// decisions since the start of the week in zone loc.
func Load(ctx context.Context, src Source, api string, now time.Time, loc *time.Location) (Data, error) {
	r, err := stats.ParseRange("", "", now)
	if err != nil {
		return Data{}, err
	}
	rep, hs, err := stats.Load(ctx, src, api, r)
	if err != nil {
		return Data{}, err
	}
	me, err := src.Me(ctx)
	if err != nil {
		return Data{}, err
	}
	catalogue, err := src.Definitions(ctx)
	if err != nil {
		return Data{}, err
	}
	d := Data{API: api, Report: rep, Names: map[string]string{}}
	d.APIs, _ = stats.Definitions(me, catalogue, "")
	for _, def := range catalogue {
		d.Names[def.ID] = sanitize.Line(def.Name)
	}
	keep := shown(rep)
	week := stats.WeekStart(now.In(loc)).UnixMicro()
	d.Mine = stats.Decided(hs, me.ID, week, now.UnixMicro()+1, keep)
	d.Longest, err = longest(ctx, src, stats.Longest(hs, LongestShown, keep), d.Names)
	return d, err
}

// shown returns whether a definition is among the report's.
func shown(rep stats.Report) func(string) bool {
	defs := map[string]bool{}
	for _, f := range rep.Definitions {
		defs[f.Definition] = true
	}
	return func(def string) bool { return defs[def] }
}

// longest names the organisation of each waiting request.
func longest(ctx context.Context, src Source, waits []stats.Wait, names map[string]string) ([]Waiting, error) {
	out := make([]Waiting, 0, len(waits))
	for _, w := range waits {
		req, err := src.Request(ctx, w.Request)
		if err != nil {
			return nil, err
		}
		out = append(out, Waiting{ID: w.Request, Organization: sanitize.Line(req.Organization.Name),
			API: names[w.Definition], Since: time.UnixMicro(w.Since)})
	}
	return out, nil
}

// totals sums the report's figures over its definitions, week by week.
func totals(rep stats.Report) stats.Figures {
	var t stats.Figures
	for i, f := range rep.Definitions {
		t.Submitted += f.Submitted
		t.Validated += f.Validated
		t.Refused += f.Refused
		t.ChangesRequested += f.ChangesRequested
		t.Backlog += f.Backlog
		if i == 0 {
			t.Weeks = append([]stats.Week(nil), f.Weeks...)
			continue
		}
		for j, w := range f.Weeks {
			t.Weeks[j].Submitted += w.Submitted
			t.Weeks[j].Decided += w.Decided
			t.Weeks[j].Backlog += w.Backlog
		}
	}
	return t
}
