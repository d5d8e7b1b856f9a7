package deliver_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/deliver"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
	"github.com/instruct-dev/instruct/internal/mailtest"
)

var (
	applicant = instruct.Actor{ID: "u-applicant", Name: "Camille Martin"}
	reviewer  = instruct.Actor{ID: "u-reviewer", Name: "Jeanne Durand"}
)

// rig is a real SQLite ledger, the worker sending its outbox, and a clock
// the test moves.
type rig struct {
	t   *testing.T
	ctx context.Context
	l   *ledger.Ledger
	w   *deliver.Worker
	mu  sync.Mutex
	now time.Time
}

func newRig(t *testing.T, mailer *deliver.Mailer, timeout time.Duration) *rig {
	t.Helper()
	opts := []ledger.Option{}
	if mailer != nil {
		opts = append(opts, ledger.WithMail())
	}
	l, err := ledger.Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"), opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	r := &rig{t: t, ctx: context.Background(), l: l, now: time.Now().UTC()}
	r.w = deliver.New(deliver.Config{Store: l, Mailer: mailer, Timeout: timeout, Now: r.clock, Environment: "demo",
		Catalogue: []instruct.Definition{{ID: "api_particulier", Name: "API Particulier"}}})
	return r
}

func (r *rig) clock() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.now
}

// advance moves the clock by d.
func (r *rig) advance(d time.Duration) {
	r.mu.Lock()
	r.now = r.now.Add(d)
	r.mu.Unlock()
}

// runOnce sends what is due and returns how many deliveries it took.
func (r *rig) runOnce() int {
	r.t.Helper()
	n, err := r.w.RunOnce(r.ctx)
	if err != nil {
		r.t.Fatalf("RunOnce = %v", err)
	}
	return n
}

// apply records an event of kind k by actor on request req.
func (r *rig) apply(req instruct.Request, k instruct.Kind, actor instruct.Actor, comment string) instruct.Outcome {
	r.t.Helper()
	out, err := r.l.Apply(r.ctx, instruct.Mutation{RequestID: req.ID, Now: r.clock(), Change: instruct.ChangeFunc(func(q *instruct.Request) (instruct.Event, bool, error) {
		to, err := instruct.Transition(q.Status, k)
		if err != nil {
			return instruct.Event{}, false, err
		}
		q.Status = to
		return instruct.Event{Kind: k, Actor: actor, Comment: comment}, k.ChangesVersion(), nil
	})})
	if err != nil {
		r.t.Fatalf("Apply(%s) = %v", k, err)
	}
	return out
}

// submitted creates and submits a request of API Particulier.
func (r *rig) submitted() instruct.Request {
	r.t.Helper()
	def, title := "api_particulier", "Tarif de la cantine"
	req, err := r.l.Create(r.ctx, applicant, instruct.RequestPatch{Definition: &def, Title: &title,
		Organization: &instruct.Organization{SIRET: "21690123100011", Name: "Ville de Lyon", City: "Lyon"},
		Applicant:    &instruct.Person{Name: "Camille Martin", Email: "camille.martin@mairie-lyon.fr"}}, r.clock())
	if err != nil {
		r.t.Fatal(err)
	}
	return r.apply(req, instruct.KindSubmit, applicant, "").Request
}

// deliveries returns the deliveries of request id.
func (r *rig) deliveries(id instruct.RequestID) []instruct.Delivery {
	r.t.Helper()
	ds, err := r.l.Deliveries(r.ctx, id)
	if err != nil {
		r.t.Fatal(err)
	}
	return ds
}

func TestMailToApplicantCarriesTheCommentOnly(t *testing.T) {
	smtpd := mailtest.Start(t, mailtest.Options{User: "instruct", Password: "s3cret"})
	mailer, err := deliver.NewMailer("smtp://instruct:s3cret@"+smtpd.Addr, "instruct@interieur.gouv.fr", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t, mailer, 5*time.Second)
	req := r.submitted()
	r.apply(req, instruct.KindNote, reviewer, "NOTE INTERNE : le maire est un ami.")
	out := r.apply(req, instruct.KindRefuse, reviewer, "La base légale ne couvre pas la cantine.\nMerci de déposer une nouvelle demande.")
	if n := r.runOnce(); n != 1 {
		t.Fatalf("the worker took %d deliveries, want the refusal's mail", n)
	}
	if ds := r.deliveries(req.ID); len(ds) == 1 && ds[0].LastError != "" {
		t.Fatalf("the mail failed: %s", ds[0].LastError)
	}
	got := smtpd.Wait(t, 1, 5*time.Second)[0]
	if got.User != "instruct" || got.From != "instruct@interieur.gouv.fr" || strings.Join(got.To, ",") != "camille.martin@mairie-lyon.fr" {
		t.Errorf("mail from %q as %q to %v, want from the sender, authenticated, to the applicant", got.From, got.User, got.To)
	}
	if subject := got.Header("Subject"); !strings.HasPrefix(subject, "[D1000] ") || !strings.Contains(subject, "refusée") {
		t.Errorf("Subject = %q, want [D1000] and the refusal in French", subject)
	}
	body := got.Body()
	for _, want := range []string{"La base légale ne couvre pas la cantine.\nMerci de déposer une nouvelle demande.", "« Tarif de la cantine »", "API Particulier", "Ville de Lyon"} {
		if !strings.Contains(body, want) {
			t.Errorf("the body lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(string(got.Data), "NOTE INTERNE") || strings.Contains(string(got.Data), "ins_") {
		t.Errorf("the mail carries an internal note or a token:\n%s", got.Data)
	}
	ds := r.deliveries(req.ID)
	if len(ds) != 1 || ds[0].Status != instruct.DeliveryDelivered || ds[0].EventSeq != out.Event.Seq || ds[0].Target != "c…@mairie-lyon.fr" {
		t.Errorf("deliveries = %+v, want the mail delivered, its target masked", ds)
	}
	if id := got.Header("Message-Id"); !strings.Contains(id, ds[0].ID) {
		t.Errorf("Message-ID %q does not name delivery %s, which lets a retry be recognised", id, ds[0].ID)
	}
}

func TestMailRefusedForNowIsRetried(t *testing.T) {
	smtpd := mailtest.Start(t, mailtest.Options{})
	smtpd.SetRefuse(true)
	mailer, _ := deliver.NewMailer("smtp://"+smtpd.Addr, "instruct@interieur.gouv.fr", 5*time.Second)
	r := newRig(t, mailer, 5*time.Second)
	req := r.submitted()
	r.apply(req, instruct.KindRequestChanges, reviewer, "Précisez la durée de conservation.")
	r.runOnce()
	ds := r.deliveries(req.ID)
	if len(ds) != 1 || ds[0].Status != instruct.DeliveryPending || ds[0].LastStatus != 451 || ds[0].Attempts != 1 || ds[0].NextAttemptAt == nil {
		t.Fatalf("after a 451: %+v, want pending, 1 attempt, last status 451, a next attempt", ds)
	}
	if strings.Contains(ds[0].LastError, "camille.martin") {
		t.Errorf("last_error shows the address: %q", ds[0].LastError)
	}
	smtpd.SetRefuse(false)
	r.advance(29 * time.Second)
	if n := r.runOnce(); n != 0 {
		t.Errorf("retried %d before 30 s", n)
	}
	r.advance(2 * time.Second)
	r.runOnce()
	if got := smtpd.Wait(t, 1, 5*time.Second); len(got) != 1 {
		t.Errorf("mails = %d, want 1", len(got))
	}
	if ds := r.deliveries(req.ID); ds[0].Status != instruct.DeliveryDelivered || ds[0].Attempts != 2 {
		t.Errorf("after the retry: %+v, want delivered after 2 attempts", ds[0])
	}
}

// receiver is a webhook receiver that records each call and answers
// with what answer returns.
type receiver struct {
	mu     sync.Mutex
	calls  []call
	answer func(n int) (int, string)
}

type call struct {
	header http.Header
	body   []byte
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.calls = append(rc.calls, call{header: r.Header.Clone(), body: body})
	n := len(rc.calls)
	rc.mu.Unlock()
	status, text := rc.answer(n)
	w.WriteHeader(status)
	io.WriteString(w, text)
}

func (rc *receiver) got() []call {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]call(nil), rc.calls...)
}

// hook adds a webhook of API Particulier to url and returns its secret.
func (r *rig) hook(url string, kinds ...instruct.Kind) string {
	r.t.Helper()
	_, secret, err := r.l.AddWebhook(r.ctx, "api_particulier", url, kinds)
	if err != nil {
		r.t.Fatal(err)
	}
	return secret
}

func TestWebhookIsSignedInDataPassFormat(t *testing.T) {
	rc := &receiver{answer: func(int) (int, string) { return 204, "" }}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	r := newRig(t, nil, 5*time.Second)
	secret := r.hook(srv.URL+"/datapass", instruct.KindApprove)
	req := r.submitted()
	out := r.apply(req, instruct.KindApprove, reviewer, "Conforme.")
	r.runOnce()
	calls := rc.got()
	if len(calls) != 1 {
		t.Fatalf("calls = %d, want 1 (only approve is subscribed)", len(calls))
	}
	c := calls[0]
	if !deliver.Verify(secret, c.body, c.header.Get("X-Hub-Signature-256")) {
		t.Errorf("X-Hub-Signature-256 %q does not verify", c.header.Get("X-Hub-Signature-256"))
	}
	ds := r.deliveries(req.ID)
	if c.header.Get("X-App-Environment") != "demo" || c.header.Get("X-Instruct-Delivery") != ds[0].ID || c.header.Get("Content-Type") != "application/json" {
		t.Errorf("headers = %v, want environment demo and the delivery ID %s", c.header, ds[0].ID)
	}
	var p map[string]any
	if err := json.Unmarshal(c.body, &p); err != nil {
		t.Fatal(err)
	}
	data, _ := p["data"].(map[string]any)
	request, _ := data["request"].(map[string]any)
	org, _ := data["organization"].(map[string]any)
	if p["event"] != "approve" || p["model_type"] != "authorization_request" || p["model_id"] != float64(1000) ||
		p["fired_at"] != out.Event.At.UTC().Format(time.RFC3339Nano) || request["id"] != "D1000" || request["status"] != "validated" ||
		org["siret"] != "21690123100011" || data["habilitation"] != nil {
		t.Errorf("payload = %s", c.body)
	}
	if ds[0].Status != instruct.DeliveryDelivered || ds[0].LastStatus != 204 || ds[0].Target != "127.0.0.1" {
		t.Errorf("delivery = %+v, want delivered, 204, to the host", ds[0])
	}
}

func TestWebhookAnswering500IsRetriedWithTheSameIDAndBody(t *testing.T) {
	rc := &receiver{answer: func(n int) (int, string) {
		if n == 1 {
			return 500, "boom"
		}
		return 200, "{}"
	}}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	r := newRig(t, nil, 5*time.Second)
	r.hook(srv.URL)
	req := r.submitted()
	r.runOnce()
	r.advance(20 * time.Second) // the request changes before the retry…
	r.apply(req, instruct.KindRefuse, reviewer, "Non.")
	r.runOnce() // …and the refusal's call goes out
	r.advance(11 * time.Second)
	r.runOnce()
	calls := rc.got()
	if len(calls) != 3 {
		t.Fatalf("calls = %d, want the submit's, the refusal's, the submit's retry", len(calls))
	}
	first, retry := calls[0], calls[2]
	if first.header.Get("X-Instruct-Delivery") != retry.header.Get("X-Instruct-Delivery") || string(first.body) != string(retry.body) {
		t.Errorf("the retry differs:\n%s %s\n%s %s", first.header.Get("X-Instruct-Delivery"), first.body, retry.header.Get("X-Instruct-Delivery"), retry.body)
	}
	if !strings.Contains(string(retry.body), `"status":"submitted"`) {
		t.Errorf("the retry is not the submit's first body: %s", retry.body)
	}
	ds := r.deliveries(req.ID)
	if ds[0].Status != instruct.DeliveryDelivered || ds[0].Attempts != 2 || ds[0].LastStatus != 200 {
		t.Errorf("the submit's call = %+v, want delivered after 2 attempts", ds[0])
	}
}

func TestWebhookHangingTimesOutAndIsRetried(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	rc := &receiver{answer: func(n int) (int, string) {
		if n == 1 {
			<-release
		}
		return 201, ""
	}}
	srv := httptest.NewServer(rc)
	defer func() { once.Do(func() { close(release) }); srv.Close() }()
	r := newRig(t, nil, 300*time.Millisecond)
	r.hook(srv.URL)
	req := r.submitted()
	r.runOnce()
	once.Do(func() { close(release) })
	ds := r.deliveries(req.ID)
	if ds[0].Status != instruct.DeliveryPending || ds[0].LastStatus != 0 || ds[0].LastError == "" {
		t.Fatalf("after a hanging receiver: %+v, want pending with the timeout as last error", ds[0])
	}
	r.advance(31 * time.Second)
	r.runOnce()
	if ds := r.deliveries(req.ID); ds[0].Status != instruct.DeliveryDelivered || ds[0].Attempts != 2 {
		t.Errorf("after the retry: %+v, want delivered", ds[0])
	}
}

func TestWebhookReceiverDownIsRetriedThenFails(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nobody listens there
	r := newRig(t, nil, 2*time.Second)
	r.hook("http://" + addr + "/hook")
	req := r.submitted()
	waits := []time.Duration{0, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour}
	for range 11 {
		waits = append(waits, 6*time.Hour)
	}
	for i, wait := range waits {
		r.advance(wait)
		if n := r.runOnce(); n != 1 {
			t.Fatalf("attempt %d after %s: took %d, want 1", i+1, wait, n)
		}
		if i < len(waits)-1 && r.deliveries(req.ID)[0].Status != instruct.DeliveryPending {
			t.Fatalf("attempt %d: %+v, want still pending", i+1, r.deliveries(req.ID)[0])
		}
	}
	ds := r.deliveries(req.ID)
	if ds[0].Status != instruct.DeliveryFailed || ds[0].Attempts != len(waits) || ds[0].NextAttemptAt != nil {
		t.Fatalf("after three days: %+v, want failed after %d attempts", ds[0], len(waits))
	}
	if err := r.l.RetryDelivery(r.ctx, ds[0].ID); err != nil {
		t.Fatal(err)
	}
	rc := &receiver{answer: func(int) (int, string) { return 200, "" }}
	back, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("the port was taken meanwhile: %v", err)
	}
	srv := &http.Server{Handler: rc}
	go srv.Serve(back)
	defer srv.Close()
	r.now = time.Now().UTC()
	r.runOnce()
	if ds := r.deliveries(req.ID); ds[0].Status != instruct.DeliveryDelivered {
		t.Errorf("after retry by hand with the receiver back: %+v, want delivered", ds[0])
	}
}

func TestNextAttemptSchedule(t *testing.T) {
	since := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		failures int
		at       time.Time
		want     time.Duration // after at; 0 gives up
	}{
		{"first failure", 0, since, 30 * time.Second},
		{"second", 1, since.Add(30 * time.Second), 2 * time.Minute},
		{"third", 2, since, 10 * time.Minute},
		{"fourth", 3, since, time.Hour},
		{"then every 6 h", 4, since.Add(2 * time.Hour), 6 * time.Hour},
		{"still within three days", 10, since.Add(66 * time.Hour), 6 * time.Hour},
		{"past three days gives up", 11, since.Add(67 * time.Hour), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := deliver.NextAttempt(tc.failures, since, tc.at)
			if tc.want == 0 {
				if got != nil {
					t.Errorf("NextAttempt = %v, want nil (failed)", got)
				}
				return
			}
			if got == nil || got.Sub(tc.at) != tc.want {
				t.Errorf("NextAttempt = %v, want %s after %v", got, tc.want, tc.at)
			}
		})
	}
}
