package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// beforeHabilitations undoes migration 0006, making a cache of version 5.
var beforeHabilitations = []string{
	"DROP TABLE habilitations",
	"DROP INDEX requests_siret",
	"ALTER TABLE outbox DROP COLUMN habilitation",
	"ALTER TABLE outbox DROP COLUMN target",
}

// habItem returns request n of org (SIRET siret) validated, with its
// habilitations hs, as one feed item at seq.
func habItem(n instruct.RequestID, org, siret string, seq int64, hs ...instruct.Habilitation) instruct.FeedItem {
	r := request(n, org, 3)
	r.Status, r.Version = instruct.StatusValidated, 3
	r.Organization.SIRET = siret
	for i := range hs {
		hs[i].RequestID = n
		hs[i].Organization = r.Organization
		hs[i].Definition = r.Definition
		r.HabilitationIDs = append(r.HabilitationIDs, hs[i].ID)
	}
	return instruct.FeedItem{Seq: seq, Request: r, Events: events(r, seq), Habilitations: hs}
}

func hab(id instruct.HabilitationID, status instruct.HabilitationStatus, days int, scopes ...string) instruct.Habilitation {
	return instruct.Habilitation{ID: id, Status: status, Version: 1, Scopes: scopes,
		Applicant:  instruct.Person{Name: "Marie Dupont", Email: "marie.dupont@mairie-lyon.fr"},
		ApprovedBy: instruct.Actor{ID: "r1", Name: "Paul Martin"}, RetentionMonths: 12,
		CreatedAt: base.Add(-time.Duration(days) * 24 * time.Hour)}
}

func habIDs(hs []instruct.Habilitation) []string {
	out := []string{}
	for _, h := range hs {
		out = append(out, h.ID.String())
	}
	return out
}

func applyItems(t *testing.T, s *Store, items ...instruct.FeedItem) {
	t.Helper()
	if err := s.ApplyPage(context.Background(), items, "c"); err != nil {
		t.Fatalf("ApplyPage() = %v", err)
	}
}

// TestHabilitationsFromFeed: the habilitations a feed item carries are
// cached, read back whole, listed by status, API, SIRET, request and text,
// and counted by status.
func TestHabilitationsFromFeed(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	if err := s.PutDefinitions(ctx, testDefinitions()); err != nil {
		t.Fatal(err)
	}
	lyon, brest := "21690123100011", "21290019700011"
	applyItems(t, s,
		habItem(1042, "Ville de Lyon", lyon, 100, hab(2040, instruct.HabilitationObsolete, 90, "cnaf_quotient_familial"),
			hab(2041, instruct.HabilitationActive, 30, "cnaf_quotient_familial", "cnaf_enfants")),
		habItem(1043, "CCAS de Brest", brest, 110, hab(2050, instruct.HabilitationRevoked, 10, "cnous_statut_boursier")),
	)
	got, err := s.Habilitation(ctx, 2041)
	if err != nil {
		t.Fatalf("Habilitation(H2041) = %v", err)
	}
	if got.RequestID != 1042 || got.Status != instruct.HabilitationActive || len(got.Scopes) != 2 || got.ApprovedBy.Name != "Paul Martin" {
		t.Errorf("Habilitation(H2041) = %+v, want the active one of D1042 with its two scopes", got)
	}
	if _, err := s.Habilitation(ctx, 9999); instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("Habilitation(H9999) = %v, want not_found", err)
	}
	for _, tc := range []struct {
		name string
		q    instruct.HabilitationSearch
		want []string
	}{
		{"all, newest first", instruct.HabilitationSearch{}, []string{"H2050", "H2041", "H2040"}},
		{"active", instruct.HabilitationSearch{Statuses: []instruct.HabilitationStatus{instruct.HabilitationActive}}, []string{"H2041"}},
		{"siret", instruct.HabilitationSearch{SIRET: lyon}, []string{"H2041", "H2040"}},
		{"request", instruct.HabilitationSearch{RequestID: 1043}, []string{"H2050"}},
		{"definition", instruct.HabilitationSearch{Definition: "api_entreprise"}, []string{}},
		{"definitions a user sees", instruct.HabilitationSearch{Definitions: []string{"api_entreprise", "api_particulier"}}, []string{"H2050", "H2041", "H2040"}},
		{"definitions a user does not see", instruct.HabilitationSearch{Definitions: []string{"api_entreprise"}}, []string{}},
		{"no definition seen", instruct.HabilitationSearch{Definitions: []string{}}, []string{}},
		{"text id", instruct.HabilitationSearch{Text: "h2041"}, []string{"H2041"}},
		{"text organisation prefix, accents folded", instruct.HabilitationSearch{Text: "brÉs"}, []string{"H2050"}},
		{"text scope label", instruct.HabilitationSearch{Text: "identites enf"}, []string{"H2041"}},
		{"text request", instruct.HabilitationSearch{Text: "D1042"}, []string{"H2041", "H2040"}},
		{"text wildcard is literal", instruct.HabilitationSearch{Text: "%"}, []string{}},
		{"limit", instruct.HabilitationSearch{Limit: 1, Offset: 1}, []string{"H2041"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			hs, err := s.Habilitations(ctx, tc.q)
			if err != nil {
				t.Fatalf("Habilitations(%+v) = %v", tc.q, err)
			}
			if diff := cmp.Diff(tc.want, habIDs(hs)); diff != "" {
				t.Errorf("Habilitations(%+v) (-want +got):\n%s", tc.q, diff)
			}
		})
	}
	counts, err := s.HabilitationCounts(ctx, instruct.HabilitationSearch{SIRET: lyon, Statuses: []instruct.HabilitationStatus{instruct.HabilitationRevoked}})
	want := map[instruct.HabilitationStatus]int{instruct.HabilitationActive: 1, instruct.HabilitationObsolete: 1}
	if err != nil || !cmp.Equal(counts, want) {
		t.Errorf("HabilitationCounts(Lyon) = %v, %v, want %v", counts, err, want)
	}
	org, err := s.OrganizationRequests(ctx, lyon)
	if err != nil || len(org) != 1 || org[0].ID != 1042 || org[0].Status != instruct.StatusValidated {
		t.Errorf("OrganizationRequests(Lyon) = %+v, %v, want D1042 validated", org, err)
	}
}

// TestHabilitationLaterItemWins: a later item replaces a habilitation, an
// earlier one applied again does not; a reset feed forgets them.
func TestHabilitationLaterItemWins(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	applyItems(t, s, habItem(1042, "Ville de Lyon", "21690123100011", 100, hab(2041, instruct.HabilitationActive, 30, "cnaf_quotient_familial")))
	later := habItem(1042, "Ville de Lyon", "21690123100011", 120, hab(2041, instruct.HabilitationRevoked, 30, "cnaf_quotient_familial"))
	later.Request.Version = 4
	applyItems(t, s, later)
	applyItems(t, s, habItem(1042, "Ville de Lyon", "21690123100011", 100, hab(2041, instruct.HabilitationActive, 30, "cnaf_quotient_familial")))
	if h, err := s.Habilitation(ctx, 2041); err != nil || h.Status != instruct.HabilitationRevoked {
		t.Errorf("Habilitation(H2041) after an older item again = %s, %v, want revoked", h.Status, err)
	}
	// One page holding the habilitation twice keeps the later.
	again := habItem(1050, "Ville de Lyon", "21690123100011", 200, hab(2060, instruct.HabilitationActive, 30))
	revoked := habItem(1050, "Ville de Lyon", "21690123100011", 210, hab(2060, instruct.HabilitationRevoked, 30))
	revoked.Request.Version = 4
	applyItems(t, s, again, revoked)
	if h, err := s.Habilitation(ctx, 2060); err != nil || h.Status != instruct.HabilitationRevoked {
		t.Errorf("Habilitation(H2060) after a page holding it twice = %s, %v, want revoked", h.Status, err)
	}
	if err := s.ResetFeed(ctx); err != nil {
		t.Fatal(err)
	}
	if hs, err := s.Habilitations(ctx, instruct.HabilitationSearch{}); err != nil || len(hs) != 0 {
		t.Errorf("Habilitations() after ResetFeed = %v, %v, want none", habIDs(hs), err)
	}
}

// TestHabilitationOfAnotherRequestFailsPage: a habilitation naming
// another request, or with an unknown status, fails the whole page.
func TestHabilitationOfAnotherRequestFailsPage(t *testing.T) {
	ctx := context.Background()
	for name, mangle := range map[string]func(*instruct.Habilitation){
		"other request":  func(h *instruct.Habilitation) { h.RequestID = 7 },
		"unknown status": func(h *instruct.Habilitation) { h.Status = "\x1b[2Jgone" },
		"no id":          func(h *instruct.Habilitation) { h.ID = 0 },
	} {
		t.Run(name, func(t *testing.T) {
			s := openTemp(t)
			it := habItem(1042, "Ville de Lyon", "21690123100011", 100, hab(2041, instruct.HabilitationActive, 30))
			mangle(&it.Habilitations[0])
			err := s.ApplyPage(ctx, []instruct.FeedItem{it}, "c")
			if instruct.ErrorCode(err) != instruct.CodeInvalid {
				t.Fatalf("ApplyPage(%s) = %v, want invalid", name, err)
			}
			if _, err := s.Request(ctx, 1042); instruct.ErrorCode(err) != instruct.CodeNotFound {
				t.Errorf("Request(D1042) after a refused page = %v, want not_found", err)
			}
		})
	}
}

// TestRecordRevokeHabilitation: revoking one habilitation is recorded
// durably with its ID and version as If-Match, leaves the request's status
// as the server has it, and is refused when it cannot be sent.
func TestRecordRevokeHabilitation(t *testing.T) {
	ctx := context.Background()
	path := t.TempDir() + "/instruct.db"
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	active := hab(2041, instruct.HabilitationActive, 30, "cnaf_quotient_familial")
	active.Version = 3
	applyItems(t, s, habItem(1042, "Ville de Lyon", "21690123100011", 100, hab(2040, instruct.HabilitationObsolete, 90), active))
	if _, err := s.RecordRevokeHabilitation(ctx, 2041, "  "); instruct.ErrorCode(err) != instruct.CodeCommentRequired {
		t.Errorf("RecordRevokeHabilitation(blank comment) = %v, want comment_required", err)
	}
	if _, err := s.RecordRevokeHabilitation(ctx, 2040, "fin"); instruct.ErrorCode(err) != instruct.CodeInvalidTransition {
		t.Errorf("RecordRevokeHabilitation(obsolete H2040) = %v, want invalid_transition", err)
	}
	if _, err := s.RecordRevokeHabilitation(ctx, 9999, "fin"); instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("RecordRevokeHabilitation(H9999) = %v, want not_found", err)
	}
	op, err := s.RecordRevokeHabilitation(ctx, 2041, "Convention résiliée")
	if err != nil {
		t.Fatalf("RecordRevokeHabilitation(H2041) = %v", err)
	}
	if _, err := s.RecordRevokeHabilitation(ctx, 2041, "encore"); instruct.ErrorCode(err) != instruct.CodeInvalidTransition {
		t.Errorf("RecordRevokeHabilitation(H2041) twice = %v, want invalid_transition", err)
	}
	s.Close()
	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	pending, err := s.Pending(ctx)
	if err != nil || len(pending) != 1 {
		t.Fatalf("Pending() after reopening = %+v, %v, want the revocation", pending, err)
	}
	got := pending[0]
	if got.ID != op.ID || got.Kind != instruct.KindRevoke || got.HabilitationID != 2041 || got.RequestID != 1042 || got.BaseVersion != 3 {
		t.Errorf("Pending()[0] = %+v, want revoke of H2041 on D1042 at version 3", got)
	}
	items, err := s.Queue(ctx, instruct.QueueQuery{})
	if err != nil || len(items) != 1 || items[0].Status != instruct.StatusValidated || items[0].Op != instruct.OpPending {
		t.Errorf("Queue() = %+v, %v, want D1042 still validated with an operation pending", items, err)
	}
	// Revoking the whole request is another decision, still allowed.
	mustRecord(t, s, 1042, instruct.KindRevoke, "Fin de la convention")
}

// TestRecordTransfer: a transfer is recorded with its e-mail and the
// request's version, one at a time, and its input is checked offline.
func TestRecordTransfer(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	applyItems(t, s, habItem(1042, "Ville de Lyon", "21690123100011", 100, hab(2041, instruct.HabilitationActive, 30)))
	for _, tc := range []struct {
		name, to, comment string
		want              instruct.Code
	}{
		{"no e-mail", "", "départ", instruct.CodeInvalid},
		{"not an e-mail", "jean dupont", "départ", instruct.CodeInvalid},
		{"a name and an address", "Jean <jean@lyon.fr>", "départ", instruct.CodeInvalid},
		{"control characters", "jean@lyon.fr\x1b[2J", "départ", instruct.CodeInvalid},
		{"no comment", "jean@lyon.fr", " ", instruct.CodeCommentRequired},
	} {
		if _, err := s.RecordTransfer(ctx, 1042, tc.to, tc.comment); instruct.ErrorCode(err) != tc.want {
			t.Errorf("RecordTransfer(%s) = %v, want %s", tc.name, err, tc.want)
		}
	}
	op, err := s.RecordTransfer(ctx, 1042, " jean.martin@mairie-lyon.fr ", "Marie a quitté le service")
	if err != nil {
		t.Fatalf("RecordTransfer() = %v", err)
	}
	if op.Kind != instruct.KindTransfer || op.To != "jean.martin@mairie-lyon.fr" || op.BaseVersion != 3 {
		t.Errorf("RecordTransfer() = %+v, want a transfer to jean.martin@mairie-lyon.fr at version 3", op)
	}
	if _, err := s.RecordTransfer(ctx, 1042, "autre@lyon.fr", "encore"); instruct.ErrorCode(err) != instruct.CodeInvalidTransition {
		t.Errorf("RecordTransfer() twice = %v, want invalid_transition", err)
	}
	if _, err := s.Record(ctx, 1042, instruct.KindRevoke, "fin"); instruct.ErrorCode(err) != instruct.CodeInvalidTransition {
		t.Errorf("Record(revoke) while a transfer waits = %v, want invalid_transition", err)
	}
	ops, err := s.Operations(ctx, 1042)
	if err != nil || len(ops) != 1 || ops[0].To != op.To {
		t.Errorf("Operations() = %+v, %v, want the transfer with its e-mail", ops, err)
	}
	emails, err := s.Emails(ctx, "marie", 10)
	if err != nil || !cmp.Equal(emails, []string{"marie.dupont@mairie-lyon.fr"}) {
		t.Errorf("Emails(marie) = %v, %v, want the applicant's", emails, err)
	}
}
