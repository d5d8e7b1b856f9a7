package ledger

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// opener opens a new, empty ledger with options.
type opener func(t *testing.T, opts ...Option) *Ledger

// runBounds runs, on every engine, the bounds that keep one applicant
// from growing a request, its history or their share of the ledger past
// what reviewers' clients read.
func runBounds(t *testing.T, open opener) {
	tests := []struct {
		name string
		run  func(t *testing.T, open opener)
	}{
		{"CreateRefusesPastOpenDrafts", testQuotaDrafts},
		{"CreateRateLimitedPerHour", testQuotaCreations},
		{"CreateAndEditRefusedPastBytes", testQuotaBytes},
		{"EditsPerRequestBounded", testEditsBounded},
		{"EventsPerRequestBounded", testEventsBounded},
		{"LongTextDiffsStoredCut", testDiffStoredCut},
		{"RequestWeightBounded", testRequestWeight},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open) })
	}
}

func TestSQLiteBounds(t *testing.T) {
	runBounds(t, func(t *testing.T, opts ...Option) *Ledger {
		l, err := Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"), opts...)
		if err != nil {
			t.Fatalf("Open() = %v", err)
		}
		t.Cleanup(func() { l.Close() })
		return l
	})
}

func TestPostgresBounds(t *testing.T) {
	postgresDSN(t)
	runBounds(t, func(t *testing.T, opts ...Option) *Ledger {
		l, err := OpenPostgres(context.Background(), postgresSchema(t), opts...)
		if err != nil {
			t.Fatalf("OpenPostgres() = %v", err)
		}
		t.Cleanup(func() { l.Close() })
		return l
	})
}

// roomy is a quota nobody in these tests reaches.
var roomy = instruct.Quotas{OpenDrafts: 1 << 20, Bytes: 1 << 40, CreationsPerHour: 1 << 20}

// boundsFixture is a fixture on a ledger with quotas q.
func boundsFixture(t *testing.T, open opener, q instruct.Quotas) *fixture {
	return newFixture(t, func(t *testing.T) *Ledger { return open(t, WithQuotas(q)) })
}

func testQuotaDrafts(t *testing.T, open opener) {
	q := roomy
	q.OpenDrafts = 3
	f := boundsFixture(t, open, q)
	var drafts []instruct.Request
	for range 3 {
		drafts = append(drafts, f.create("api_particulier", "Cantine"))
	}
	_, err := f.l.Create(f.ctx, applicant, draft("api_particulier", "Une de trop"), f.tick())
	wantCode(t, "Create() past 3 open drafts", err, instruct.CodeInvalid)
	if !strings.Contains(instruct.ErrorMessage(err), "3 drafts open") {
		t.Errorf("Create() past 3 open drafts says %q, want it to say how many are open", instruct.ErrorMessage(err))
	}
	if _, err := f.l.Create(f.ctx, reviewer, draft("api_particulier", "Autre auteur"), f.tick()); err != nil {
		t.Errorf("Create() by another user = %v, want their own quota", err)
	}
	m := f.mutation(drafts[0], instruct.KindSubmit, "")
	m.Change = change(instruct.KindSubmit, applicant, "")
	if _, err := f.l.Apply(f.ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, err := f.l.Create(f.ctx, applicant, draft("api_particulier", "Après envoi"), f.tick()); err != nil {
		t.Errorf("Create() once a draft was submitted = %v, want it accepted", err)
	}
}

func testQuotaCreations(t *testing.T, open opener) {
	q := roomy
	q.CreationsPerHour = 3
	f := boundsFixture(t, open, q)
	first := f.tick()
	for i := range 3 {
		if _, err := f.l.Create(f.ctx, applicant, draft("api_particulier", "Cantine"), first.Add(time.Duration(i)*10*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	now := first.Add(25 * time.Minute)
	_, err := f.l.Create(f.ctx, applicant, draft("api_particulier", "Trop tôt"), now)
	wantCode(t, "Create() of a 4th request within the hour", err, instruct.CodeRateLimited)
	var e *instruct.Error
	if !errors.As(err, &e) || e.RetryAfter != 35*time.Minute {
		t.Errorf("Create() within the hour = %#v, want RetryAfter 35m0s: until the first creation is an hour old", e)
	}
	if _, err := f.l.Create(f.ctx, applicant, draft("api_particulier", "Une heure après"), first.Add(time.Hour+time.Second)); err != nil {
		t.Errorf("Create() an hour after the first = %v, want it accepted", err)
	}
}

func testQuotaBytes(t *testing.T, open opener) {
	q := roomy
	q.Bytes = 64 << 10
	f := boundsFixture(t, open, q)
	long := draft("api_particulier", "Cantine")
	long.Description = ptr(strings.Repeat("<", instruct.MaxLongTextLength))
	r, err := f.l.Create(f.ctx, applicant, long, f.tick())
	if err != nil {
		t.Fatalf("Create() of %d bytes = %v, want it within the quota", 6*instruct.MaxLongTextLength, err)
	}
	_, err = f.l.Create(f.ctx, applicant, long, f.tick())
	wantCode(t, "Create() past 64 KiB held", err, instruct.CodeTooLarge)
	if !strings.Contains(instruct.ErrorMessage(err), "64 KiB") {
		t.Errorf("Create() past the quota says %q, want it to name the quota", instruct.ErrorMessage(err))
	}
	edit := instruct.Mutation{RequestID: r.ID, IfMatch: r.Version, Now: f.tick(), Change: update(instruct.RequestPatch{
		LegalBasis: &instruct.LegalBasis{Nature: strings.Repeat(">", instruct.MaxLongTextLength)}})}
	_, err = f.l.Apply(f.ctx, edit)
	wantCode(t, "an edit past 64 KiB held", err, instruct.CodeTooLarge)
	if _, err := f.l.Create(f.ctx, reviewer, long, f.tick()); err != nil {
		t.Errorf("Create() by another user = %v, want their own quota", err)
	}
}

// update is an applicant's edit setting p.
func update(p instruct.RequestPatch) instruct.Change {
	return instruct.Edit{Actor: applicant, Patch: p}
}

// edit applies an edit of r's title to n and returns the request after it.
func (f *fixture) edit(r instruct.Request, n int) (instruct.Request, error) {
	m := instruct.Mutation{RequestID: r.ID, IfMatch: r.Version, Now: f.tick(),
		Change: update(instruct.RequestPatch{Title: ptr(strings.Repeat("é", n%50+1))})}
	out, err := f.l.Apply(f.ctx, m)
	return out.Request, err
}

func testEditsBounded(t *testing.T, open opener) {
	f := boundsFixture(t, open, roomy)
	r := f.create("api_particulier", "Cantine")
	var err error
	for i := range instruct.MaxEditsPerRequest {
		if r, err = f.edit(r, i); err != nil {
			t.Fatalf("edit %d = %v, want it accepted", i+1, err)
		}
	}
	_, err = f.edit(r, instruct.MaxEditsPerRequest)
	wantCode(t, "an edit past the most a request may have", err, instruct.CodeInvalid)
	if !strings.Contains(instruct.ErrorMessage(err), "edited 200 times") {
		t.Errorf("the refused edit says %q, want it to say how many edits were made", instruct.ErrorMessage(err))
	}
	f.do(r, instruct.KindNote, "Le demandeur modifie sans cesse sa demande.")
}

func testEventsBounded(t *testing.T, open opener) {
	f := boundsFixture(t, open, roomy)
	r := f.create("api_particulier", "Cantine")
	for range instruct.MaxEventsPerRequest - 1 {
		f.do(r, instruct.KindNote, "Note.")
	}
	m := f.mutation(r, instruct.KindNote, "Une de trop.")
	m.IfMatch = 0
	_, err := f.l.Apply(f.ctx, m)
	wantCode(t, "a note past the most events a request may hold", err, instruct.CodeInvalid)
	events, err := f.l.Events(f.ctx, r.ID)
	if err != nil || len(events) != instruct.MaxEventsPerRequest {
		t.Errorf("Events() = %d events, %v; want %d", len(events), err, instruct.MaxEventsPerRequest)
	}
}

func testDiffStoredCut(t *testing.T, open opener) {
	f := boundsFixture(t, open, roomy)
	long := draft("api_particulier", "Cantine")
	long.Description = ptr(strings.Repeat("<", instruct.MaxLongTextLength))
	r, err := f.l.Create(f.ctx, applicant, long, f.tick())
	if err != nil {
		t.Fatal(err)
	}
	changed := strings.Repeat(">", instruct.MaxLongTextLength)
	m := instruct.Mutation{RequestID: r.ID, IfMatch: r.Version, Now: f.tick(),
		Change: update(instruct.RequestPatch{Description: &changed})}
	out, err := f.l.Apply(f.ctx, m)
	if err != nil {
		t.Fatal(err)
	}
	if out.Request.Description != changed {
		t.Errorf("the request's description is %d characters, want the whole %d", len(out.Request.Description), len(changed))
	}
	events, err := f.l.Events(f.ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		for side, v := range e.Diff["description"] {
			s, _ := v.(string)
			if s == "" { // the description before the draft was created
				continue
			}
			if n := utf8.RuneCountInString(s); n > instruct.DiffTextLength || !strings.HasSuffix(s, instruct.CutMarker) {
				t.Errorf("%s event's description[%d] is stored %d characters long (%.10q…), want at most %d ending in %q",
					e.Kind, side, n, s, instruct.DiffTextLength, instruct.CutMarker)
			}
		}
	}
	if res, err := f.l.Verify(f.ctx); err != nil || !res.OK() {
		t.Errorf("Verify() after cut diffs = %+v, %v; want the chain to hold", res, err)
	}
}

func testRequestWeight(t *testing.T, open opener) {
	f := boundsFixture(t, open, roomy)
	r := f.create("api_particulier", "Cantine")
	heavy := func(q *instruct.Request) (instruct.Event, bool, error) {
		q.Description = strings.Repeat("<", instruct.MaxRequestBytes/6+1)
		return instruct.Event{Kind: instruct.KindUpdate, Actor: applicant}, true, nil
	}
	_, err := f.l.Apply(f.ctx, instruct.Mutation{RequestID: r.ID, IfMatch: r.Version, Now: f.tick(), Change: instruct.ChangeFunc(heavy)})
	wantCode(t, "a change making the request heavier than MaxRequestBytes", err, instruct.CodeTooLarge)
	got, _, err := f.l.Request(f.ctx, r.ID)
	if err != nil || got.Version != r.Version {
		t.Errorf("Request() after the refused change = version %d, %v; want %d, unchanged", got.Version, err, r.Version)
	}
}
