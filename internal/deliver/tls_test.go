package deliver_test

import (
	"strings"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/deliver"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/mailtest"
)

// TestMailOverTLS: smtp:// upgrades by STARTTLS when the server offers
// it, smtps:// speaks TLS from the start; both authenticate inside TLS
// and verify the server's certificate (trusted here through
// SSL_CERT_FILE, which Go reads once per process: no other test of this
// package makes a TLS connection before this one).
func TestMailOverTLS(t *testing.T) {
	cfg, caFile := mailtest.Certificate(t)
	t.Setenv("SSL_CERT_FILE", caFile)
	for _, tc := range []struct {
		name, scheme string
		implicit     bool
	}{{"STARTTLS", "smtp", false}, {"implicit TLS", "smtps", true}} {
		t.Run(tc.name, func(t *testing.T) {
			smtpd := mailtest.Start(t, mailtest.Options{User: "instruct", Password: "s3cret", TLS: cfg, Implicit: tc.implicit})
			mailer, err := deliver.NewMailer(tc.scheme+"://instruct:s3cret@"+smtpd.Addr, "instruct@interieur.gouv.fr", 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			r := newRig(t, mailer, 5*time.Second)
			req := r.submitted()
			r.apply(req, instruct.KindMessage, reviewer, "Pourriez-vous joindre la délibération ?")
			r.runOnce()
			if ds := r.deliveries(req.ID); len(ds) != 1 || ds[0].Status != instruct.DeliveryDelivered {
				t.Fatalf("deliveries = %+v, want the message's mail delivered", ds)
			}
			got := smtpd.Wait(t, 1, 5*time.Second)[0]
			if !got.TLS || got.User != "instruct" || !strings.Contains(got.Body(), "Pourriez-vous joindre la délibération ?") {
				t.Errorf("mail over TLS %v as %q:\n%s", got.TLS, got.User, got.Body())
			}
		})
	}
}
