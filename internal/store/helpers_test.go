package store

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// base is the time the fixtures are built around.
var base = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// openTemp opens a fresh cache in a temporary directory, closed at the
// end of the test.
func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "cache", "instruct.db"))
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// testDefinitions is a small catalogue with real DataPass scope IDs and
// labels.
func testDefinitions() []instruct.Definition {
	return []instruct.Definition{
		{ID: "api_particulier", Name: "API Particulier", Provider: "dinum", Scopes: []instruct.Scope{
			{ID: "cnaf_quotient_familial", Label: "Quotient familial CAF & MSA", Group: "CAF & MSA"},
			{ID: "cnaf_enfants", Label: "Identités enfants", Group: "CAF & MSA"},
			{ID: "cnous_statut_boursier", Label: "Statut étudiant boursier", Group: "CNOUS"},
		}},
		{ID: "api_entreprise", Name: "API Entreprise", Provider: "dinum", Scopes: []instruct.Scope{
			{ID: "unites_legales_etablissements_insee", Label: "Données unités légales et établissements du répertoire Sirene", Group: "Informations générales"},
			{ID: "chiffre_affaires_dgfip", Label: "Chiffre d’affaires - DGFIP", Group: "Informations financières"},
		}},
	}
}

// request returns a submitted request n of API Particulier, submitted
// days before base.
func request(n instruct.RequestID, org string, days int) instruct.Request {
	submitted := base.Add(-time.Duration(days) * 24 * time.Hour)
	return instruct.Request{
		ID: n, Definition: "api_particulier", Status: instruct.StatusSubmitted,
		Version: 2, Title: "Inscription à la cantine scolaire",
		Organization: instruct.Organization{SIRET: "21690123100011", Name: org, City: "Lyon"},
		Applicant:    instruct.Person{Name: "Marie Dupont", Email: "marie.dupont@mairie-lyon.fr"},
		Scopes:       []string{"cnaf_quotient_familial"}, RetentionMonths: 12,
		CreatedAt: submitted.Add(-time.Hour), SubmittedAt: &submitted, UpdatedAt: submitted,
	}
}

// events returns a create and (unless a draft) a submit event of r,
// numbered from seq.
func events(r instruct.Request, seq int64) []instruct.Event {
	actor := instruct.Actor{ID: "u1", Name: "Marie Dupont"}
	evs := []instruct.Event{{Seq: seq, RequestID: r.ID, Kind: instruct.KindCreate, Actor: actor, At: r.CreatedAt}}
	if r.SubmittedAt != nil {
		evs = append(evs, instruct.Event{Seq: seq + 1, RequestID: r.ID, Kind: instruct.KindSubmit, Actor: actor, At: *r.SubmittedAt})
	}
	return evs
}

// feed returns feed items of the requests, with their events.
func feed(reqs ...instruct.Request) []instruct.FeedItem {
	items := make([]instruct.FeedItem, len(reqs))
	for i, r := range reqs {
		seq := int64(r.ID) * 10
		items[i] = instruct.FeedItem{Seq: seq, Request: r, Events: events(r, seq)}
	}
	return items
}

// mustApply applies the requests as one feed page.
func mustApply(t testing.TB, s *Store, reqs ...instruct.Request) {
	t.Helper()
	if err := s.ApplyPage(context.Background(), feed(reqs...), "c"); err != nil {
		t.Fatalf("ApplyPage() = %v", err)
	}
}

// mustRecord records an operation and fails the test on error.
func mustRecord(t testing.TB, s *Store, id instruct.RequestID, kind instruct.Kind, comment string) instruct.Operation {
	t.Helper()
	op, err := s.Record(context.Background(), id, kind, comment)
	if err != nil {
		t.Fatalf("Record(%s, %s) = %v", id, kind, err)
	}
	return op
}

// ids returns the IDs of queue items, in order.
func ids(items []instruct.QueueItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID.String()
	}
	return out
}
