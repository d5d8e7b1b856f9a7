package ledger

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// The habilitation conformance tests drive the domain's own changes
// (instruct.Decide, Reopen, CancelReopening, RevokeHabilitation,
// Transfer), as the review service does, on every engine.

var (
	newApplicant  = instruct.User{ID: "u-new", Name: "Yanis Robert", Email: "yanis.robert@mairie-lyon.fr"}
	franceConnect = "france_connect"
)

// holdingMutation is a mutation of r, based on its version, by change c.
func (f *fixture) holdingMutation(r instruct.Request, key string, c instruct.Change) instruct.Mutation {
	return instruct.Mutation{RequestID: r.ID, IfMatch: r.Version, IdempotencyKey: key, Fingerprint: key, Now: f.clock, Change: c}
}

// run applies c to r and returns the outcome.
func (f *fixture) run(r instruct.Request, c instruct.Change) instruct.Outcome {
	f.t.Helper()
	out, err := f.l.Apply(f.ctx, f.holdingMutation(r, "", c))
	if err != nil {
		f.t.Fatalf("Apply(%s, %T) = %v", r.ID, c, err)
	}
	return out
}

// decide applies the reviewer's decision of kind k to r.
func (f *fixture) decide(r instruct.Request, k instruct.Kind, comment string) instruct.Outcome {
	f.t.Helper()
	return f.run(r, instruct.Decide(reviewer, k, comment, f.tick()))
}

// editScopes sets r's scopes, as its applicant.
func (f *fixture) editScopes(r instruct.Request, scopes ...string) instruct.Request {
	f.t.Helper()
	return f.run(r, instruct.Edit{Actor: applicant, Patch: instruct.RequestPatch{Scopes: &scopes}, At: f.tick()}).Request
}

// submit sends r to the reviewers, as its applicant.
func (f *fixture) submit(r instruct.Request) instruct.Request {
	f.t.Helper()
	return f.run(r, instruct.Submission{Actor: applicant, At: f.tick()}).Request
}

// validated returns a new request of def, approved: it holds H2000 (on
// a new ledger), active.
func (f *fixture) validated(def string) (instruct.Request, instruct.Habilitation) {
	f.t.Helper()
	r := f.submit(f.create(def, "Cantine"))
	out := f.decide(r, instruct.KindApprove, "Conforme.")
	if out.Habilitation == nil {
		f.t.Fatalf("approve of %s issued no habilitation: %+v", r.ID, out)
	}
	return out.Request, *out.Habilitation
}

// reopened returns r reopened, its scopes edited and submitted.
func (f *fixture) reopened(r instruct.Request, scopes ...string) instruct.Request {
	f.t.Helper()
	r = f.run(r, instruct.Reopen{Actor: applicant, At: f.tick()}).Request
	return f.submit(f.editScopes(r, scopes...))
}

// habilitation reads habilitation id back.
func (f *fixture) habilitation(id instruct.HabilitationID) instruct.Habilitation {
	f.t.Helper()
	h, _, err := f.l.Habilitation(f.ctx, id)
	if err != nil {
		f.t.Fatalf("Habilitation(%s) = %v", id, err)
	}
	return h
}

func testApproveIssuesHabilitation(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.submit(f.create("api_particulier", "Cantine"))
	if r.HabilitationIDs == nil || len(r.HabilitationIDs) != 0 {
		t.Fatalf("a request never approved has habilitation_ids %#v, want an empty list", r.HabilitationIDs)
	}
	out := f.decide(r, instruct.KindApprove, "Conforme.")
	h := out.Habilitation
	if h == nil || h.ID != 2000 || out.Event.HabilitationID != 2000 || !slices.Equal(out.Request.HabilitationIDs, []instruct.HabilitationID{2000}) {
		t.Fatalf("approve = habilitation %+v, event names %s, request holds %v; want H2000 issued, named and held", h, out.Event.HabilitationID, out.Request.HabilitationIDs)
	}
	want := instruct.FreezeHabilitation(r, reviewer, "Conforme.", out.Event.At)
	want.ID, want.RequestID = 2000, r.ID
	want.Organization, want.Scopes = out.Request.Organization, out.Request.Scopes
	if diff := cmp.Diff(want, *h); diff != "" {
		t.Errorf("issued habilitation differs from the frozen request (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(*h, f.habilitation(2000)); diff != "" {
		t.Errorf("Habilitation(H2000) differs from the outcome's (-outcome +read):\n%s", diff)
	}
	stored, _, _ := f.l.Request(f.ctx, r.ID)
	if !slices.Equal(stored.HabilitationIDs, []instruct.HabilitationID{2000}) {
		t.Errorf("Request() holds %v, want [H2000]", stored.HabilitationIDs)
	}
	events, _ := f.l.Events(f.ctx, r.ID)
	if last := events[len(events)-1]; last.Kind != instruct.KindApprove || last.HabilitationID != 2000 {
		t.Errorf("last event = %s naming %q, want approve naming H2000", last.Kind, last.HabilitationID)
	}
	items, _, err := f.l.Changes(f.ctx, instruct.Viewer{All: true}, 0, 10)
	if err != nil || len(items) != 1 || len(items[0].Habilitations) != 1 || items[0].Habilitations[0].ID != 2000 {
		t.Errorf("Changes() = %+v, %v; want the request with its habilitation H2000", items, err)
	}
	// The request edited later leaves its habilitation as approved.
	if err := verifyLedger(f); err != nil {
		t.Error(err)
	}
}

// verifyLedger checks the hash chain of f's ledger.
func verifyLedger(f *fixture) error {
	res, err := f.l.Verify(f.ctx)
	if err != nil {
		return err
	}
	if res.BrokenAt != 0 {
		return errors.New("the hash chain does not verify")
	}
	return nil
}

func testApproveReopening(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r, first := f.validated("api_particulier")
	r = f.run(r, instruct.Reopen{Actor: applicant, At: f.tick()}).Request
	if r.Status != instruct.StatusDraft || !r.Reopening {
		t.Fatalf("reopen = %s, reopening %v; want a draft in reopening", r.Status, r.Reopening)
	}
	r = f.submit(f.editScopes(r, "cnaf_quotient_familial", "cnaf_enfants"))
	if !r.Reopening {
		t.Fatalf("a reopening edited and submitted lost its reopening flag")
	}
	r = f.decide(r, instruct.KindRequestChanges, "Précisez.").Request
	if !r.Reopening || r.Status != instruct.StatusChangesRequested {
		t.Fatalf("request_changes on a reopening = %s, reopening %v; want changes_requested, still reopening", r.Status, r.Reopening)
	}
	r = f.submit(r)
	out := f.decide(r, instruct.KindApprove, "Nouveau périmètre conforme.")
	if out.Request.Reopening || out.Request.Status != instruct.StatusValidated || !out.Event.Reopening {
		t.Errorf("approve of a reopening = %s, reopening %v, event reopening %v; want validated, done, marked", out.Request.Status, out.Request.Reopening, out.Event.Reopening)
	}
	if !slices.Equal(out.Request.HabilitationIDs, []instruct.HabilitationID{first.ID, 2001}) || out.Habilitation.ID != 2001 {
		t.Fatalf("habilitation_ids = %v, issued %s; want [H2000 H2001], H2001", out.Request.HabilitationIDs, out.Habilitation.ID)
	}
	old, now := f.habilitation(first.ID), f.habilitation(2001)
	if old.Status != instruct.HabilitationObsolete || old.Version != 2 || !slices.Equal(old.Scopes, []string{"cnaf_quotient_familial"}) {
		t.Errorf("the first habilitation = %s v%d scopes %v; want obsolete v2 with its scopes as approved", old.Status, old.Version, old.Scopes)
	}
	if now.Status != instruct.HabilitationActive || !slices.Equal(now.Scopes, []string{"cnaf_quotient_familial", "cnaf_enfants"}) {
		t.Errorf("the new habilitation = %s scopes %v; want active with the new scopes", now.Status, now.Scopes)
	}
}

func testRefuseReopening(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r, h := f.validated("api_particulier")
	r = f.reopened(r, "cnaf_quotient_familial", "cnaf_enfants", "cnaf_adresse")
	out := f.decide(r, instruct.KindRefuse, "Ces données ne sont pas nécessaires.")
	got := out.Request
	if got.Status != instruct.StatusValidated || got.Reopening || !out.Event.Reopening || out.Event.Kind != instruct.KindRefuse {
		t.Fatalf("refuse of a reopening = %s, reopening %v, event %s reopening %v; want validated, refuse marked as a reopening's", got.Status, got.Reopening, out.Event.Kind, out.Event.Reopening)
	}
	if !slices.Equal(got.Scopes, h.Scopes) {
		t.Errorf("scopes after the refused reopening = %v, want those of %s: %v", got.Scopes, h.ID, h.Scopes)
	}
	if now := f.habilitation(h.ID); now.Status != instruct.HabilitationActive || now.Version != 1 {
		t.Errorf("%s after the refused reopening = %s v%d, want active v1", h.ID, now.Status, now.Version)
	}
	if len(got.HabilitationIDs) != 1 {
		t.Errorf("a refused reopening issued a habilitation: %v", got.HabilitationIDs)
	}
}

func testCancelReopening(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r, h := f.validated("api_particulier")
	r = f.run(r, instruct.Reopen{Actor: applicant, At: f.tick()}).Request
	r = f.editScopes(r, "cnaf_enfants")
	out := f.run(r, instruct.CancelReopening{Actor: applicant, At: f.tick()})
	if out.Request.Status != instruct.StatusValidated || out.Request.Reopening || out.Event.Kind != instruct.KindCancelReopening {
		t.Fatalf("cancel_reopening = %s, reopening %v, event %s; want validated, not reopening, cancel_reopening", out.Request.Status, out.Request.Reopening, out.Event.Kind)
	}
	if !slices.Equal(out.Request.Scopes, h.Scopes) {
		t.Errorf("scopes after cancel = %v, want %v", out.Request.Scopes, h.Scopes)
	}
	_, err := f.l.Apply(f.ctx, f.holdingMutation(out.Request, "", instruct.CancelReopening{Actor: applicant, At: f.tick()}))
	wantCode(t, "cancel_reopening of a request not in reopening", err, instruct.CodeInvalidTransition)
	// A request without an active habilitation cannot be reopened.
	plain := f.submit(f.create("api_particulier", "Autre"))
	plain = f.decide(plain, instruct.KindRefuse, "Non.").Request
	_, err = f.l.Apply(f.ctx, f.holdingMutation(plain, "", instruct.Reopen{Actor: applicant, At: f.tick()}))
	wantCode(t, "reopen of a refused request", err, instruct.CodeInvalidTransition)
}

func testRevokeRequest(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r, h := f.validated("api_particulier")
	out := f.decide(r, instruct.KindRevoke, "Fin de la convention.")
	if out.Request.Status != instruct.StatusRevoked || out.Event.HabilitationID != h.ID {
		t.Fatalf("revoke = %s naming %q, want revoked naming %s", out.Request.Status, out.Event.HabilitationID, h.ID)
	}
	got := f.habilitation(h.ID)
	if got.Status != instruct.HabilitationRevoked || got.RevokedAt == nil || !got.RevokedAt.Equal(out.Event.At) || got.Version != 2 {
		t.Errorf("%s after the request's revocation = %s, revoked_at %v, v%d; want revoked at %v, v2", h.ID, got.Status, got.RevokedAt, got.Version, out.Event.At)
	}
}

// importTwoActive imports a validated request holding two active
// habilitations (as data carried over from another tool may), H3000 and
// H3001.
func importTwoActive(f *fixture) instruct.Request {
	f.t.Helper()
	hs := histories(1, "api_particulier")
	hab := instruct.FreezeHabilitation(hs[0].Request, reviewer, "", t0)
	one, two := hab, hab
	one.ID, two.ID = 3000, 3001
	two.Scopes = []string{"cnaf_enfants"}
	hs[0].Habilitations = []instruct.Habilitation{one, two}
	if err := f.l.Import(f.ctx, hs); err != nil {
		f.t.Fatalf("Import() = %v", err)
	}
	r, _, err := f.l.Request(f.ctx, 1000)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

// revokeHab revokes habilitation id of r, based on its version ifMatch.
func (f *fixture) revokeHab(r instruct.Request, id instruct.HabilitationID, ifMatch int64, key string) (instruct.Outcome, error) {
	m := f.holdingMutation(r, key, instruct.RevokeHabilitation{Actor: reviewer, ID: id, Comment: "Usage non conforme.", At: f.tick()})
	m.HabilitationID, m.IfMatch = id, ifMatch
	return f.l.Apply(f.ctx, m)
}

func testRevokeHabilitations(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := importTwoActive(f)
	if !slices.Equal(r.HabilitationIDs, []instruct.HabilitationID{3000, 3001}) {
		t.Fatalf("imported request holds %v, want [H3000 H3001]", r.HabilitationIDs)
	}
	out, err := f.revokeHab(r, 3000, 1, "key-revoke-1")
	if err != nil {
		t.Fatalf("revoke H3000 = %v", err)
	}
	if out.Request.Status != instruct.StatusValidated || out.Habilitation == nil || out.Habilitation.Status != instruct.HabilitationRevoked ||
		out.Event.Kind != instruct.KindRevoke || out.Event.HabilitationID != 3000 {
		t.Fatalf("revoke one of two = request %s, habilitation %+v, event %s %q; want the request validated, H3000 revoked by a revoke naming it", out.Request.Status, out.Habilitation, out.Event.Kind, out.Event.HabilitationID)
	}
	again, err := f.revokeHab(r, 3000, 1, "key-revoke-1")
	if err != nil || !again.Replayed || again.Event.Seq != out.Event.Seq || again.Habilitation == nil || again.Habilitation.Version != 2 {
		t.Errorf("revoke H3000 again with the same key = %+v, %v; want the replay of seq %d with the habilitation", again, err, out.Event.Seq)
	}
	_, err = f.revokeHab(out.Request, 3000, 2, "")
	wantCode(t, "revoke of a revoked habilitation", err, instruct.CodeInvalidTransition)
	_, err = f.revokeHab(out.Request, 4242, 1, "")
	wantCode(t, "revoke of a habilitation the request does not hold", err, instruct.CodeNotFound)
	last, err := f.revokeHab(out.Request, 3001, 1, "")
	if err != nil || last.Request.Status != instruct.StatusRevoked || last.Request.DecidedAt == nil {
		t.Fatalf("revoke the last active = %+v, %v; want the request revoked", last.Request, err)
	}
	events, _ := f.l.Events(f.ctx, r.ID)
	revokes := 0
	for _, e := range events {
		if e.Kind == instruct.KindRevoke {
			revokes++
		}
	}
	if revokes != 2 {
		t.Errorf("%d revoke events, want 2 (the replay applied nothing)", revokes)
	}
}

func testRevokeHabilitationStale(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r, h := f.validated("api_particulier")
	r = f.reopened(r, "cnaf_enfants")
	r = f.decide(r, instruct.KindApprove, "").Request // h is now obsolete, at version 2
	_, err := f.revokeHab(r, h.ID, 1, "")
	var stale *instruct.StaleError
	if !errors.As(err, &stale) || stale.Current.ID != r.ID || len(stale.EventsSince) == 0 {
		t.Fatalf("revoke %s on its version 1 = %v, want a StaleError with the request and its events since", h.ID, err)
	}
	if got := f.habilitation(h.ID); got.Status != instruct.HabilitationObsolete {
		t.Errorf("a stale revocation changed %s: %s", h.ID, got.Status)
	}
	_, err = f.l.Apply(f.ctx, f.holdingMutation(instruct.Request{ID: r.ID, Version: r.Version - 1}, "", instruct.Decide(reviewer, instruct.KindRevoke, "x", f.tick())))
	if !errors.As(err, &stale) {
		t.Errorf("revoke of the request on an old version = %v, want a StaleError", err)
	}
}

func testApproveReplaysOnce(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r := f.submit(f.create("api_particulier", "Cantine"))
	c := instruct.Decide(reviewer, instruct.KindApprove, "", f.tick())
	first, err := f.l.Apply(f.ctx, f.holdingMutation(r, "key-approve", c))
	if err != nil {
		t.Fatal(err)
	}
	again, err := f.l.Apply(f.ctx, f.holdingMutation(r, "key-approve", c))
	if err != nil || !again.Replayed {
		t.Fatalf("approve again with the same key = %v, replayed %v", err, again.Replayed)
	}
	if diff := cmp.Diff(first.Habilitation, again.Habilitation); diff != "" {
		t.Errorf("the replay answers another habilitation (-first +replay):\n%s", diff)
	}
	habs, err := f.l.Habilitations(f.ctx, instruct.HabilitationQuery{Viewer: instruct.Viewer{All: true}})
	if err != nil || len(habs) != 1 {
		t.Errorf("Habilitations() after a replayed approve = %d, %v; want 1", len(habs), err)
	}
}

func testTransfer(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	r, h := f.validated("api_particulier")
	out := f.run(r, instruct.Transfer{Actor: reviewer, To: newApplicant, Comment: "Départ de l'agent.", At: f.tick()})
	want := instruct.Person{Name: newApplicant.Name, Email: newApplicant.Email}
	if out.Request.Applicant != want || out.Event.Kind != instruct.KindTransfer || out.Event.Diff["applicant"] == [2]any{} {
		t.Fatalf("transfer = applicant %+v, event %s diff %v; want %+v, a transfer with the applicant's diff", out.Request.Applicant, out.Event.Kind, out.Event.Diff, want)
	}
	if _, by, _ := f.l.Request(f.ctx, r.ID); by != newApplicant.ID {
		t.Errorf("the request is filed by %q after the transfer, want %q", by, newApplicant.ID)
	}
	if got := f.habilitation(h.ID); got.Applicant != want || got.Version != 2 {
		t.Errorf("%s after the transfer = applicant %+v v%d, want %+v v2", h.ID, got.Applicant, got.Version, want)
	}
	for _, c := range []struct {
		who  string
		want int
	}{{applicant.ID, 0}, {newApplicant.ID, 1}} {
		v := instruct.Viewer{UserID: c.who, ApplicantOnly: true}
		reqs, _ := f.l.Requests(f.ctx, instruct.ListQuery{Viewer: v})
		habs, _ := f.l.Habilitations(f.ctx, instruct.HabilitationQuery{Viewer: v})
		items, _, _ := f.l.Changes(f.ctx, v, 0, 10)
		if len(reqs) != c.want || len(habs) != c.want || len(items) != c.want {
			t.Errorf("applicant %s sees %d requests, %d habilitations, %d feed items; want %d each", c.who, len(reqs), len(habs), len(items), c.want)
		}
	}
	_, err := f.l.Apply(f.ctx, f.holdingMutation(out.Request, "", instruct.Transfer{Actor: reviewer, To: newApplicant, Comment: "x", At: f.tick()}))
	wantCode(t, "transfer to the applicant already", err, instruct.CodeInvalid)
}

func testHabilitationQueries(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	_, fc := f.validated(franceConnect)
	r, _ := f.validated("api_particulier")
	f.decide(r, instruct.KindRevoke, "Fin.")
	all := instruct.Viewer{All: true}
	for _, c := range []struct {
		q    instruct.HabilitationQuery
		want []instruct.HabilitationID
	}{
		{instruct.HabilitationQuery{Viewer: all}, []instruct.HabilitationID{2000, 2001}},
		{instruct.HabilitationQuery{Viewer: all, Status: instruct.HabilitationActive}, []instruct.HabilitationID{2000}},
		{instruct.HabilitationQuery{Viewer: all, Definition: "api_particulier"}, []instruct.HabilitationID{2001}},
		{instruct.HabilitationQuery{Viewer: all, SIRET: fc.Organization.SIRET, After: 2000}, []instruct.HabilitationID{2001}},
		{instruct.HabilitationQuery{Viewer: all, SIRET: "00000000000000"}, nil},
		{instruct.HabilitationQuery{Viewer: all, Limit: 1}, []instruct.HabilitationID{2000}},
		{instruct.HabilitationQuery{Viewer: instruct.Viewer{Definitions: []string{"api_particulier"}}}, []instruct.HabilitationID{2001}},
		{instruct.HabilitationQuery{Viewer: instruct.Viewer{UserID: "u-nobody", ApplicantOnly: true}}, nil},
	} {
		habs, err := f.l.Habilitations(f.ctx, c.q)
		var got []instruct.HabilitationID
		for _, h := range habs {
			got = append(got, h.ID)
		}
		if err != nil || !slices.Equal(got, c.want) {
			t.Errorf("Habilitations(%+v) = %v, %v; want %v", c.q, got, err, c.want)
		}
	}
	held, err := f.l.ActiveDefinitions(f.ctx, []string{fc.Organization.SIRET, "00000000000000"})
	if err != nil || !slices.Equal(held[fc.Organization.SIRET], []string{franceConnect}) || len(held) != 1 {
		t.Errorf("ActiveDefinitions() = %v, %v; want only france_connect for %s", held, err, fc.Organization.SIRET)
	}
	if _, _, err := f.l.Habilitation(f.ctx, 9999); instruct.ErrorCode(err) != instruct.CodeNotFound {
		t.Errorf("Habilitation(H9999) = %v, want not_found", err)
	}
}
