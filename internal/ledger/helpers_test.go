package ledger

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// t0 is the time the tests' histories start at.
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

var (
	applicant = instruct.Actor{ID: "u-applicant", Name: "Camille Martin"}
	reviewer  = instruct.Actor{ID: "u-reviewer", Name: "Jeanne Durand"}
)

func ptr[T any](v T) *T { return &v }

// draft is the patch of a new request of definition def titled title.
func draft(def, title string) instruct.RequestPatch {
	return instruct.RequestPatch{
		Definition:    ptr(def),
		Title:         ptr(title),
		Organization:  &instruct.Organization{SIRET: "21690123100011", Name: "Ville de Lyon", City: "Lyon"},
		Applicant:     &instruct.Person{Name: "Camille Martin", Email: "camille.martin@mairie-lyon.fr"},
		LegalBasis:    &instruct.LegalBasis{Nature: "Article L114-8 du CRPA", URL: "https://www.legifrance.gouv.fr/"},
		Scopes:        ptr([]string{"cnaf_quotient_familial"}),
		TermsAccepted: ptr(true),
		DPOInformed:   ptr(true),
	}
}

// change returns the Apply of a mutation recording an event of kind k by
// actor: the status moves as instruct.Transition says, the version bumps
// unless k is a note or message.
func change(k instruct.Kind, actor instruct.Actor, comment string) instruct.Change {
	return instruct.ChangeFunc(func(r *instruct.Request) (instruct.Event, bool, error) {
		if err := instruct.CheckComment(k, comment); err != nil {
			return instruct.Event{}, false, err
		}
		to, err := instruct.Transition(r.Status, k)
		if err != nil {
			return instruct.Event{}, false, err
		}
		r.Status = to
		return instruct.Event{Kind: k, Actor: actor, Comment: comment}, !k.IsNote(), nil
	})
}

// fixture drives one ledger in a test.
type fixture struct {
	t   *testing.T
	l   *Ledger
	ctx context.Context
	// clock advances by a minute at every use.
	clock time.Time
}

func newFixture(t *testing.T, open func(t *testing.T) *Ledger) *fixture {
	return &fixture{t: t, l: open(t), ctx: context.Background(), clock: t0}
}

func (f *fixture) tick() time.Time {
	f.clock = f.clock.Add(time.Minute)
	return f.clock
}

// create stores a new draft of definition def, created by the applicant.
func (f *fixture) create(def, title string) instruct.Request {
	f.t.Helper()
	r, err := f.l.Create(f.ctx, applicant, draft(def, title), f.tick())
	if err != nil {
		f.t.Fatalf("Create(%s) = %v", def, err)
	}
	return r
}

// mutation is a mutation of request r, based on its version, recording
// an event of kind k.
func (f *fixture) mutation(r instruct.Request, k instruct.Kind, comment string) instruct.Mutation {
	return instruct.Mutation{RequestID: r.ID, IfMatch: r.Version, Now: f.tick(), Change: change(k, reviewer, comment)}
}

// do applies an event of kind k to r and returns the outcome.
func (f *fixture) do(r instruct.Request, k instruct.Kind, comment string) instruct.Outcome {
	f.t.Helper()
	m := f.mutation(r, k, comment)
	if k.IsNote() {
		m.IfMatch = 0
	}
	out, err := f.l.Apply(f.ctx, m)
	if err != nil {
		f.t.Fatalf("Apply(%s %s) = %v", r.ID, k, err)
	}
	return out
}

// kinds returns the kinds of events, for compact comparisons.
func kinds(events []instruct.Event) []instruct.Kind {
	out := make([]instruct.Kind, len(events))
	for i, e := range events {
		out[i] = e.Kind
	}
	return out
}

// seqs returns the seqs of events.
func seqs(events []instruct.Event) []int64 {
	out := make([]int64, len(events))
	for i, e := range events {
		out[i] = e.Seq
	}
	return out
}

func wantCode(t *testing.T, what string, err error, code instruct.Code) {
	t.Helper()
	if got := instruct.ErrorCode(err); got != code {
		t.Fatalf("%s: error %v has code %q, want %q", what, err, got, code)
	}
}

// exec runs a raw statement on the ledger's file, to tamper with it.
func exec(t *testing.T, l *Ledger, query string, args ...any) {
	t.Helper()
	if _, err := l.writer.ExecContext(context.Background(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

// histories builds n synthetic histories of create, update, submit, note
// and a decision, for imports and benchmarks.
func histories(n int, definitions ...string) []instruct.History {
	hs := make([]instruct.History, n)
	for i := range hs {
		at := t0.Add(time.Duration(i) * time.Second)
		r := instruct.Request{
			Definition: definitions[i%len(definitions)], Status: instruct.StatusValidated, Version: 5,
			Title:        fmt.Sprintf("Tarification sociale de la cantine scolaire n°%d", i),
			Description:  "Calcul automatique du tarif de restauration scolaire selon le quotient familial.",
			Organization: instruct.Organization{SIRET: "21690123100011", Name: fmt.Sprintf("Commune %d", i), City: "Lyon"},
			Applicant:    instruct.Person{Name: "Camille Martin", Email: fmt.Sprintf("agent%d@mairie.fr", i)},
			Scopes:       []string{"cnaf_quotient_familial"}, Contacts: []instruct.Contact{},
			RetentionMonths: 12, TermsAccepted: true, DPOInformed: true,
			CreatedAt: at, UpdatedAt: at.Add(4 * time.Hour),
		}
		hs[i] = instruct.History{Request: r, CreatedBy: fmt.Sprintf("u-%d", i%50), Events: []instruct.Event{
			{Kind: instruct.KindCreate, Actor: applicant, At: at},
			{Kind: instruct.KindUpdate, Actor: applicant, At: at.Add(time.Hour),
				Diff: instruct.Diff{"scopes": {[]string{}, []string{"cnaf_quotient_familial"}}}},
			{Kind: instruct.KindSubmit, Actor: applicant, At: at.Add(2 * time.Hour)},
			{Kind: instruct.KindNote, Actor: reviewer, Comment: "Base légale vérifiée.", At: at.Add(3 * time.Hour)},
			{Kind: instruct.KindRequestChanges, Actor: reviewer, Comment: "Merci de préciser la durée.", At: at.Add(3 * time.Hour)},
			{Kind: instruct.KindApprove, Actor: reviewer, At: at.Add(4 * time.Hour)},
		}}
	}
	return hs
}
