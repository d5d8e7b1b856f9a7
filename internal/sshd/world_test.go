package sshd

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/replica"
	"github.com/instruct-dev/instruct/internal/review"
	"github.com/instruct-dev/instruct/internal/store"
)

// world is a real ledger (SQLite file) with its review service, and the
// read model of ssh-serve over it: a real store cache kept by a Follow
// engine on the in-process Feed.
type world struct {
	t      *testing.T
	ledger *ledger.Ledger
	svc    *review.Service
	cache  *store.Store
	model  *model
	desks  *desks
}

// newWorld opens the ledger and the read model and starts its engine,
// stopped at the end of the test.
func newWorld(t *testing.T) *world {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	l, err := ledger.Open(ctx, filepath.Join(dir, "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	defs, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	svc := review.New(review.Config{Storage: l, Catalogue: defs})
	cache, err := store.Open(ctx, filepath.Join(dir, "read-model", "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cache.Close() })
	// The feed polls the ledger only hourly: what reaches the read model
	// comes through the service's own announcements or a trigger.
	engine := replica.Follow(cache, NewFeed(svc, l, time.Hour), replica.Options{})
	m := startModel(cache, engine, slog.New(slog.DiscardHandler))
	t.Cleanup(m.close)
	w := &world{t: t, ledger: l, svc: svc, cache: cache, model: m, desks: newDesks(m.hub)}
	w.waitReady()
	return w
}

func (w *world) waitReady() {
	w.t.Helper()
	select {
	case <-w.model.ready:
	case <-time.After(30 * time.Second):
		w.t.Fatal("the read model's first sync never ended")
	}
}

// addUser creates a user with grants given as "definition:role".
func (w *world) addUser(id string, grants ...instruct.Grant) instruct.User {
	w.t.Helper()
	u, err := w.ledger.AddUser(context.Background(), instruct.User{ID: id, Name: "Agent " + id,
		Email: id + "@support.example.gouv.fr", Roles: grants})
	if err != nil {
		w.t.Fatalf("AddUser(%s) = %v", id, err)
	}
	return u
}

// view returns a session's view for u, on u's desk.
func (w *world) view(u instruct.User) *view {
	return newView(w.model, w.svc, w.desks.of(u.ID), u, time.Now)
}

// submitted creates and submits a complete request of applicant a,
// through the service as the API would.
func (w *world) submitted(a instruct.User, def, title string) instruct.Request {
	w.t.Helper()
	ctx := context.Background()
	r, err := w.svc.Create(ctx, a, fullPatch(def, title))
	if err != nil {
		w.t.Fatalf("Create(%s) = %v", def, err)
	}
	out, err := w.svc.Submit(ctx, a, r.ID, review.Precondition{IfMatch: r.Version})
	if err != nil {
		w.t.Fatalf("Submit(%s) = %v", r.ID, err)
	}
	return out.Request
}

// caughtUp waits until the read model holds every change made so far.
func (w *world) caughtUp() {
	w.t.Helper()
	last, err := w.ledger.LastSeq(context.Background())
	if err != nil {
		w.t.Fatal(err)
	}
	if !w.model.caughtUp(context.Background(), last) {
		w.t.Fatalf("the read model did not reach seq %d", last)
	}
}

// fullPatch returns the fields of a complete request for definition def,
// ready to submit.
func fullPatch(def, title string) instruct.RequestPatch {
	scopes := map[string][]string{
		"api_particulier": {"cnaf_quotient_familial", "cnaf_enfants"},
		"api_entreprise":  {"unites_legales_etablissements_insee"},
	}[def]
	months, yes := 12, true
	return instruct.RequestPatch{
		Definition:   &def,
		Title:        &title,
		Description:  ptr("Calcul du tarif de la cantine scolaire selon le quotient familial, sans justificatif papier."),
		Organization: &instruct.Organization{SIRET: "21690123100011", Name: "Ville de Lyon", City: "Lyon"},
		Contacts: &[]instruct.Contact{
			{Role: instruct.ContactDPO, Name: "Nora Benali", Email: "dpo@mairie-lyon.fr", Phone: "0472100000", JobTitle: "Déléguée à la protection des données"},
		},
		LegalBasis:      &instruct.LegalBasis{Nature: "Code de l'éducation, article R531-52", URL: "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000020743006"},
		Scopes:          &scopes,
		DataRecipients:  ptr("Agents du service Éducation"),
		RetentionMonths: &months,
		Volumetry:       ptr("1 000 appels par jour"),
		ProductionDate:  ptr("2027-01-15"),
		TermsAccepted:   &yes,
		DPOInformed:     &yes,
	}
}

func ptr[T any](v T) *T { return &v }

// decisions returns the decision and note events of request id in the
// ledger.
func (w *world) decisions(id instruct.RequestID) []instruct.Event {
	w.t.Helper()
	events, err := w.ledger.Events(context.Background(), id)
	if err != nil {
		w.t.Fatal(err)
	}
	var out []instruct.Event
	for _, e := range events {
		if e.Kind.IsDecision() || e.Kind.IsNote() {
			out = append(out, e)
		}
	}
	return out
}
