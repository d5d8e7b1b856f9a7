package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
)

// reopening turns request id of the cache into a reopening waiting for a
// decision, as the feed brings it after the applicant reopened, changed
// its scopes and submitted: its first scope kept, its others removed, one
// added, reviewed against active habilitation H9001 (approved on 12 March
// 2026, with an obsolete H9000 before it); the organisation lacks
// FranceConnect. It returns the request and the habilitation.
func reopening(t *testing.T, st *store.Store, id instruct.RequestID) (instruct.Request, instruct.Habilitation) {
	t.Helper()
	ctx := context.Background()
	r, err := st.Request(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	defs := definitions(t, st)
	catalogue := defs[r.Definition].Scopes
	var added string
	for _, s := range catalogue {
		if !contains(r.Scopes, s.ID) {
			added = s.ID
			break
		}
	}
	if added == "" || len(r.Scopes) < 2 {
		t.Fatalf("%s asks for %d scopes of %d: no room for a change", id, len(r.Scopes), len(catalogue))
	}
	approved := time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)
	h := instruct.Habilitation{ID: 9001, RequestID: id, Definition: r.Definition, Status: instruct.HabilitationActive,
		Version: 1, Organization: r.Organization, Applicant: r.Applicant, LegalBasis: r.LegalBasis,
		Scopes: append([]string{}, r.Scopes...), RetentionMonths: r.RetentionMonths,
		ApprovedBy: instruct.Actor{ID: "r9", Name: "Paul Martin"}, Comment: "Validé.", CreatedAt: approved}
	old := h
	old.ID, old.Status, old.Scopes, old.CreatedAt = 9000, instruct.HabilitationObsolete, r.Scopes[:1], approved.AddDate(-1, 0, 0)
	r.Scopes = []string{r.Scopes[0], added}
	r.Reopening, r.Version = true, r.Version+3
	r.HabilitationIDs = []instruct.HabilitationID{9000, 9001}
	r.Checks = []instruct.Check{{Code: instruct.CheckMissingPrerequisite, Definition: "france_connect"}}
	item := instruct.FeedItem{Seq: 1 << 40, Request: r, Habilitations: []instruct.Habilitation{old, h}}
	if err := st.ApplyPage(ctx, []instruct.FeedItem{item}, "reopened"); err != nil {
		t.Fatal(err)
	}
	return r, h
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// scopeLabel returns the catalogue label of scope id of definition def.
func scopeLabel(t *testing.T, st *store.Store, def, id string) string {
	for _, s := range definitions(t, st)[def].Scopes {
		if s.ID == id {
			return s.Label
		}
	}
	t.Fatalf("no scope %s in %s", id, def)
	return ""
}

// TestReopeningReviewedAgainstTheActiveHabilitation: the review of a
// reopening says which habilitation it changes and since when, marks each
// scope kept, added or removed against it with its label and a word (no
// colour needed), and flags the missing prerequisite by its name, in both
// languages.
func TestReopeningReviewedAgainstTheActiveHabilitation(t *testing.T) {
	for _, tc := range []struct {
		lang, header, kept, added, removed, prerequisite string
	}{
		{"fr", "Réouverture de H9001 (active depuis le 12 mars 2026)", "conservée", "ajoutée", "retirée", "Aucune habilitation FranceConnect active pour ce SIRET"},
		{"en", "Reopening of H9001 (active since 12 March 2026)", "kept", "added", "removed", "No active FranceConnect habilitation for this SIRET"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			f := newFixture(t)
			r, h := reopening(t, f.st, f.decidable)
			d := newDriver(t, Options{Cache: f.st, Lang: tc.lang}, 200, 50)
			d.selectRequest(r.ID)
			d.keys("enter")
			screen := d.screen()
			golden(t, "reopening-"+tc.lang+"-200x50", screen)
			for _, want := range []string{tc.header, tc.prerequisite} {
				if !strings.Contains(screen, want) {
					t.Errorf("the review lacks %q:\n%s", want, screen)
				}
			}
			scopes := strings.Join(strings.Fields(strings.Join(d.m.review.PaneLines(2), " ")), " ")
			for _, want := range []string{
				"= " + scopeLabel(t, f.st, r.Definition, r.Scopes[0]) + " (" + r.Scopes[0] + ") · " + tc.kept,
				"+ " + scopeLabel(t, f.st, r.Definition, r.Scopes[1]) + " (" + r.Scopes[1] + ") · " + tc.added,
				"− " + scopeLabel(t, f.st, r.Definition, h.Scopes[1]) + " (" + h.Scopes[1] + ") · " + tc.removed,
			} {
				if want = strings.Join(strings.Fields(want), " "); !strings.Contains(scopes, want) {
					t.Errorf("the scopes pane lacks %q:\n%s", want, scopes)
				}
			}
		})
	}
}

// TestHabilitationsViewRevokesOne: H lists the habilitations by status,
// searchable; Enter shows one with who approved it; R asks a comment,
// then a confirmation naming the organisation, the API and the scopes
// that lose access, and y records the revocation of that habilitation
// alone in the outbox.
func TestHabilitationsViewRevokesOne(t *testing.T) {
	f := newFixture(t)
	r, h := reopening(t, f.st, f.decidable)
	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 120, 40)
	d.keys("H")
	counts, err := f.st.HabilitationCounts(context.Background(), instruct.HabilitationSearch{})
	if err != nil {
		t.Fatal(err)
	}
	tabs := fmt.Sprintf("[active %d]  obsolete %d", counts[instruct.HabilitationActive], counts[instruct.HabilitationObsolete])
	if s := d.screen(); !strings.Contains(s, "Habilitations") || !strings.Contains(s, tabs) {
		t.Fatalf("H shows, without %q:\n%s", tabs, s)
	}
	d.keys("/")
	d.typeText("900")
	d.keys("enter")
	golden(t, "habilitations-en-120x40", d.screen())
	if s := d.screen(); !strings.Contains(s, "[active 1]  obsolete 1") || !strings.Contains(s, "H9001") || strings.Contains(s, "H9000") {
		t.Errorf("searching 900 in the active tab shows:\n%s", s)
	}
	d.keys("tab")
	if s := d.screen(); !strings.Contains(s, "H9000") || strings.Contains(s, "H9001") {
		t.Errorf("the obsolete tab shows:\n%s", s)
	}
	d.keys("shift+tab")
	d.keys("enter")
	if s := d.screen(); !strings.Contains(s, "Approved by Paul Martin on 12 March 2026") || !strings.Contains(s, "No token issued") {
		t.Errorf("the habilitation's screen shows:\n%s", s)
	}
	d.keys("R", "enter")
	if s := d.screen(); !strings.Contains(s, "Revoke H9001") || !strings.Contains(s, "comment") {
		t.Errorf("R then Enter without a comment shows:\n%s", s)
	}
	d.typeText("Convention résiliée")
	d.keys("enter")
	label := scopeLabel(t, f.st, r.Definition, h.Scopes[0])
	if s := d.screen(); !strings.Contains(s, r.Organization.Name+" loses access to") || !strings.Contains(s, label) {
		t.Errorf("the confirmation shows:\n%s", s)
	}
	if ops, _ := f.st.Pending(context.Background()); len(ops) != 0 {
		t.Fatalf("before y the outbox holds %+v", ops)
	}
	d.keys("y")
	ops, err := f.st.Pending(context.Background())
	if err != nil || len(ops) != 1 || ops[0].HabilitationID != 9001 || ops[0].Comment != "Convention résiliée" {
		t.Fatalf("after y the outbox holds %+v, %v; want the revocation of H9001", ops, err)
	}
	if s := d.screen(); !strings.Contains(s, "H9001: revocation recorded") || !strings.Contains(s, "⧗ revocation waiting to sync") {
		t.Errorf("after y the screen shows:\n%s", s)
	}
	d.keys("esc", "enter")
	if s := d.screen(); !strings.Contains(s, "⧗ revocation waiting to sync") {
		t.Errorf("the habilitation opened again does not say its revocation waits:\n%s", s)
	}
}

// TestTransferOffersKnownEmails: T on a request offers the e-mails the
// cache knows as they are typed, takes one typed by hand, asks a comment
// and a confirmation naming who the request goes to, then records the
// transfer.
func TestTransferOffersKnownEmails(t *testing.T) {
	f := newFixture(t)
	d := newDriver(t, Options{Cache: f.st, Lang: "fr"}, 120, 40)
	d.selectRequest(f.decidable)
	r, err := f.st.Request(context.Background(), f.decidable)
	if err != nil {
		t.Fatal(err)
	}
	d.keys("T")
	prefix := r.Applicant.Email[:strings.Index(r.Applicant.Email, "@")+1]
	d.typeText(prefix)
	if s := d.screen(); !strings.Contains(s, r.Applicant.Email) {
		t.Errorf("T after %q does not offer %s:\n%s", prefix, r.Applicant.Email, s)
	}
	for range prefix {
		d.keys("backspace")
	}
	d.typeText("jean.martin@exemple.fr")
	d.keys("enter")
	d.typeText("Marie a quitté le service")
	d.keys("enter")
	if s := d.screen(); !strings.Contains(s, "et ses habilitations passent à jean.martin@exemple.fr") {
		t.Errorf("the confirmation shows:\n%s", s)
	}
	d.keys("y")
	ops, err := f.st.Pending(context.Background())
	if err != nil || len(ops) != 1 || ops[0].Kind != instruct.KindTransfer || ops[0].To != "jean.martin@exemple.fr" {
		t.Fatalf("after y the outbox holds %+v, %v; want the transfer", ops, err)
	}
}

// TestOrganizationHistory: O shows the organisation's other requests and
// habilitations, with statuses and dates; Esc goes back.
func TestOrganizationHistory(t *testing.T) {
	f := newFixture(t)
	r, _ := reopening(t, f.st, f.decidable)
	d := newDriver(t, Options{Cache: f.st, Lang: "fr"}, 120, 40)
	d.selectRequest(r.ID)
	d.keys("enter", "O")
	s := d.screen()
	for _, want := range []string{"Historique de " + r.Organization.Name, r.ID.String(), "H9001", "H9000", "obsolète", "12 mars 2026"} {
		if !strings.Contains(s, want) {
			t.Errorf("O lacks %q:\n%s", want, s)
		}
	}
	d.keys("esc")
	if strings.Contains(d.screen(), "Historique de") {
		t.Errorf("Esc left the history on screen")
	}
}

// TestRevokingARequestNamesWhatLosesAccess: R on an approved request
// asks a comment and confirms naming the organisation, the API and the
// scopes of its active habilitation that lose access.
func TestRevokingARequestNamesWhatLosesAccess(t *testing.T) {
	f := newFixture(t)
	items, err := f.st.Queue(context.Background(), instruct.QueueQuery{Statuses: []instruct.Status{instruct.StatusValidated}})
	if err != nil || len(items) == 0 {
		t.Fatalf("Queue(validated) = %d, %v", len(items), err)
	}
	var it instruct.QueueItem
	me := reviewer(t)
	for _, c := range items {
		if me.CanDecide(c.Definition) {
			it = c
			break
		}
	}
	r, err := f.st.Request(context.Background(), it.ID)
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 120, 40)
	d.selectRequest(it.ID)
	d.keys("enter", "R")
	d.typeText("Fin de la convention")
	d.keys("ctrl+s")
	s := strings.Join(strings.Fields(d.screen()), " ")
	want := r.Organization.Name + " loses access to"
	if !strings.Contains(s, want) || !strings.Contains(s, scopeLabel(t, f.st, r.Definition, r.Scopes[0])) {
		t.Errorf("the confirmation of R lacks %q and the first scope's label:\n%s", want, d.screen())
	}
}

// TestHabilitationShowsItsToken: a habilitation whose token the provider
// issued says when, from the request's history, and the token's ID.
func TestHabilitationShowsItsToken(t *testing.T) {
	f := newFixture(t)
	r, h := reopening(t, f.st, f.decidable)
	token, at := "tok-42", time.Date(2026, 3, 14, 8, 0, 0, 0, time.UTC)
	h.ExternalID = &token
	item := instruct.FeedItem{Seq: 1<<40 + 1, Request: r, Habilitations: []instruct.Habilitation{h},
		Events: []instruct.Event{{Seq: 1<<40 + 1, RequestID: r.ID, Kind: instruct.KindTokenDelivered, HabilitationID: h.ID,
			Actor: instruct.Actor{ID: "system", Name: "instruct"}, At: at}}}
	if err := f.st.ApplyPage(context.Background(), []instruct.FeedItem{item}, "token"); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Options{Cache: f.st, Lang: "fr"}, 120, 40)
	d.keys("H", "/")
	d.typeText("9001")
	d.keys("enter", "enter")
	if s := d.screen(); !strings.Contains(s, "Jeton délivré par le fournisseur le 14 mars 2026 (tok-42)") {
		t.Errorf("the habilitation's screen lacks its token:\n%s", s)
	}
}

// TestRefusedTransferSaysWhy: a transfer the server refused for an
// unknown e-mail shows, on its request, that nobody has that e-mail.
func TestRefusedTransferSaysWhy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	op, err := f.st.RecordTransfer(ctx, f.decidable, "nobody@exemple.fr", "Départ de l'agent")
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.Reject(ctx, op.ID, instruct.CodeInvalid, "no user has the e-mail"); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Options{Cache: f.st, Lang: "fr"}, 200, 50)
	d.selectRequest(f.decidable)
	d.keys("enter")
	if s := strings.Join(strings.Fields(d.screen()), " "); !strings.Contains(s, "aucun utilisateur n’a l’e-mail nobody@exemple.fr") {
		t.Errorf("the refused transfer does not say why:\n%s", d.screen())
	}
}
