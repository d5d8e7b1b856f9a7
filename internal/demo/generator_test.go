package demo

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/instruct"
)

func testNow() time.Time { return time.Date(2026, 11, 28, 10, 30, 0, 0, time.UTC) }

// defaultCatalogue returns the project's catalogue by ID.
func defaultCatalogue(t testing.TB) ([]instruct.Definition, map[string]instruct.Definition) {
	t.Helper()
	defs, err := catalog.Default()
	if err != nil {
		t.Fatalf("catalog.Default() error = %v", err)
	}
	byID := map[string]instruct.Definition{}
	for _, d := range defs {
		byID[d.ID] = d
	}
	return defs, byID
}

func newTestGenerator(t testing.TB, seed int64) *Generator {
	t.Helper()
	defs, _ := defaultCatalogue(t)
	return New(seed, defs, testNow())
}

func TestHistoryIsDeterministic(t *testing.T) {
	a, b := newTestGenerator(t, 42), newTestGenerator(t, 42)
	want := b.History(777) // computed first, on its own
	a.Histories(1000)      // other calls do not change what follows
	if diff := cmp.Diff(want, a.History(777)); diff != "" {
		t.Errorf("History(777) depends on other calls (-alone +after):\n%s", diff)
	}
	for i := range 200 {
		if diff := cmp.Diff(a.History(i), b.History(i)); diff != "" {
			t.Fatalf("History(%d) differs between two generators of seed 42:\n%s", i, diff)
		}
	}
	other := newTestGenerator(t, 43)
	same := 0
	for i := range 50 {
		if cmp.Equal(a.History(i), other.History(i)) {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d of 50 histories are equal with seeds 42 and 43, want all different", same)
	}
}

func TestHistoriesAreValid(t *testing.T) {
	_, catalogue := defaultCatalogue(t)
	g := newTestGenerator(t, 7)
	const n = 10000
	unknown, failures := 0, 0
	for i := range n {
		h := g.History(i)
		if want := instruct.RequestID(FirstRequestNumber + i); h.Request.ID != want {
			t.Fatalf("History(%d).Request.ID = %s, want %s", i, h.Request.ID, want)
		}
		errs := checkHistory(h, catalogue[h.Request.Definition], testNow())
		for _, err := range errs {
			if failures++; failures <= 10 {
				t.Errorf("%s: %v", h.Request.ID, err)
			}
		}
		if len(unknownScopes(h.Request, catalogue[h.Request.Definition])) > 0 {
			unknown++
		}
	}
	if share := float64(unknown) / n; share < 0.01 || share > 0.04 {
		t.Errorf("%.1f%% of requests have scopes outside the catalogue, want about 2%%", 100*share)
	}
}

// checkHistory returns what is wrong with a history: its events must
// replay under instruct.Transition into the request it ends with.
func checkHistory(h instruct.History, def instruct.Definition, now time.Time) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	r := h.Request
	if len(h.Events) == 0 || h.Events[0].Kind != instruct.KindCreate {
		return []error{fmt.Errorf("does not start with a create event")}
	}
	errs = append(errs, checkEvents(h, def, now)...)
	errs = append(errs, checkTimes(h, now)...)
	if !instruct.ValidSIRET(r.Organization.SIRET) {
		fail("SIRET %s is not valid", r.Organization.SIRET)
	}
	if r.Organization.Name == "" || r.Organization.City == "" || r.Title == "" || r.Description == "" || r.LegalBasis.Nature == "" {
		fail("organisation, title, description or legal basis missing: %+v", r)
	}
	errs = append(errs, checkContacts(r.Contacts)...)
	errs = append(errs, checkFiling(h, def, now)...)
	if r.SubmittedAt != nil {
		if err := r.SubmitChecks(); err != nil {
			fail("submitted but %v", err)
		}
	}
	if h.CreatedBy != ApplicantID && !strings.HasPrefix(h.CreatedBy, "applicant-") {
		fail("CreatedBy = %q, want an applicant", h.CreatedBy)
	}
	return errs
}

// checkEvents replays the events: transitions, comments, actors, diffs
// and the version.
func checkEvents(h instruct.History, def instruct.Definition, now time.Time) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	byDefinition, admins := deciders(Users())
	allowed := byDefinition[def.ID]
	if len(allowed) == 0 {
		allowed = admins
	}
	var status instruct.Status
	var version int64
	inRound := false
	for i, e := range h.Events {
		if i == 0 {
			status = instruct.StatusDraft
		} else if next, err := instruct.Transition(status, e.Kind); err != nil {
			fail("event %d: %v", i, err)
		} else {
			status = next
		}
		if e.Kind.ChangesVersion() {
			version++
		}
		if err := instruct.CheckComment(e.Kind, e.Comment); err != nil {
			fail("event %d (%s): %v", i, e.Kind, err)
		}
		if e.Seq != 0 || e.RequestID != h.Request.ID {
			fail("event %d: seq %d, request %s; want 0 and %s", i, e.Seq, e.RequestID, h.Request.ID)
		}
		switch {
		case e.Kind == instruct.KindMessage && e.Actor.ID == h.CreatedBy:
			// The applicant answers a request for changes.
		case e.Kind == instruct.KindCreate, e.Kind == instruct.KindUpdate, e.Kind == instruct.KindSubmit, e.Kind == instruct.KindReopen:
			if e.Actor.ID != h.CreatedBy {
				fail("event %d (%s) by %s, want the applicant %s", i, e.Kind, e.Actor.ID, h.CreatedBy)
			}
		default:
			if !actorIn(e.Actor, allowed) {
				fail("event %d (%s) by %s, who does not decide on %s", i, e.Kind, e.Actor.ID, def.ID)
			}
		}
		if e.Kind == instruct.KindUpdate && len(e.Diff) == 0 {
			fail("event %d: an update without diff", i)
		}
		if e.Kind == instruct.KindSubmit && inRound && len(e.Diff) == 0 {
			fail("event %d: a resubmission without the diff since the request for changes", i)
		}
		inRound = e.Kind == instruct.KindRequestChanges || (inRound && e.Kind != instruct.KindSubmit)
	}
	if status != h.Request.Status {
		fail("events lead to %s, request is %s", status, h.Request.Status)
	}
	if version != h.Request.Version {
		fail("version = %d, want %d version-bumping events", h.Request.Version, version)
	}
	return errs
}

// checkFiling checks the history against the server's rules on who
// files what: the applicant is the account that created the request (its
// name, and for a demo user its e-mail), nobody decides a request they
// filed, and a scope outside the catalogue was last sent by the applicant
// before the catalogue dropped it (retiredAgo), never since.
func checkFiling(h instruct.History, def instruct.Definition, now time.Time) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	creator := h.Events[0].Actor
	if creator.ID != h.CreatedBy || h.Request.Applicant.Name != creator.Name {
		fail("applicant %q, created by %+v; want the creator %s", h.Request.Applicant.Name, creator, h.CreatedBy)
	}
	for _, u := range Users() {
		if u.ID == h.CreatedBy && h.Request.Applicant != (instruct.Person{Name: u.Name, Email: u.Email}) {
			fail("applicant %+v, want the account of %s", h.Request.Applicant, u.ID)
		}
	}
	var lastFiled time.Time
	for i, e := range h.Events {
		if e.Kind.IsDecision() && e.Actor.ID == h.CreatedBy {
			fail("event %d: %s by %s, who filed the request", i, e.Kind, e.Actor.ID)
		}
		if isFiling(e.Kind) {
			lastFiled = e.At
		}
	}
	if unknown := unknownScopes(h.Request, def); len(unknown) > 0 && !lastFiled.Before(now.Add(-retiredAgo)) {
		fail("scopes %v outside the catalogue, sent by the applicant on %v, after the catalogue dropped them", unknown, lastFiled)
	}
	return errs
}

// checkTimes checks the order of events and the request's timestamps.
func checkTimes(h instruct.History, now time.Time) []error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	r := h.Request
	var lastSubmit, lastDecision *time.Time
	for i, e := range h.Events {
		if i > 0 && !e.At.After(h.Events[i-1].At) {
			fail("event %d at %v is not after event %d at %v", i, e.At, i-1, h.Events[i-1].At)
		}
		at := e.At
		switch {
		case e.Kind == instruct.KindSubmit:
			lastSubmit, lastDecision = &at, nil
		case e.Kind.IsDecision():
			lastDecision = &at
		}
	}
	last := h.Events[len(h.Events)-1].At
	if !r.CreatedAt.Equal(h.Events[0].At) || !r.UpdatedAt.Equal(storyEnd(h)) || last.After(now) {
		fail("created %v, updated %v, last event %v, now %v", r.CreatedAt, r.UpdatedAt, last, now)
	}
	if age := now.Sub(r.CreatedAt); age < day || age > 548*day {
		fail("created %v ago, want between a day and 18 months", age)
	}
	if !equalTimes(r.SubmittedAt, lastSubmit) || !equalTimes(r.DecidedAt, lastDecision) {
		fail("submitted_at %v, decided_at %v; want %v, %v", r.SubmittedAt, r.DecidedAt, lastSubmit, lastDecision)
	}
	if r.SubmittedAt != nil && r.DecidedAt != nil && r.DecidedAt.Before(*r.SubmittedAt) {
		fail("decided at %v before submitted at %v", r.DecidedAt, r.SubmittedAt)
	}
	return errs
}

func checkContacts(contacts []instruct.Contact) []error {
	roles := []string{instruct.ContactDPO, instruct.ContactController, instruct.ContactTechnical}
	if len(contacts) != len(roles) {
		return []error{fmt.Errorf("%d contacts, want 3", len(contacts))}
	}
	var errs []error
	for i, c := range contacts {
		if c.Role != roles[i] || c.Name == "" || !strings.Contains(c.Email, "@") || !strings.HasPrefix(c.Phone, "+33 ") || c.JobTitle == "" {
			errs = append(errs, fmt.Errorf("contact %d = %+v, want a complete %s", i, c, roles[i]))
		}
	}
	return errs
}

func actorIn(a instruct.Actor, actors []instruct.Actor) bool {
	for _, b := range actors {
		if a == b {
			return true
		}
	}
	return false
}

func equalTimes(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Equal(*b)
}

// unknownScopes returns the scopes of r its definition does not list.
func unknownScopes(r instruct.Request, def instruct.Definition) []string {
	var out []string
	for _, id := range r.Scopes {
		if _, ok := def.Scope(id); !ok {
			out = append(out, id)
		}
	}
	return out
}

func TestStatusSpread(t *testing.T) {
	histories := newTestGenerator(t, 1).Histories(1000)
	counts := map[instruct.Status]int{}
	for _, h := range histories {
		counts[h.Request.Status]++
	}
	want := map[instruct.Status]float64{
		instruct.StatusDraft: 0.04, instruct.StatusSubmitted: 0.20, instruct.StatusChangesRequested: 0.05,
		instruct.StatusValidated: 0.55, instruct.StatusRefused: 0.10, instruct.StatusRevoked: 0.03, instruct.StatusArchived: 0.03,
	}
	for status, share := range want {
		got := float64(counts[status]) / 1000
		if tolerance := 0.02 + share/10; got < share-tolerance || got > share+tolerance {
			t.Errorf("%s: %.1f%% of 1,000 requests, want about %.0f%%", status, 100*got, 100*share)
		}
	}
}

func TestResubmissionsCarryTheirDiff(t *testing.T) {
	histories := newTestGenerator(t, 2).Histories(1000)
	resubmitted := 0
	seen := map[string]bool{}
	for _, h := range histories {
		rounds := resubmissions(h.Events)
		if len(rounds) > 0 {
			resubmitted++
		}
		for _, submit := range rounds {
			for field, change := range submit.Diff {
				seen[describeChange(field, change)] = true
			}
		}
	}
	if share := float64(resubmitted) / 1000; share < 0.06 || share > 0.15 {
		t.Errorf("%.1f%% of requests were resubmitted after a request for changes, want about 10%%", 100*share)
	}
	for _, want := range []string{"retention shortened", "scopes trimmed", "legal basis URL added", "contacts", "description"} {
		if !seen[want] {
			t.Errorf("no resubmission with %q among %v", want, seen)
		}
	}
}

// resubmissions returns the submit events that follow a request for
// changes and an update, and checks nothing: the diff is what is tested.
func resubmissions(events []instruct.Event) []instruct.Event {
	var out []instruct.Event
	asked, updated := false, false
	for _, e := range events {
		switch e.Kind {
		case instruct.KindRequestChanges:
			asked, updated = true, false
		case instruct.KindUpdate:
			updated = asked
		case instruct.KindSubmit:
			if asked && updated {
				out = append(out, e)
			}
			asked, updated = false, false
		}
	}
	return out
}

// describeChange names the kind of change a diff entry is.
func describeChange(field string, change [2]any) string {
	switch field {
	case "retention_months":
		if change[0].(int) > 36 && change[1].(int) <= 36 {
			return "retention shortened"
		}
	case "scopes":
		if len(change[1].([]string)) < len(change[0].([]string)) {
			return "scopes trimmed"
		}
	case "legal_basis":
		if change[0].(instruct.LegalBasis).URL == "" && change[1].(instruct.LegalBasis).URL != "" {
			return "legal basis URL added"
		}
	}
	return field
}

func TestRealisticContent(t *testing.T) {
	now := testNow()
	histories := newTestGenerator(t, 3).Histories(1000)
	var long, justified, longWait, submitted, multiParagraph, demoApplicant, recent, old int
	for _, h := range histories {
		r := h.Request
		if r.RetentionMonths > 36 {
			long++
			if r.RetentionJustification != nil {
				justified++
			}
		}
		if r.Status == instruct.StatusSubmitted {
			submitted++
			if now.Sub(*r.SubmittedAt) >= 40*day {
				longWait++
			}
		}
		if strings.Count(r.Description, "\n\n") >= 2 {
			multiParagraph++
		}
		if h.CreatedBy == ApplicantID {
			demoApplicant++
			if r.Applicant.Email != "camille.martin@demo.instruct.fr" {
				t.Errorf("%s created by the demo applicant names %s", r.ID, r.Applicant.Email)
			}
		}
		switch age := now.Sub(r.CreatedAt); {
		case age < 30*day:
			recent++
		case age > 365*day:
			old++
		}
	}
	checks := []struct {
		name     string
		got      int
		of       int
		min, max float64
	}{
		{"retention over 36 months", long, 1000, 0.05, 0.13},
		{"long retention with a justification", justified, long, 0.25, 0.75},
		{"submitted requests waiting 40+ days", longWait, submitted, 0.05, 0.25},
		{"descriptions of three paragraphs or more", multiParagraph, 1000, 0.05, 0.15},
		{"requests of the demo applicant", demoApplicant, 1000, 0.015, 0.05},
		{"requests created in the last 30 days", recent, 1000, 0.03, 0.5},
		{"requests older than a year", old, 1000, 0.03, 0.5},
	}
	for _, c := range checks {
		if share := float64(c.got) / float64(c.of); share < c.min || share > c.max {
			t.Errorf("%s: %d of %d (%.1f%%), want between %.1f%% and %.1f%%", c.name, c.got, c.of, 100*share, 100*c.min, 100*c.max)
		}
	}
}

func TestFollowsTheCatalogue(t *testing.T) {
	custom := []instruct.Definition{{ID: "api_locale", Name: "API Locale", Scopes: []instruct.Scope{
		{ID: "a", Label: "A"}, {ID: "b", Label: "B"}, {ID: "c", Label: "C"}, {ID: "d", Label: "D"},
	}}}
	defs, _ := defaultCatalogue(t)
	var withoutParticulier []instruct.Definition
	for _, d := range defs {
		if d.ID != "api_particulier" {
			withoutParticulier = append(withoutParticulier, d)
		}
	}
	tests := []struct {
		name    string
		defs    []instruct.Definition
		allowed func(string) bool
	}{
		{"a catalogue the demo does not know", custom, func(id string) bool { return id == "api_locale" }},
		{"a catalogue without API Particulier", withoutParticulier, func(id string) bool { return id != "api_particulier" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			byID := map[string]instruct.Definition{}
			for _, d := range tt.defs {
				byID[d.ID] = d
			}
			g := New(5, tt.defs, testNow())
			for _, h := range g.Histories(500) {
				def, ok := byID[h.Request.Definition]
				if !ok || !tt.allowed(def.ID) {
					t.Fatalf("%s is on definition %q, outside the catalogue given", h.Request.ID, h.Request.Definition)
				}
				if errs := checkEvents(h, def, testNow()); len(errs) > 0 {
					t.Errorf("%s: %v", h.Request.ID, errs)
				}
				if unknown := unknownScopes(h.Request, def); len(unknown) > 1 {
					t.Errorf("%s has scopes %v outside its definition", h.Request.ID, unknown)
				}
			}
		})
	}
}

// TestMessagesFitTheirMoment: a message to the applicant right after a
// submission acknowledges it; one after a request for changes is about
// the changes awaited — never a reminder of changes nobody asked for.
func TestMessagesFitTheirMoment(t *testing.T) {
	texts := newTexts()
	seen := map[instruct.Kind]int{}
	for _, h := range newTestGenerator(t, 5).Histories(1000) {
		var last instruct.Kind
		for _, e := range h.Events {
			switch e.Kind {
			case instruct.KindSubmit, instruct.KindRequestChanges:
				last = e.Kind
			case instruct.KindMessage:
				want := texts.acknowledgements
				switch {
				case e.Actor.ID != "" && e.Actor.Name != "" && last == instruct.KindRequestChanges && slices.Contains(texts.answers, e.Comment):
					want = texts.answers // the applicant answers
				case last == instruct.KindRequestChanges:
					want = texts.reminders
				}
				if !slices.Contains(want, e.Comment) {
					t.Errorf("%s: message %q after %s does not fit", h.Request.ID, e.Comment, last)
				}
				seen[last]++
			}
		}
	}
	if seen[instruct.KindSubmit] == 0 || seen[instruct.KindRequestChanges] == 0 {
		t.Errorf("messages after submissions %d, after requests for changes %d: want some of both", seen[instruct.KindSubmit], seen[instruct.KindRequestChanges])
	}
}

// TestClaimsAndAnswersInTheDemo: some requests waiting for a decision are
// held by a reviewer of their API (the claim on the request, its event
// last), and some applicants answered a request for changes, so that the
// queue's marks show in the demo.
func TestClaimsAndAnswersInTheDemo(t *testing.T) {
	g := newTestGenerator(t, 5)
	held, answered := 0, 0
	for _, h := range g.Histories(300) {
		last := h.Events[len(h.Events)-1]
		if c := h.Request.Claim; c != nil {
			held++
			if h.Request.Status != instruct.StatusSubmitted || last.Kind != instruct.KindClaim || last.Actor != c.User || !last.At.Equal(c.At) {
				t.Errorf("%s: claim %+v on a %s request, last event %s by %v", h.Request.ID, c, h.Request.Status, last.Kind, last.Actor)
			}
		}
		if last.Kind == instruct.KindMessage && h.Request.Status == instruct.StatusChangesRequested && h.CreatedBy == last.Actor.ID {
			answered++
		}
	}
	if held < 10 || answered < 5 {
		t.Errorf("in 300 requests: %d held, %d answered by their applicant; want some of each", held, answered)
	}
}

// storyEnd is when the story's last step happened: the events added
// afterwards (a claim, an applicant's answer) leave updated_at as it is.
func storyEnd(h instruct.History) time.Time {
	events := h.Events
	for len(events) > 1 {
		e := events[len(events)-1]
		if e.Kind != instruct.KindClaim && !(e.Kind == instruct.KindMessage && e.Actor.ID == h.CreatedBy) {
			break
		}
		events = events[:len(events)-1]
	}
	return events[len(events)-1].At
}
