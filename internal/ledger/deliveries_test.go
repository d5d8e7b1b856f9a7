package ledger

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// openWith opens a new ledger of an engine with options.
type openWith func(t *testing.T, opts ...Option) *Ledger

func openSQLiteWith(t *testing.T, opts ...Option) *Ledger {
	t.Helper()
	l, err := Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"), opts...)
	if err != nil {
		t.Fatalf("Open() = %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func openPostgresWith(t *testing.T, opts ...Option) *Ledger {
	t.Helper()
	l, err := OpenPostgres(context.Background(), postgresSchema(t), opts...)
	if err != nil {
		t.Fatalf("OpenPostgres() = %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func TestSQLiteDeliveries(t *testing.T) { runDeliveryConformance(t, openSQLiteWith) }

func TestPostgresDeliveries(t *testing.T) {
	postgresDSN(t)
	runDeliveryConformance(t, openPostgresWith)
}

// runDeliveryConformance runs, on every engine, the outbox's behaviour.
func runDeliveryConformance(t *testing.T, open openWith) {
	tests := []struct {
		name string
		run  func(t *testing.T, open openWith)
	}{
		{"NothingConfiguredWritesNothing", testOutboxNothingConfigured},
		{"EventsPlanMailsAndWebhooks", testOutboxPlans},
		{"RefusedChangeWritesNoDelivery", testOutboxRefused},
		{"TransferMailsBothApplicants", testOutboxTransfer},
		{"ClaimHoldsFinishReleases", testOutboxClaim},
		{"WebhooksAddRotateRemove", testWebhookAdmin},
		{"MaintainPurgesFinishedDeliveries", testMaintainPurgesDeliveries},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open) })
	}
}

// addReviewer stores a user with grants, failing the test on error.
func addReviewer(t *testing.T, l *Ledger, id, email string, grants ...instruct.Grant) {
	t.Helper()
	if _, err := l.AddUser(context.Background(), instruct.User{ID: id, Name: id, Email: email, Roles: grants}); err != nil {
		t.Fatalf("AddUser(%s) = %v", id, err)
	}
}

// deliveryTargets returns channel:target of each delivery, in order.
func deliveryTargets(t *testing.T, l *Ledger, id instruct.RequestID) []string {
	t.Helper()
	ds, err := l.Deliveries(context.Background(), id)
	if err != nil {
		t.Fatalf("Deliveries(%s) = %v", id, err)
	}
	out := []string{}
	for _, d := range ds {
		out = append(out, string(d.Channel)+":"+d.Target)
	}
	return out
}

// submittedByApplicant creates a request of api_particulier and submits it as the
// applicant.
func submittedByApplicant(f *fixture) instruct.Request {
	r := f.create("api_particulier", "Cantine")
	m := instruct.Mutation{RequestID: r.ID, IfMatch: r.Version, Now: f.tick(), Change: change(instruct.KindSubmit, applicant, "")}
	out, err := f.l.Apply(f.ctx, m)
	if err != nil {
		f.t.Fatalf("submit = %v", err)
	}
	return out.Request
}

func testOutboxNothingConfigured(t *testing.T, open openWith) {
	f := &fixture{t: t, l: open(t), ctx: context.Background(), clock: t0}
	addReviewer(t, f.l, "u-i", "ines.fontaine@interieur.gouv.fr", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor})
	r := submittedByApplicant(f)
	f.do(r, instruct.KindMessage, "Merci de préciser.")
	f.do(f.do(r, instruct.KindApprove, "").Request, instruct.KindRevoke, "Fin du marché.")
	if got := deliveryTargets(t, f.l, r.ID); len(got) != 0 {
		t.Errorf("deliveries without SMTP nor webhook = %v, want none", got)
	}
}

func testOutboxPlans(t *testing.T, open openWith) {
	f := &fixture{t: t, l: open(t, WithMail()), ctx: context.Background(), clock: t0}
	addReviewer(t, f.l, "u-i", "ines.fontaine@interieur.gouv.fr", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor})
	addReviewer(t, f.l, "u-m", "marc.petit@interieur.gouv.fr", instruct.Grant{Definition: "*", Role: instruct.RoleManager})
	addReviewer(t, f.l, "u-off", "olga.fabre@interieur.gouv.fr", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor})
	addReviewer(t, f.l, "u-r", "remi.roux@interieur.gouv.fr", instruct.Grant{Definition: "api_particulier", Role: instruct.RoleReporter})
	addReviewer(t, f.l, "u-e", "eve.blanc@interieur.gouv.fr", instruct.Grant{Definition: "api_entreprise", Role: instruct.RoleInstructor})
	if err := f.l.SetNotifications(f.ctx, "u-off", map[string]bool{"api_particulier": false, "api_entreprise": true}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.l.AddWebhook(f.ctx, "api_particulier", "https://hooks.dgfip.gouv.fr/instruct", []instruct.Kind{instruct.KindApprove}); err != nil {
		t.Fatal(err)
	}
	r := submittedByApplicant(f)
	want := []string{"mail:i…@interieur.gouv.fr", "mail:m…@interieur.gouv.fr"}
	if got := deliveryTargets(t, f.l, r.ID); !cmp.Equal(got, want) {
		t.Fatalf("after submit, deliveries = %v, want the instructors who did not opt out %v", got, want)
	}
	f.do(r, instruct.KindNote, "Vérifier la base légale.")
	f.do(r, instruct.KindMessage, "Merci de préciser la durée.")
	answer := instruct.Mutation{RequestID: r.ID, Now: f.tick(), Change: change(instruct.KindMessage, applicant, "La durée est de 12 mois.")}
	if _, err := f.l.Apply(f.ctx, answer); err != nil {
		t.Fatal(err)
	}
	f.do(r, instruct.KindApprove, "")
	want = append(want, "mail:c…@mairie-lyon.fr", "mail:i…@interieur.gouv.fr", "mail:m…@interieur.gouv.fr",
		"mail:c…@mairie-lyon.fr", "webhook:hooks.dgfip.gouv.fr")
	if got := deliveryTargets(t, f.l, r.ID); !cmp.Equal(got, want) {
		t.Errorf("after note, message, the applicant's answer, approve: deliveries = %v, want %v (nothing for the internal note)", got, want)
	}
}

func testOutboxRefused(t *testing.T, open openWith) {
	f := &fixture{t: t, l: open(t, WithMail()), ctx: context.Background(), clock: t0}
	r := submittedByApplicant(f)
	m := f.mutation(r, instruct.KindApprove, "")
	m.IfMatch = r.Version - 1
	if _, err := f.l.Apply(f.ctx, m); err == nil {
		t.Fatal("a stale approve was applied")
	}
	if got := deliveryTargets(t, f.l, r.ID); len(got) != 0 {
		t.Errorf("a refused approve left deliveries %v", got)
	}
}

func testOutboxClaim(t *testing.T, open openWith) {
	f := &fixture{t: t, l: open(t, WithMail()), ctx: context.Background(), clock: t0}
	r := submittedByApplicant(f)
	out := f.do(r, instruct.KindRefuse, "Base légale absente.")
	now := f.tick()
	got, err := f.l.ClaimDeliveries(f.ctx, now, time.Minute, 10)
	if err != nil || len(got) != 1 {
		t.Fatalf("ClaimDeliveries = %v, %v, want the refusal's mail", got, err)
	}
	d := got[0]
	if d.Event.Seq != out.Event.Seq || d.Event.Comment != "Base légale absente." || d.Recipient != "camille.martin@mairie-lyon.fr" || d.Role != instruct.MailApplicant {
		t.Errorf("claimed %+v, want the mail of event %d to the applicant", d, out.Event.Seq)
	}
	if again, _ := f.l.ClaimDeliveries(f.ctx, now.Add(30*time.Second), time.Minute, 10); len(again) != 0 {
		t.Errorf("a held delivery was claimed again: %v", again)
	}
	if ok, err := f.l.FinishDelivery(f.ctx, instruct.Attempt{ID: d.Delivery.ID, Lease: "another", At: now, Error: "x"}); ok || err != nil {
		t.Errorf("FinishDelivery with another lease = %v, %v, want false", ok, err)
	}
	next := now.Add(2 * time.Minute)
	if ok, err := f.l.FinishDelivery(f.ctx, instruct.Attempt{ID: d.Delivery.ID, Lease: d.Lease, At: now, Status: 451, Error: "busy", Next: &next}); !ok || err != nil {
		t.Fatalf("FinishDelivery = %v, %v", ok, err)
	}
	if early, _ := f.l.ClaimDeliveries(f.ctx, now.Add(time.Minute), time.Minute, 10); len(early) != 0 {
		t.Errorf("a delivery was claimed before its next attempt: %v", early)
	}
	retry, err := f.l.ClaimDeliveries(f.ctx, next, time.Minute, 10)
	if err != nil || len(retry) != 1 || retry[0].Delivery.ID != d.Delivery.ID || retry[0].Delivery.Attempts != 1 {
		t.Fatalf("claim at the next attempt = %v, %v, want the delivery after 1 attempt", retry, err)
	}
	f.l.FinishDelivery(f.ctx, instruct.Attempt{ID: d.Delivery.ID, Lease: retry[0].Lease, At: next, Status: 550, Error: "no"})
	ds, _ := f.l.Deliveries(f.ctx, r.ID)
	if len(ds) != 1 || ds[0].Status != instruct.DeliveryFailed || ds[0].Attempts != 2 || ds[0].LastStatus != 550 {
		t.Fatalf("after giving up: %+v, want failed after 2 attempts", ds)
	}
	if err := f.l.RetryDelivery(f.ctx, d.Delivery.ID); err != nil {
		t.Fatal(err)
	}
	if again, _ := f.l.ClaimDeliveries(f.ctx, time.Now(), time.Minute, 10); len(again) != 1 {
		t.Errorf("a retried delivery is not due: %v", again)
	}
}

func testWebhookAdmin(t *testing.T, open openWith) {
	l := open(t)
	ctx := context.Background()
	if _, _, err := l.AddWebhook(ctx, "api_particulier", "https://h.example/x", []instruct.Kind{instruct.KindNote}); instruct.ErrorCode(err) != instruct.CodeInvalid {
		t.Errorf("a webhook of notes = %v, want invalid", err)
	}
	if _, _, err := l.AddWebhook(ctx, "api_particulier", "ftp://h.example/x", nil); instruct.ErrorCode(err) != instruct.CodeInvalid {
		t.Errorf("a webhook to ftp = %v, want invalid", err)
	}
	w, secret, err := l.AddWebhook(ctx, "api_particulier", "https://h.example/x", nil)
	if err != nil || len(secret) != 64 || !slices.Equal(w.Events, instruct.WebhookKinds()) {
		t.Fatalf("AddWebhook = %+v, %d-byte secret, %v", w, len(secret), err)
	}
	rotated, err := l.RotateWebhookSecret(ctx, w.ID)
	if err != nil || rotated == secret {
		t.Fatalf("RotateWebhookSecret = %v, the same: %v", err, rotated == secret)
	}
	if _, got, _ := l.WebhookSecret(ctx, w.ID); got != rotated {
		t.Errorf("the secret kept is not the rotated one")
	}
	if err := l.RemoveWebhook(ctx, w.ID); err != nil {
		t.Fatal(err)
	}
	if hooks, _ := l.Webhooks(ctx, ""); len(hooks) != 0 {
		t.Errorf("after remove, webhooks = %v", hooks)
	}
	wantCode(t, "remove again", l.RemoveWebhook(ctx, w.ID), instruct.CodeNotFound)
}

func TestDeliveriesOfARequestAreTheLastThousand(t *testing.T) {
	l := openSQLiteTest(t)
	for i := range MaxRequestDeliveries + 5 {
		exec(t, l, `INSERT INTO deliveries (id, request_number, event_seq, channel, webhook_id, recipient, role, target,
			status, attempts, last_status, last_error, next_attempt_at, lease, lease_until, created_at)
			VALUES (?, 1000, ?, 'webhook', 'w', '', '', 'h.example', 'pending', 0, 0, '', 0, '', 0, 0)`, fmt.Sprintf("d%05d", i), i+1)
	}
	ds, err := l.Deliveries(context.Background(), 1000)
	if err != nil || len(ds) != MaxRequestDeliveries {
		t.Fatalf("Deliveries = %d, %v, want %d", len(ds), err, MaxRequestDeliveries)
	}
	if ds[0].EventSeq != 6 || ds[len(ds)-1].EventSeq != MaxRequestDeliveries+5 {
		t.Errorf("Deliveries runs from seq %d to %d, want the last ones, oldest first", ds[0].EventSeq, ds[len(ds)-1].EventSeq)
	}
}

func testOutboxTransfer(t *testing.T, open openWith) {
	f := &fixture{t: t, l: open(t, WithMail()), ctx: context.Background(), clock: t0}
	addReviewer(t, f.l, "u-new", "nadia.roche@mairie-lyon.fr")
	r := submittedByApplicant(f)
	approved, err := f.l.Apply(f.ctx, instruct.Mutation{RequestID: r.ID, Now: f.tick(), Change: instruct.Decide(reviewer, instruct.KindApprove, "", f.clock)})
	if err != nil {
		t.Fatal(err)
	}
	to := instruct.User{ID: "u-new", Name: "Nadia Roche", Email: "nadia.roche@mairie-lyon.fr"}
	_, err = f.l.Apply(f.ctx, instruct.Mutation{RequestID: r.ID, IfMatch: approved.Request.Version, Now: f.tick(),
		Change: instruct.Transfer{Actor: reviewer, To: to, Comment: "Départ de l'agent.", At: f.clock}})
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := f.l.Deliveries(f.ctx, r.ID)
	claimed, err := f.l.ClaimDeliveries(f.ctx, f.tick(), time.Minute, 10)
	if err != nil {
		t.Fatal(err)
	}
	var transfer []string
	for _, d := range claimed {
		if d.Event.Kind == instruct.KindTransfer {
			transfer = append(transfer, string(d.Role)+":"+d.Recipient)
		}
	}
	want := []string{"applicant:nadia.roche@mairie-lyon.fr", "former_applicant:camille.martin@mairie-lyon.fr"}
	if !cmp.Equal(transfer, want) {
		t.Errorf("the transfer's mails = %v, want %v (deliveries %+v)", transfer, want, ds)
	}
}

// testMaintainPurgesDeliveries: the periodic maintenance deletes the
// deliveries delivered or failed more than 90 days ago, and the
// idempotency records past 30 days; a pending delivery stays however old,
// and so do those finished within 90 days.
func testMaintainPurgesDeliveries(t *testing.T, open openWith) {
	f := &fixture{t: t, l: open(t, WithMail()), ctx: context.Background(), clock: t0}
	var ids []instruct.RequestID
	for range 4 {
		r := submittedByApplicant(f)
		m := f.mutation(r, instruct.KindRefuse, "Base légale absente.")
		m.IdempotencyKey, m.Fingerprint = "refuse-"+r.ID.String(), "fp"
		if _, err := f.l.Apply(f.ctx, m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.ID)
	}
	claimed, err := f.l.ClaimDeliveries(f.ctx, f.tick(), time.Minute, 10)
	if err != nil || len(claimed) != 4 {
		t.Fatalf("ClaimDeliveries = %d, %v; want the 4 refusals' mails", len(claimed), err)
	}
	finished := t0.Add(time.Hour)
	later := finished.Add(24 * time.Hour)
	retry := finished.Add(time.Minute)
	attempts := map[instruct.RequestID]instruct.Attempt{
		ids[0]: {At: finished, Status: 250},                              // delivered 91 days before now
		ids[1]: {At: finished, Status: 550, Error: "no such user"},       // failed then
		ids[2]: {At: later, Status: 250},                                 // delivered 90 days before now: kept
		ids[3]: {At: finished, Status: 451, Error: "busy", Next: &retry}, // still pending
	}
	for _, d := range claimed {
		a := attempts[d.Event.RequestID]
		a.ID, a.Lease = d.Delivery.ID, d.Lease
		if ok, err := f.l.FinishDelivery(f.ctx, a); !ok || err != nil {
			t.Fatalf("FinishDelivery(%s) = %v, %v", d.Event.RequestID, ok, err)
		}
	}
	now := later.Add(DeliveryRetention).Add(-time.Minute)
	res, err := f.l.Maintain(f.ctx, now)
	if err != nil || res.Deliveries != 2 || res.IdempotencyRecords != 4 {
		t.Fatalf("Maintain() = %+v, %v; want 2 deliveries and the 4 idempotency records purged", res, err)
	}
	for i, want := range []int{0, 0, 1, 1} {
		if got := deliveryTargets(t, f.l, ids[i]); len(got) != want {
			t.Errorf("deliveries of %s after Maintain = %v, want %d", ids[i], got, want)
		}
	}
	if again, err := f.l.Maintain(f.ctx, now); err != nil || again != (MaintenanceResult{}) {
		t.Errorf("Maintain() again = %+v, %v; want nothing more purged", again, err)
	}
}
