package sshd

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/store"
)

// TestSessionSeesHabilitationsByTheRequestsRules: a session lists,
// counts and searches only the habilitations of the APIs its user may
// see, the organisation's history keeps only those requests, and the
// e-mails a transfer offers come from them alone.
func TestSessionSeesHabilitationsByTheRequestsRules(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "cache.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	at := time.Date(2026, 3, 12, 10, 0, 0, 0, time.UTC)
	org := instruct.Organization{SIRET: "21690123100011", Name: "Ville de Lyon"}
	item := func(seq int64, id instruct.RequestID, hid instruct.HabilitationID, def, email string) instruct.FeedItem {
		r := instruct.Request{ID: id, Definition: def, Status: instruct.StatusValidated, Version: 3, Title: "Cantine",
			Organization: org, Applicant: instruct.Person{Name: "A", Email: email}, CreatedAt: at, UpdatedAt: at,
			HabilitationIDs: []instruct.HabilitationID{hid}}
		h := instruct.Habilitation{ID: hid, RequestID: id, Definition: def, Status: instruct.HabilitationActive, Version: 1,
			Organization: org, CreatedAt: at}
		return instruct.FeedItem{Seq: seq, Request: r, Habilitations: []instruct.Habilitation{h}}
	}
	page := []instruct.FeedItem{
		item(1, 1042, 2041, "api_particulier", "marie@lyon.fr"),
		item(2, 1043, 2042, "api_entreprise", "martin@lyon.fr"),
	}
	if err := st.ApplyPage(ctx, page, "2"); err != nil {
		t.Fatal(err)
	}
	u := instruct.User{ID: "r1", Roles: []instruct.Grant{{Definition: "api_particulier", Role: instruct.RoleInstructor}}}
	v := newView(&model{cache: st}, nil, nil, u, time.Now)

	hs, err := v.Habilitations(ctx, instruct.HabilitationSearch{})
	if err != nil || len(hs) != 1 || hs[0].ID != 2041 {
		t.Errorf("Habilitations() = %+v, %v, want H2041 alone", hs, err)
	}
	if hs, _ := v.Habilitations(ctx, instruct.HabilitationSearch{Text: "H2042"}); len(hs) != 0 {
		t.Errorf("searching H2042 (API Entreprise) finds %+v, want nothing", hs)
	}
	counts, err := v.HabilitationCounts(ctx, instruct.HabilitationSearch{})
	if err != nil || counts[instruct.HabilitationActive] != 1 {
		t.Errorf("HabilitationCounts() = %v, %v, want 1 active", counts, err)
	}
	reqs, err := v.OrganizationRequests(ctx, org.SIRET)
	if err != nil || len(reqs) != 1 || reqs[0].ID != 1042 {
		t.Errorf("OrganizationRequests() = %+v, %v, want D1042 alone", reqs, err)
	}
	emails, err := v.Emails(ctx, "ma", 5)
	if err != nil || len(emails) != 1 || emails[0] != "marie@lyon.fr" {
		t.Errorf("Emails(ma) = %v, %v, want marie@lyon.fr alone", emails, err)
	}
}

// TestSessionRevokesAndTransfers: over SSH, revoking the habilitation an
// approval issued and transferring the request go through the review
// service in the session's name and show in the read model at once; an
// unknown e-mail is a rejection kept on the user's desk.
func TestSessionRevokesAndTransfers(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	applicant := w.addUser("camille-martin")
	w.addUser("jean-martin")
	marie := w.addUser("marie-dupont", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor})
	r := w.submitted(applicant, "api_particulier", "Tarification de la cantine scolaire")
	w.caughtUp()
	v := w.view(marie)
	if op, err := v.Record(ctx, r.ID, instruct.KindApprove, ""); err != nil || op.State != instruct.OpAccepted {
		t.Fatalf("Record(approve) = %+v, %v", op, err)
	}
	w.caughtUp()
	hs, err := v.Habilitations(ctx, instruct.HabilitationSearch{RequestID: r.ID})
	if err != nil || len(hs) != 1 || hs[0].Status != instruct.HabilitationActive {
		t.Fatalf("Habilitations(%s) after approval = %+v, %v; want one active", r.ID, hs, err)
	}
	op, err := v.RecordTransfer(ctx, r.ID, "nobody@example.fr", "Départ de l'agent")
	if err != nil || op.State != instruct.OpRejected {
		t.Errorf("RecordTransfer(unknown e-mail) = %+v, %v; want rejected", op, err)
	}
	op, err = v.RecordTransfer(ctx, r.ID, "jean-martin@support.example.gouv.fr", "Départ de l'agent")
	if err != nil || op.State != instruct.OpAccepted {
		t.Fatalf("RecordTransfer() = %+v, %v; want accepted", op, err)
	}
	if got, _ := v.Request(ctx, r.ID); got.Applicant.Email != "jean-martin@support.example.gouv.fr" {
		t.Errorf("applicant after the transfer = %q", got.Applicant.Email)
	}
	op, err = v.RecordRevokeHabilitation(ctx, hs[0].ID, "Convention résiliée")
	if err != nil || op.State != instruct.OpAccepted {
		t.Fatalf("RecordRevokeHabilitation() = %+v, %v; want accepted", op, err)
	}
	w.caughtUp()
	if h, err := v.habilitation(ctx, hs[0].ID); err != nil || h.Status != instruct.HabilitationRevoked {
		t.Errorf("%s after its revocation = %s, %v; want revoked", hs[0].ID, h.Status, err)
	}
	if got, _ := v.Request(ctx, r.ID); got.Status != instruct.StatusRevoked {
		t.Errorf("%s after revoking its last habilitation = %s, want revoked", r.ID, got.Status)
	}
}
