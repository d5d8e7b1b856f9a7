package review_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/review"
)

// catalogue is the one API the tests file requests for.
var catalogue = []instruct.Definition{{ID: "api_particulier", Name: "API Particulier",
	Scopes: []instruct.Scope{{ID: "cnaf_quotient_familial", Label: "Quotient familial CAF & MSA"}}}}

// fixture is a service on a real SQLite ledger with an applicant, an
// instructor and a reporter.
type fixture struct {
	ctx                            context.Context
	svc                            *review.Service
	applicant, instructor, support instruct.User
}

func newFixture(t *testing.T) fixture {
	t.Helper()
	ctx := context.Background()
	l, err := ledger.Open(ctx, filepath.Join(t.TempDir(), "ledger.db"))
	if err != nil {
		t.Fatalf("ledger.Open = %v", err)
	}
	t.Cleanup(func() { l.Close() })
	add := func(name, email string, grants ...instruct.Grant) instruct.User {
		u, err := l.AddUser(ctx, instruct.User{Name: name, Email: email, Roles: grants})
		if err != nil {
			t.Fatalf("AddUser(%s) = %v", name, err)
		}
		return u
	}
	return fixture{
		ctx:        ctx,
		svc:        review.New(review.Config{Storage: l, Catalogue: catalogue}),
		applicant:  add("Agnès Lambert", "agnes.lambert@ville-calais.fr"),
		instructor: add("Marie Dupont", "marie.dupont@interieur.gouv.fr", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor}),
		support:    add("Rémi Support", "remi@interieur.gouv.fr", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleReporter}),
	}
}

// submitted files and submits a complete request as the applicant.
func (f fixture) submitted(t *testing.T) instruct.Request {
	t.Helper()
	def, title, desc, months, yes := "api_particulier", "Cantine", "Tarif de la cantine selon le quotient familial.", 12, true
	scopes := []string{"cnaf_quotient_familial"}
	req, err := f.svc.Create(f.ctx, f.applicant, instruct.RequestPatch{
		Definition: &def, Title: &title, Description: &desc,
		Organization: &instruct.Organization{SIRET: "21690123100011", Name: "Ville de Lyon", City: "Lyon"},
		Contacts:     &[]instruct.Contact{{Role: instruct.ContactDPO, Name: "Nora Benali", Email: "dpo@mairie-lyon.fr"}},
		LegalBasis:   &instruct.LegalBasis{Nature: "Code de l'éducation, article R531-52", URL: "https://www.legifrance.gouv.fr/"},
		Scopes:       &scopes, DataRecipients: &desc, RetentionMonths: &months, TermsAccepted: &yes, DPOInformed: &yes,
	})
	if err != nil {
		t.Fatalf("Create = %v", err)
	}
	out, err := f.svc.Submit(f.ctx, f.applicant, req.ID, review.Precondition{IfMatch: req.Version})
	if err != nil {
		t.Fatalf("Submit = %v", err)
	}
	return out.Request
}

// TestDecideInProcess: a decision made in-process, as an SSH session
// makes it, applies once per key, is published to the subscribers who may
// see it, and a retry replays it.
func TestDecideInProcess(t *testing.T) {
	f := newFixture(t)
	r := f.submitted(t)
	watching := f.svc.Subscribe(f.support)
	defer watching.Close()
	pre := review.Precondition{IfMatch: r.Version, IdempotencyKey: "0192f1c4-7d3a-7b8e-9f10-1a2b3c4d5e6f"}
	out, err := f.svc.Decide(f.ctx, f.instructor, r.ID, instruct.KindApprove, "", pre)
	if err != nil || out.Request.Status != instruct.StatusValidated || out.Replayed {
		t.Fatalf("Decide(approve) = %v, %v (replayed %v), want validated", out.Request.Status, err, out.Replayed)
	}
	select {
	case <-watching.Wake():
		if got := watching.Take(); got != out.Event.Seq {
			t.Errorf("Take() = %d, want the decision's seq %d", got, out.Event.Seq)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the support subscriber was not told of the decision")
	}
	again, err := f.svc.Decide(f.ctx, f.instructor, r.ID, instruct.KindApprove, "", pre)
	if err != nil || !again.Replayed || again.Event.Seq != out.Event.Seq {
		t.Errorf("Decide(same key) = seq %d replayed %v, %v; want a replay of seq %d", again.Event.Seq, again.Replayed, err, out.Event.Seq)
	}
}

// TestServiceRules: the rules hold in-process as over HTTP, each with its
// code.
func TestServiceRules(t *testing.T) {
	f := newFixture(t)
	r := f.submitted(t)
	outsider := instruct.User{ID: "u-outsider", Name: "Oscar", Roles: []instruct.Grant{{Definition: "api_entreprise", Role: instruct.RoleInstructor}}}
	cases := []struct {
		name string
		do   func() error
		want instruct.Code
	}{
		{"reporter decides", func() error {
			_, err := f.svc.Decide(f.ctx, f.support, r.ID, instruct.KindApprove, "", review.Precondition{IfMatch: r.Version})
			return err
		}, instruct.CodeForbidden},
		{"outsider reads", func() error { _, _, err := f.svc.Visible(f.ctx, outsider, r.ID); return err }, instruct.CodeNotFound},
		{"refusal with a blank comment", func() error {
			_, err := f.svc.Decide(f.ctx, f.instructor, r.ID, instruct.KindRefuse, " \u3000\u200b", review.Precondition{IfMatch: r.Version})
			return err
		}, instruct.CodeCommentRequired},
		{"stale version", func() error {
			_, err := f.svc.Decide(f.ctx, f.instructor, r.ID, instruct.KindApprove, "", review.Precondition{IfMatch: r.Version - 1})
			return err
		}, instruct.CodeStaleVersion},
		{"a note is not a decision", func() error {
			_, err := f.svc.Decide(f.ctx, f.instructor, r.ID, instruct.KindNote, "x", review.Precondition{IfMatch: r.Version})
			return err
		}, instruct.CodeInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := instruct.ErrorCode(c.do()); got != c.want {
				t.Errorf("%s: code = %q, want %q", c.name, got, c.want)
			}
		})
	}
}
