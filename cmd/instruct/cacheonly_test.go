package main

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
)

// plainRequest returns request id of API Particulier in status, submitted
// and last changed at the times given.
func plainRequest(id instruct.RequestID, status instruct.Status, submitted, changed time.Time) instruct.Request {
	return instruct.Request{ID: id, Definition: "api_particulier", Status: status, Version: 3,
		Title: "Cantine scolaire", Organization: instruct.Organization{SIRET: "21690123100011", Name: "Ville de Lyon", City: "Lyon"},
		Applicant: instruct.Person{Name: "Agnès Lambert", Email: "agnes.lambert@mairie-lyon.fr"},
		Scopes:    []string{"cnaf_quotient_familial"}, RetentionMonths: 12,
		CreatedAt: submitted.Add(-time.Hour), SubmittedAt: &submitted, UpdatedAt: changed}
}

// seedCatalogue writes the default catalogue into the cache at path, as a
// sync would.
func seedCatalogue(t *testing.T, path string) {
	t.Helper()
	defs, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.PutDefinitions(context.Background(), defs); err != nil {
		t.Fatal(err)
	}
}

// TestListAndShowFromACacheAlone: with only --cache, and neither server,
// token nor config file, ls, show and decide work on the cache; with no
// cache there, each fails naming the file and creates none.
func TestListAndShowFromACacheAlone(t *testing.T) {
	box := newSandbox(t)
	cache := box.path("cache.db")
	day := 24 * time.Hour
	now := time.Now()
	seedCache(t, cache, plainRequest(1, instruct.StatusSubmitted, now.Add(-3*day), now.Add(-3*day)))

	if ls := box.must("ls", "--cache", cache); !strings.Contains(ls.stdout, "D1") {
		t.Errorf("ls --cache lacks D1:\n%s", ls.stdout)
	}
	if show := box.must("show", "D1", "--cache", cache); !strings.Contains(show.stdout, "Ville de Lyon") {
		t.Errorf("show --cache lacks the organisation:\n%s", show.stdout)
	}
	box.with("INSTRUCT_CACHE="+cache).must("decide", "D1", "approve")

	missing := box.path("elsewhere", "none.db")
	for _, args := range [][]string{{"ls"}, {"show", "D1"}, {"decide", "D1", "approve"}} {
		res := box.run(append(args, "--cache", missing)...)
		msg := strings.TrimSpace(res.stderr)
		if res.code == 0 || strings.Contains(msg, "\n") || !strings.Contains(msg, missing) || !strings.Contains(msg, "instruct sync") {
			t.Errorf("instruct %s with no cache = %s\nwant a non-zero exit and one line naming %s and instruct sync", args[0], res, missing)
		}
		if _, err := os.Stat(box.path("elsewhere")); !os.IsNotExist(err) {
			t.Errorf("instruct %s with no cache created %s (%v)", args[0], box.path("elsewhere"), err)
		}
	}
}

// TestListRefusesAnUnknownDefinitionOrStatus: ls exits 2 naming the
// definition or status it does not know, with the ones it does; a known
// definition without requests lists nothing, successfully.
func TestListRefusesAnUnknownDefinitionOrStatus(t *testing.T) {
	box := newSandbox(t)
	cache := box.path("cache.db")
	now := time.Now()
	seedCache(t, cache, plainRequest(1, instruct.StatusSubmitted, now, now))
	seedCatalogue(t, cache)

	res := box.run("ls", "--cache", cache, "--definition", "api_particuliers")
	if res.code != 2 || !containsAll(res.stderr, `"api_particuliers"`, "api_particulier,", "api_entreprise") {
		t.Errorf("ls --definition api_particuliers = %s\nwant exit 2 naming it and the known APIs", res)
	}
	res = box.run("ls", "--cache", cache, "--status", "approved")
	if res.code != 2 || !containsAll(res.stderr, `"approved"`, "validated") {
		t.Errorf("ls --status approved = %s\nwant exit 2 naming it and the known statuses", res)
	}
	if ls := box.must("ls", "--cache", cache, "--definition", "api_entreprise"); strings.Contains(ls.stdout, "D1") {
		t.Errorf("ls --definition api_entreprise lists D1 of api_particulier:\n%s", ls.stdout)
	}
}

// TestListShowsWhenRequestsWereDecided: ls says, for each request, how
// long ago it was submitted and, once the server decided it, how long ago
// that was: a request refused two days ago is not "waiting" 60 days.
func TestListShowsWhenRequestsWereDecided(t *testing.T) {
	box := newSandbox(t)
	cache := box.path("cache.db")
	day := 24 * time.Hour
	now := time.Now()
	seedCache(t, cache,
		plainRequest(1, instruct.StatusSubmitted, now.Add(-40*day-time.Hour), now.Add(-40*day-time.Hour)),
		plainRequest(2, instruct.StatusRefused, now.Add(-60*day-time.Hour), now.Add(-2*day-time.Hour)),
		plainRequest(3, instruct.StatusValidated, now.Add(-10*day-time.Hour), now.Add(-5*time.Hour-time.Minute)))

	ls := box.must("ls", "--cache", cache)
	table := parseTable(t, ls.stdout)
	want := map[string][2]string{
		"D1": {"40 d ago", "-"},
		"D2": {"60 d ago", "2 d ago"},
		"D3": {"10 d ago", "5 h ago"},
	}
	for id, w := range want {
		row, ok := table[id]
		if !ok {
			t.Errorf("ls lacks %s:\n%s", id, ls.stdout)
			continue
		}
		if row["SUBMITTED"] != w[0] || row["DECIDED"] != w[1] {
			t.Errorf("ls says %s was submitted %q and decided %q, want %q and %q:\n%s",
				id, row["SUBMITTED"], row["DECIDED"], w[0], w[1], ls.stdout)
		}
	}
}

// parseTable reads the table ls prints (columns two spaces apart or
// more) into its rows by ID, each a map from header to cell.
func parseTable(t *testing.T, out string) map[string]map[string]string {
	t.Helper()
	gap := regexp.MustCompile(`\s{2,}`)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	header := gap.Split(lines[0], -1)
	rows := map[string]map[string]string{}
	for _, line := range lines[1:] {
		cells := gap.Split(line, -1)
		if len(cells) != len(header) {
			t.Fatalf("ls row %q has %d cells, the header %d:\n%s", line, len(cells), len(header), out)
		}
		row := map[string]string{}
		for i, h := range header {
			row[h] = cells[i]
		}
		rows[row["ID"]] = row
	}
	return rows
}
