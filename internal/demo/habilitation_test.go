package demo

import (
	"slices"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestHabilitationsInTheDemo: in 400 demo requests (what serve --demo
// seeds), every approval issued a habilitation its event names, with IDs
// unique across requests; each validated request holds exactly one
// active habilitation, a revoked one none; and there are reopenings
// waiting with a real change of scopes against the active habilitation,
// obsolete and revoked habilitations, organisations holding several, and
// API Impôt Particulier requests both with and without their
// organisation's FranceConnect habilitation.
func TestHabilitationsInTheDemo(t *testing.T) {
	for _, seed := range []int64{20191231, 3} {
		histories := newTestGenerator(t, seed).Histories(400)
		seen := map[instruct.HabilitationID]bool{}
		bySIRET := map[string][]instruct.Habilitation{}
		counts := map[string]int{}
		for _, h := range histories {
			checkDemoHabilitations(t, h, seen)
			for _, hab := range h.Habilitations {
				bySIRET[hab.Organization.SIRET] = append(bySIRET[hab.Organization.SIRET], hab)
				counts[string(hab.Status)]++
			}
			if h.Request.Reopening && h.Request.Status == instruct.StatusSubmitted {
				active := h.Habilitations[len(h.Habilitations)-1]
				if active.Status != instruct.HabilitationActive || slices.Equal(active.Scopes, h.Request.Scopes) {
					t.Errorf("%s: a reopening waiting with scopes %v against %s %s %v", h.Request.ID, h.Request.Scopes, active.ID, active.Status, active.Scopes)
				}
				counts["waiting reopenings"]++
			}
		}
		for _, h := range histories {
			if h.Request.Definition != impotParticulier || h.Request.Status != instruct.StatusSubmitted {
				continue
			}
			if slices.ContainsFunc(bySIRET[h.Request.Organization.SIRET], func(x instruct.Habilitation) bool {
				return x.Definition == franceConnect && x.Status == instruct.HabilitationActive
			}) {
				counts["impot with franceconnect"]++
			} else {
				counts["impot without franceconnect"]++
			}
		}
		for _, habs := range bySIRET {
			if len(habs) > 1 {
				counts["organisations holding several"]++
			}
		}
		for _, what := range []string{"active", "obsolete", "revoked", "waiting reopenings", "impot with franceconnect",
			"impot without franceconnect", "organisations holding several"} {
			if counts[what] < 2 {
				t.Errorf("seed %d: %d %s in 400 requests, want a few: %v", seed, counts[what], what, counts)
			}
		}
	}
}

// checkDemoHabilitations checks the habilitations of h against its
// events and status; seen holds the IDs of the histories before.
func checkDemoHabilitations(t *testing.T, h instruct.History, seen map[instruct.HabilitationID]bool) {
	t.Helper()
	var named []instruct.HabilitationID
	for _, e := range h.Events {
		if e.Kind == instruct.KindApprove {
			named = append(named, e.HabilitationID)
		}
	}
	var ids []instruct.HabilitationID
	active := 0
	for _, hab := range h.Habilitations {
		if seen[hab.ID] || hab.RequestID != h.Request.ID || hab.Definition != h.Request.Definition {
			t.Errorf("%s: habilitation %s of %s (%s), seen before: %v", h.Request.ID, hab.ID, hab.RequestID, hab.Definition, seen[hab.ID])
		}
		seen[hab.ID] = true
		ids = append(ids, hab.ID)
		if hab.Status == instruct.HabilitationActive {
			active++
		}
	}
	if !slices.Equal(ids, named) || !slices.Equal(ids, h.Request.HabilitationIDs) {
		t.Errorf("%s: habilitations %v, approvals name %v, request holds %v", h.Request.ID, ids, named, h.Request.HabilitationIDs)
	}
	want := map[instruct.Status]int{instruct.StatusValidated: 1}[h.Request.Status]
	if h.Request.Reopening {
		want = 1
	}
	if active != want {
		t.Errorf("%s (%s, reopening %v): %d active habilitations, want %d", h.Request.ID, h.Request.Status, h.Request.Reopening, active, want)
	}
}
