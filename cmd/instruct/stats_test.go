package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/demo"
	"github.com/instruct-dev/instruct/internal/stats"
)

// TestStatsMatchTheServer: `instruct stats --json`, computed offline from
// a cache the real binary synced, gives the figures the real server's GET
// /api/v1/stats gives the same user: on the demo data and on a larger
// generated set, for an instructor, a manager and a reporter of
// everything, over the default range, a long one and one API.
func TestStatsMatchTheServer(t *testing.T) {
	sets := map[string]*serverProc{"demo": runDemoServer(t)}
	if !testing.Short() {
		sets["generated 3000"] = startServer(t, filepath.Join(t.TempDir(), "server.db"), true, "--demo-count", "3000")
	}
	for name, srv := range sets {
		t.Run(name, func(t *testing.T) {
			for _, user := range []string{demo.InstructorID, demo.ManagerID, demo.ReporterID} {
				box := newSandbox(t)
				token := srv.token(t, user)
				flags := connFlags(srv.URL, token, box.path("cache.db"))
				box.must(append([]string{"sync"}, flags...)...)
				lastYear := time.Now().UTC().AddDate(-1, 0, 0).Format(time.DateOnly)
				for _, q := range []url.Values{{}, {"from": {lastYear}}, {"definition": {"api_particulier"}, "from": {lastYear}}} {
					want := serverStats(t, srv, token, q)
					args := append([]string{"stats", "--json"}, flags...)
					for k, v := range q {
						args = append(args, "--"+k, v[0])
					}
					var got stats.Report
					out := box.must(args...).stdout
					if err := json.Unmarshal([]byte(out), &got); err != nil {
						t.Fatalf("stats --json is not JSON: %v\n%s", err, out)
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Errorf("%s, %v: instruct stats --json differs from GET /stats (-server +cache):\n%s", user, q, diff)
					}
					if q.Get("from") != "" && !meaningful(want) {
						t.Errorf("%s, %v: the server's figures hold no decision nor duration, the comparison proves little: %+v", user, q, want)
					}
				}
			}
		})
	}
}

// serverStats asks the server for its statistics as the user of token.
func serverStats(t *testing.T, srv *serverProc, token string, q url.Values) stats.Report {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+"/api/v1/stats?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /stats: %v", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /stats?%s = %d", q.Encode(), res.StatusCode)
	}
	var rep stats.Report
	if err := json.NewDecoder(res.Body).Decode(&rep); err != nil {
		t.Fatalf("GET /stats: %v", err)
	}
	return rep
}

// meaningful reports whether a report holds decisions and durations.
func meaningful(rep stats.Report) bool {
	for _, f := range rep.Definitions {
		if f.Validated > 0 && f.Refused > 0 && f.ChangesRequested > 0 && f.Backlog > 0 && f.TimeToFirstDecision.P50 != nil {
			return true
		}
	}
	return false
}
