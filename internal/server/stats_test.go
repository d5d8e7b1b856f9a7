package server

import (
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// set moves the clock to t.
func (c *testClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// TestStatsSQLite and TestStatsPostgres: GET /stats gives DataPass's
// figures of the definitions the caller sees, on both engines.
func TestStatsSQLite(t *testing.T) { checkStats(t, newEnv(t)) }

func TestStatsPostgres(t *testing.T) { checkStats(t, newPostgresEnv(t, postgresDSN(t))) }

func checkStats(t *testing.T, e *testEnv) {
	applicant := e.addUser("Camille Martin")
	marie := e.addUser("Marie Dupont", "api_particulier:instructor")
	reporter := e.addUser("Julien Moreau", "*:reporter")
	monday := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	e.now.set(monday)
	approved := applicant.submitted("api_particulier", "Cantine")
	changed := applicant.submitted("api_particulier", "Périscolaire")
	applicant.submitted("api_entreprise", "Marchés publics")
	e.now.set(monday.AddDate(0, 0, 2))
	if res := marie.decide(approved.ID.String(), approved.Version, instruct.KindApprove, ""); res.status != http.StatusCreated {
		t.Fatalf("approve = %d %s", res.status, res.body)
	}
	e.now.set(monday.AddDate(0, 0, 3))
	if res := marie.decide(changed.ID.String(), changed.Version, instruct.KindRequestChanges, "Précisez la finalité."); res.status != http.StatusCreated {
		t.Fatalf("request changes = %d %s", res.status, res.body)
	}
	const week = "/stats?from=2026-11-02&to=2026-11-08"
	particulier := api.StatsFigures{Definition: "api_particulier", Submitted: 2, Validated: 1, ChangesRequested: 1,
		TimeToFirstDecision: api.StatsPercentiles{P50: ptr(2.5), P80: ptr(2.8)},
		TimeToFinalDecision: api.StatsPercentiles{P50: ptr(2.0), P80: ptr(2.0)},
		Weeks:               []api.StatsWeek{{Week: "2026-W45", Submitted: 2, Decided: 2}}}
	entreprise := api.StatsFigures{Definition: "api_entreprise", Submitted: 1, Backlog: 1,
		Weeks: []api.StatsWeek{{Week: "2026-W45", Submitted: 1, Backlog: 1}}}

	got := decodeAs[api.StatsReport](t, marie.do("GET", week, nil), http.StatusOK)
	want := api.StatsReport{From: "2026-11-02", To: "2026-11-08", Definitions: []api.StatsFigures{particulier}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET %s as an instructor of api_particulier (-want +got):\n%s", week, diff)
	}
	got = decodeAs[api.StatsReport](t, reporter.do("GET", week, nil), http.StatusOK)
	want.Definitions = []api.StatsFigures{particulier, entreprise}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET %s as a reporter of everything (-want +got):\n%s", week, diff)
	}
	got = decodeAs[api.StatsReport](t, reporter.do("GET", week+"&definition=api_entreprise", nil), http.StatusOK)
	want.Definitions = []api.StatsFigures{entreprise}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("GET %s&definition=api_entreprise (-want +got):\n%s", week, diff)
	}

	problem(t, applicant.do("GET", "/stats", nil), http.StatusForbidden, instruct.CodeForbidden)
	problem(t, marie.do("GET", "/stats?definition=api_entreprise", nil), http.StatusForbidden, instruct.CodeForbidden)
	problem(t, marie.do("GET", "/stats?definition=nope", nil), http.StatusBadRequest, instruct.CodeInvalid)
	problem(t, marie.do("GET", "/stats?from=yesterday", nil), http.StatusBadRequest, instruct.CodeInvalid)
	problem(t, marie.do("GET", "/stats?from=2026-11-09&to=2026-11-08", nil), http.StatusBadRequest, instruct.CodeInvalid)
}
