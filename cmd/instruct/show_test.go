package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
	"github.com/instruct-dev/instruct/internal/ui/sanitize"
)

// hostileText is what a hostile applicant (or a server that let it
// through) puts in every field: escapes, a C1 CSI, a bidi override,
// invisible characters, hidden tag text and a width-ambiguous emoji.
const hostileText = "x\x1b]52;c;cm0gLXJmIH4K\x07\x1b[2J\u009b31m\u202egpj.exe\u200b\ufeff\U000e0041\ue000👍🏽"

// seedCache writes requests, with an event each, into the cache at path,
// as the sync engine would from the server's change feed.
func seedCache(t *testing.T, path string, requests ...instruct.Request) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	items := make([]instruct.FeedItem, len(requests))
	for i, r := range requests {
		ev := instruct.Event{Seq: int64(i + 1), RequestID: r.ID, Kind: instruct.KindSubmit,
			Actor: instruct.Actor{ID: hostileText, Name: hostileText}, Comment: hostileText + "\n" + hostileText, At: r.UpdatedAt}
		items[i] = instruct.FeedItem{Seq: int64(i + 1), Request: r, Events: []instruct.Event{ev}}
	}
	if err := st.ApplyPage(ctx, items, "1"); err != nil {
		t.Fatal(err)
	}
}

// hostileRequest returns a submitted request with every text field, its
// scopes first, set to hostileText.
func hostileRequest(id instruct.RequestID) instruct.Request {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	h, doc := hostileText, hostileText
	return instruct.Request{ID: id, Definition: "api_particulier", Status: instruct.StatusSubmitted, Version: 2,
		Title: h, Description: h + "\n" + h,
		Organization: instruct.Organization{SIRET: h, Name: h, City: h},
		Applicant:    instruct.Person{Name: h, Email: h},
		Contacts:     []instruct.Contact{{Role: h, Name: h, Email: h, Phone: h, JobTitle: h}},
		LegalBasis:   instruct.LegalBasis{Nature: h, URL: h, Document: &doc},
		Scopes:       []string{"cnaf_quotient_familial", h}, DataRecipients: h, RetentionJustification: &doc,
		Volumetry: h, ProductionDate: h, CreatedAt: at, SubmittedAt: &at, UpdatedAt: at}
}

// TestShowPrintsNoApplicantTextRaw: instruct show, run as a user runs it on
// a cache holding a request whose every field (scopes included) carries
// escapes and invisible characters, prints none of them raw.
func TestShowPrintsNoApplicantTextRaw(t *testing.T) {
	box := newSandbox(t)
	cache := box.path("cache.db")
	seedCache(t, cache, hostileRequest(4242))

	show := box.must("show", "D4242", "--cache", cache, "--server", "http://127.0.0.1:9", "--token", "ins_unused")
	if r, at := unsafeRune(show.stdout); at >= 0 {
		t.Errorf("show prints %U raw at byte %d:\n%s", r, at, show.stdout)
	}
	scopes := lineStarting(show.stdout, "Scopes")
	if !strings.Contains(scopes, `^[]52;c;`) || !strings.Contains(scopes, `\u202e`) {
		t.Errorf("show's scopes line = %q, want the escapes written out visibly", scopes)
	}
}

// TestShowPrintsTheChangesOfAResubmission: instruct show prints what each
// edit changed and, under the resubmission, what changed since the
// request for changes: scopes with their catalogue labels, contacts by
// role, a long text word by word, the applicant's escapes written out.
func TestShowPrintsTheChangesOfAResubmission(t *testing.T) {
	box := newSandbox(t)
	cache := box.path("cache.db")
	seedHistory(t, cache, resubmission())

	show := box.must("show", "D4300", "--cache", cache, "--server", "http://127.0.0.1:9", "--token", "ins_unused")
	for _, want := range []string{
		"      Changed since changes were requested:",
		"        Data:",
		"          + Identités enfants (cnaf_enfants)",
		"          − Adresse du foyer (cnaf_adresse)",
		"          Data protection officer: Inès Fontaine <i.fontaine@lyon.fr> → Paul^[[2J Martin <p.martin@lyon.fr>",
		"cantine scolaire {+et du centre de loisirs+} à partir",
		"        Retention (months): 60 → 12",
	} {
		if !strings.Contains(show.stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, show.stdout)
		}
	}
	if n := strings.Count(show.stdout, "+ Identités enfants (cnaf_enfants)"); n != 2 {
		t.Errorf("show prints the scope added %d times, want twice (the edit, the resubmission):\n%s", n, show.stdout)
	}
	if r, at := unsafeRune(show.stdout); at >= 0 {
		t.Errorf("show prints %U raw at byte %d:\n%s", r, at, show.stdout)
	}
}

// resubmission is a request resubmitted after a request for changes, its
// edit changing scopes, the DPO (whose new name holds an escape), a long
// text and the retention period.
func resubmission() instruct.History {
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	dpo := func(name, email string) map[string]any {
		return map[string]any{"role": instruct.ContactDPO, "name": name, "email": email, "phone": "", "job_title": ""}
	}
	oldText := "Les données servent à calculer le tarif de la cantine scolaire à partir du quotient familial, sans justificatif papier."
	newText := "Les données servent à calculer le tarif de la cantine scolaire et du centre de loisirs à partir du quotient familial, sans justificatif papier."
	diff := instruct.Diff{
		"scopes":           {[]any{"cnaf_quotient_familial", "cnaf_adresse"}, []any{"cnaf_quotient_familial", "cnaf_enfants"}},
		"contacts":         {[]any{dpo("Inès Fontaine", "i.fontaine@lyon.fr")}, []any{dpo("Paul\x1b[2J Martin", "p.martin@lyon.fr")}},
		"data_recipients":  {oldText, newText},
		"retention_months": {60.0, 12.0},
	}
	r := hostileRequest(4300)
	r.Scopes, r.RetentionMonths, r.DataRecipients = []string{"cnaf_quotient_familial", "cnaf_enfants"}, 12, newText
	someone, reviewer := instruct.Actor{ID: "u1", Name: "Camille Martin"}, instruct.Actor{ID: "u2", Name: "Marie Dupont"}
	events := []instruct.Event{
		{Kind: instruct.KindSubmit, Actor: someone, At: at},
		{Kind: instruct.KindRequestChanges, Actor: reviewer, Comment: "Merci de corriger.", At: at.Add(time.Hour)},
		{Kind: instruct.KindUpdate, Actor: someone, Diff: diff, At: at.Add(2 * time.Hour)},
		{Kind: instruct.KindSubmit, Actor: someone, Diff: diff, At: at.Add(3 * time.Hour)},
	}
	for i := range events {
		events[i].Seq, events[i].RequestID = int64(i+1), r.ID
	}
	return instruct.History{Request: r, Events: events}
}

// seedHistory writes the catalogue and h into the cache at path, as the
// sync engine would.
func seedHistory(t *testing.T, path string, h instruct.History) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	defs, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutDefinitions(ctx, defs); err != nil {
		t.Fatal(err)
	}
	seq := h.Events[len(h.Events)-1].Seq
	if err := st.ApplyPage(ctx, []instruct.FeedItem{{Seq: seq, Request: h.Request, Events: h.Events}}, "1"); err != nil {
		t.Fatal(err)
	}
}

// TestListAlignsColumnsInCells: instruct ls keeps its columns aligned when
// an organisation holds wide characters, emoji sequences and flags.
func TestListAlignsColumnsInCells(t *testing.T) {
	box := newSandbox(t)
	cache := box.path("cache.db")
	plain, wide := hostileRequest(1), hostileRequest(2)
	plain.Organization.Name, plain.Title = "Ville de Lyon", "TITLE-PLAIN"
	wide.Organization.Name, wide.Title = "東京都 👨\u200d👩\u200d👧 🇫🇷 👍🏽 Mairie", "TITLE-WIDE"
	seedCache(t, cache, plain, wide)

	ls := box.must("ls", "--cache", cache, "--server", "http://127.0.0.1:9", "--token", "ins_unused")
	at := map[string]int{}
	for line := range strings.SplitSeq(ls.stdout, "\n") {
		for _, title := range []string{"TITLE", "TITLE-PLAIN", "TITLE-WIDE"} {
			if strings.HasSuffix(line, " "+title) {
				at[title] = cells.Width(strings.TrimSuffix(line, title))
			}
		}
	}
	if len(at) != 3 || at["TITLE-PLAIN"] != at["TITLE"] || at["TITLE-WIDE"] != at["TITLE"] {
		t.Errorf("the title column starts at cells %v, want one column for all:\n%s", at, ls.stdout)
	}
	if r, i := unsafeRune(ls.stdout); i >= 0 {
		t.Errorf("ls prints %U raw at byte %d:\n%s", r, i, ls.stdout)
	}
}

// unsafeRune returns the first rune of s that a terminal would obey, that
// draws nothing, or that terminals draw at different widths, and its byte
// offset, or -1.
func unsafeRune(s string) (rune, int) {
	if r, at := rawControl(s); at >= 0 {
		return r, at
	}
	for i, r := range s {
		if sanitize.Escaped(r) || sanitize.Dropped(r) {
			return r, i
		}
	}
	return 0, -1
}

// lineStarting returns the first line of s that starts with prefix.
func lineStarting(s, prefix string) string {
	for line := range strings.SplitSeq(s, "\n") {
		if strings.HasPrefix(line, prefix) {
			return line
		}
	}
	return ""
}

// TestShowTimesInTheReviewersZone: instruct show dates the history in the
// zone --tz names, else TZ's, with the offset from UTC and the zone named
// above it; an unknown zone is refused, naming it.
func TestShowTimesInTheReviewersZone(t *testing.T) {
	box := newSandbox(t)
	cache := box.path("cache.db")
	seedCache(t, cache, hostileRequest(4242)) // its event: 2026-03-02 09:00 UTC
	args := []string{"show", "D4242", "--cache", cache, "--server", "http://127.0.0.1:9", "--token", "ins_unused"}
	tests := []struct {
		name        string
		box         *sandbox
		flags       []string
		zone, stamp string
	}{
		{"--tz Europe/Paris", box, []string{"--tz", "Europe/Paris"}, "Europe/Paris", "2026-03-02 10:00 UTC+01:00"},
		{"TZ=America/Cayenne", box.with("TZ=America/Cayenne"), nil, "America/Cayenne", "2026-03-02 06:00 UTC-03:00"},
		{"--tz UTC over TZ", box.with("TZ=America/Cayenne"), []string{"--tz", "UTC"}, "UTC", "2026-03-02 09:00 UTC "},
	}
	for _, tc := range tests {
		out := tc.box.must(append(args, tc.flags...)...).stdout
		if !strings.Contains(out, "History (time zone "+tc.zone+")") || !strings.Contains(lineStarting(out, "  2026"), tc.stamp) {
			t.Errorf("%s: show prints\n%s\nwant the history in %s, its event at %q", tc.name, out, tc.zone, tc.stamp)
		}
	}
	for _, cmd := range [][]string{args, {"tui", "--cache", cache, "--server", "http://127.0.0.1:9", "--token", "ins_unused"}, {"demo"}} {
		bad := box.run(append(cmd, "--tz", "Mars/Olympus")...)
		if bad.code == 0 || !strings.Contains(bad.stderr, `"Mars/Olympus"`) {
			t.Errorf("%s --tz Mars/Olympus = %s, want a failure naming the zone", cmd[0], bad)
		}
	}
}

// TestShowAndDecideReadIDsAsTyped: show and decide take an ID as a person
// types it (D4242, d4242, 4242) and refuse anything else with an error
// that says what an ID looks like, shows the argument escaped, and
// records nothing.
func TestShowAndDecideReadIDsAsTyped(t *testing.T) {
	box := newSandbox(t)
	cache := box.path("cache.db")
	seedCache(t, cache, hostileRequest(4242))
	flags := []string{"--cache", cache, "--server", "http://127.0.0.1:9", "--token", "ins_unused"}
	for _, id := range []string{"D4242", "d4242", "4242"} {
		if show := box.must(append([]string{"show", id, "--json"}, flags...)...); !strings.Contains(show.stdout, `"id": "D4242"`) {
			t.Errorf("show %s printed %q, want request D4242", id, show.stdout)
		}
	}
	for _, id := range []string{"D-1", "D4242\x1b[2J", "D99999999999999999999", "D٤٢٤٢", "X4242"} {
		for _, args := range [][]string{{"show", id}, {"decide", id, "approve"}} {
			res := box.run(append(args, flags...)...)
			if res.code == 0 || !strings.Contains(res.stderr, "a request ID is D and a number") || strings.ContainsRune(res.stderr, '\x1b') {
				t.Errorf("%s %q = exit %d, stderr %q; want a clear error with the ID escaped", args[0], id, res.code, res.stderr)
			}
		}
	}
	if ls := box.must(append([]string{"ls", "--json"}, flags...)...); strings.Contains(ls.stdout, `"pending"`) {
		t.Errorf("a refused decide left an operation pending:\n%s", ls.stdout)
	}
}
