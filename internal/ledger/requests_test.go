package ledger

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

func testRequestsFilters(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	f.create("api_particulier", "Cantine")                                  // D1000 draft
	f.do(f.create("api_entreprise", "Marchés"), instruct.KindSubmit, "")    // D1001 submitted
	f.do(f.create("api_particulier", "Transport"), instruct.KindSubmit, "") // D1002 submitted
	f.create("franceconnect", "Portail")                                    // D1003 draft
	f.create("api_particulier", "Crèche")                                   // D1004 draft
	all := instruct.Viewer{All: true}
	tests := []struct {
		name string
		q    instruct.ListQuery
		want []string
	}{
		{"everything", instruct.ListQuery{Viewer: all}, []string{"D1000", "D1001", "D1002", "D1003", "D1004"}},
		{"by status", instruct.ListQuery{Viewer: all, Statuses: []instruct.Status{instruct.StatusSubmitted}}, []string{"D1001", "D1002"}},
		{"by two statuses", instruct.ListQuery{Viewer: all, Statuses: []instruct.Status{instruct.StatusSubmitted, instruct.StatusDraft}}, []string{"D1000", "D1001", "D1002", "D1003", "D1004"}},
		{"by definition", instruct.ListQuery{Viewer: all, Definitions: []string{"api_particulier"}}, []string{"D1000", "D1002", "D1004"}},
		{"status and definition", instruct.ListQuery{Viewer: all, Definitions: []string{"api_particulier"}, Statuses: []instruct.Status{instruct.StatusDraft}}, []string{"D1000", "D1004"}},
		{"first page", instruct.ListQuery{Viewer: all, Limit: 2}, []string{"D1000", "D1001"}},
		{"page after D1001", instruct.ListQuery{Viewer: all, After: 1001, Limit: 2}, []string{"D1002", "D1003"}},
		{"past the end", instruct.ListQuery{Viewer: all, After: 1004}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := f.l.Requests(f.ctx, tc.q)
			if err != nil {
				t.Fatalf("Requests(%+v) = %v", tc.q, err)
			}
			if diff := cmp.Diff(tc.want, requestIDs(got)); diff != "" {
				t.Errorf("Requests(%+v) IDs (-want +got):\n%s", tc.q, diff)
			}
		})
	}
}

func testRequestsSearch(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	add := func(title, org, siret, email string) {
		p := draft("api_particulier", title)
		p.Organization = &instruct.Organization{Name: org, SIRET: siret, City: "Ville"}
		p.Applicant = &instruct.Person{Name: "Agent", Email: email}
		if _, err := f.l.Create(f.ctx, applicant, p, f.tick()); err != nil {
			t.Fatal(err)
		}
	}
	add("Cantine scolaire", "Ville de Lyon", "21690123100011", "agent@mairie-lyon.fr")          // D1000
	add("Éducation prioritaire", "CCAS de Lille", "21590350100017", "dpo@ccas-lille.fr")        // D1001
	add("Aide au transport à 100%", "Département du Cantal", "22150001400016", "x_y@cantal.fr") // D1002
	add("Titre\x00 abîmé \xff par un import", "Commune", "21690123100011", "a@b.fr")            // D1003
	tests := []struct {
		text string
		want []string
	}{
		{"D1001", []string{"D1001"}},
		{"d1001", []string{"D1001"}},
		{"1002", []string{"D1002"}},
		{"CANTINE", []string{"D1000"}},
		{"cant", []string{"D1000", "D1002"}},
		{"ÉDUCATION", []string{"D1001"}},
		{"lille", []string{"D1001"}},
		{"2159035", []string{"D1001"}},
		{"@mairie-lyon", []string{"D1000"}},
		{"100%", []string{"D1002"}},
		{"%", []string{"D1002"}},
		{"x_y", []string{"D1002"}},
		{"_", []string{"D1002"}},
		{"lyon cantine", []string{}},
		{"  lille  ", []string{"D1001"}},
		{"abîmé", []string{"D1003"}},
	}
	for _, tc := range tests {
		got, err := f.l.Requests(f.ctx, instruct.ListQuery{Viewer: instruct.Viewer{All: true}, Text: tc.text})
		if err != nil {
			t.Fatalf("Requests(text %q) = %v", tc.text, err)
		}
		if diff := cmp.Diff(tc.want, requestIDs(got)); diff != "" {
			t.Errorf("Requests(text %q) IDs (-want +got):\n%s", tc.text, diff)
		}
	}
}

func testVisibility(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	alice := instruct.Actor{ID: "u-alice", Name: "Alice"}
	bob := instruct.Actor{ID: "u-bob", Name: "Bob"}
	for _, c := range []struct {
		by  instruct.Actor
		def string
	}{{alice, "api_particulier"}, {bob, "api_entreprise"}, {alice, "api_entreprise"}, {bob, "franceconnect"}} {
		if _, err := f.l.Create(f.ctx, c.by, draft(c.def, "Demande"), f.tick()); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		v    instruct.Viewer
		want []string
	}{
		{"admin of all", instruct.Viewer{UserID: "u-admin", All: true, Definitions: []string{"*"}}, []string{"D1000", "D1001", "D1002", "D1003"}},
		{"reviewer of one API", instruct.Viewer{UserID: "u-rev", Definitions: []string{"api_entreprise"}}, []string{"D1001", "D1002"}},
		{"reviewer of two APIs", instruct.Viewer{UserID: "u-rev", Definitions: []string{"api_particulier", "franceconnect"}}, []string{"D1000", "D1003"}},
		{"applicant Alice", instruct.Viewer{UserID: alice.ID, ApplicantOnly: true}, []string{"D1000", "D1002"}},
		{"applicant Bob", instruct.Viewer{UserID: bob.ID, ApplicantOnly: true}, []string{"D1001", "D1003"}},
		{"applicant without requests", instruct.Viewer{UserID: "u-carol", ApplicantOnly: true}, []string{}},
		{"reviewer without roles", instruct.Viewer{UserID: "u-none"}, []string{}},
		{"reviewer of an unknown API", instruct.Viewer{UserID: "u-rev", Definitions: []string{"api_inconnue"}}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			listed, err := f.l.Requests(f.ctx, instruct.ListQuery{Viewer: tc.v})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, requestIDs(listed)); diff != "" {
				t.Errorf("Requests(viewer %+v) (-want +got):\n%s", tc.v, diff)
			}
			items, more, err := f.l.Changes(f.ctx, tc.v, 0, 100)
			if err != nil || more {
				t.Fatalf("Changes() = more %v, %v", more, err)
			}
			fed := make([]instruct.Request, len(items))
			for i, it := range items {
				fed[i] = it.Request
				if len(it.Events) != 1 || it.Events[0].RequestID != it.Request.ID {
					t.Errorf("Changes() item %s carries events %+v, want its create event", it.Request.ID, it.Events)
				}
			}
			if diff := cmp.Diff(tc.want, requestIDs(fed)); diff != "" {
				t.Errorf("Changes(viewer %+v) (-want +got):\n%s", tc.v, diff)
			}
		})
	}
}

func requestIDs(rs []instruct.Request) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.ID.String()
	}
	return out
}
