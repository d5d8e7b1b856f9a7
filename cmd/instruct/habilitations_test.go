package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
)

// seedHabilitations writes a validated request of hostile text with an
// obsolete and an active habilitation into the cache at path.
func seedHabilitations(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := hostileRequest(4242)
	r.Status, r.Version, r.HabilitationIDs = instruct.StatusValidated, 5, []instruct.HabilitationID{2040, 2041}
	token := "tok-" + hostileText
	at := time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)
	h := func(id instruct.HabilitationID, st instruct.HabilitationStatus) instruct.Habilitation {
		return instruct.Habilitation{ID: id, RequestID: r.ID, Definition: r.Definition, Status: st, Version: 1,
			Organization: r.Organization, Applicant: r.Applicant, Scopes: r.Scopes, LegalBasis: r.LegalBasis,
			ApprovedBy: instruct.Actor{ID: "r1", Name: "Paul Martin"}, Comment: hostileText, CreatedAt: at}
	}
	active := h(2041, instruct.HabilitationActive)
	active.ExternalID = &token
	item := instruct.FeedItem{Seq: 1, Request: r, Habilitations: []instruct.Habilitation{h(2040, instruct.HabilitationObsolete), active}}
	if err := st.ApplyPage(ctx, []instruct.FeedItem{item}, "1"); err != nil {
		t.Fatal(err)
	}
}

// TestHabilitationCommands: ls --habilitations lists and filters by
// status, show H2041 prints the habilitation without any applicant text
// raw, --json on both, and decide H2041 revoke records the revocation of
// that habilitation alone (a comment required, an obsolete one refused).
func TestHabilitationCommands(t *testing.T) {
	box := newSandbox(t)
	cache := box.path("cache.db")
	seedHabilitations(t, cache)
	flags := []string{"--cache", cache, "--server", "http://127.0.0.1:9", "--token", "ins_unused"}
	run := func(args ...string) result { return box.must(append(args, flags...)...) }

	ls := run("ls", "--habilitations")
	if !strings.Contains(ls.stdout, "H2041") || !strings.Contains(ls.stdout, "H2040") || !strings.Contains(ls.stdout, "obsolete") {
		t.Errorf("ls --habilitations = %q, want H2040 and H2041", ls.stdout)
	}
	if r, at := unsafeRune(ls.stdout); at >= 0 {
		t.Errorf("ls --habilitations prints %U raw at byte %d", r, at)
	}
	var listed []instruct.Habilitation
	out := run("ls", "--habilitations", "--status", "active", "--json").stdout
	if err := json.Unmarshal([]byte(out), &listed); err != nil || len(listed) != 1 || listed[0].ID != 2041 {
		t.Errorf("ls --habilitations --status active --json = %q (%v), want H2041 alone", out, err)
	}
	if bad := box.run(append([]string{"ls", "--habilitations", "--status", "submitted"}, flags...)...); bad.code == 0 || !strings.Contains(bad.stderr, "active, obsolete, revoked") {
		t.Errorf("ls --habilitations --status submitted = exit %d, %q; want a usage error naming the statuses", bad.code, bad.stderr)
	}

	show := run("show", "H2041")
	for _, want := range []string{"H2041 (active, version 1)", "D4242", "Paul Martin", "Provider token", "2026-03-12"} {
		if !strings.Contains(show.stdout, want) {
			t.Errorf("show H2041 lacks %q:\n%s", want, show.stdout)
		}
	}
	if r, at := unsafeRune(show.stdout); at >= 0 {
		t.Errorf("show H2041 prints %U raw at byte %d:\n%s", r, at, show.stdout)
	}
	var shown instruct.Habilitation
	if err := json.Unmarshal([]byte(run("show", "h2041", "--json").stdout), &shown); err != nil || shown.ID != 2041 {
		t.Errorf("show h2041 --json = %+v, %v, want H2041", shown, err)
	}

	if show := run("show", "D4242"); !strings.Contains(show.stdout, "H2041   active") || !strings.Contains(show.stdout, "H2040   obsolete") {
		t.Errorf("show D4242 lacks its habilitations:\n%s", show.stdout)
	}
	if res := box.run(append([]string{"decide", "H2041", "revoke"}, flags...)...); res.code == 0 || !strings.Contains(res.stderr, "comment") {
		t.Errorf("decide H2041 revoke without a comment = exit %d, %q; want a refusal asking for one", res.code, res.stderr)
	}
	if res := box.run(append([]string{"decide", "H2040", "revoke", "--comment", "fin"}, flags...)...); res.code == 0 || !strings.Contains(res.stderr, "only an active habilitation") {
		t.Errorf("decide H2040 (obsolete) revoke = exit %d, %q; want a refusal", res.code, res.stderr)
	}
	if res := run("decide", "H2041", "revoke", "--comment", "Convention résiliée"); !strings.Contains(res.stdout, "revocation of H2041 (D4242) recorded") {
		t.Errorf("decide H2041 revoke = %q", res.stdout)
	}
	if ls := run("ls", "--json"); !strings.Contains(ls.stdout, `"status": "validated"`) || !strings.Contains(ls.stdout, `"pending": "pending"`) {
		t.Errorf("after revoking H2041, ls --json = %s; want D4242 still validated with an operation pending", ls.stdout)
	}
	// Revoking the whole request is a decision of its own, which the
	// revocation of one habilitation does not hold back; a second decision
	// on the request then waits for the first to reach the server.
	if res := run("decide", "D4242", "revoke", "--comment", "Fin de la convention"); !strings.Contains(res.stdout, "revoke of D4242 recorded") {
		t.Errorf("decide D4242 revoke = %q", res.stdout)
	}
	if res := box.run(append([]string{"decide", "D4242", "archive"}, flags...)...); res.code == 0 {
		t.Errorf("decide D4242 archive while its revocation waits = exit 0; want a refusal")
	}
}
