package main

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
)

// TestMaintenancePurgesOldDeliveriesAtStart: the maintenance serve
// starts purges at once a mail that failed more than 90 days ago, and
// keeps one delivered last week.
func TestMaintenancePurgesOldDeliveriesAtStart(t *testing.T) {
	ctx := context.Background()
	l, err := ledger.Open(ctx, filepath.Join(t.TempDir(), "server.db"), ledger.WithMail())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	now := time.Now().UTC()
	mailed := func(at time.Time, status int, failure string) instruct.RequestID {
		t.Helper()
		p := instruct.RequestPatch{Definition: ptrTo("api_particulier"), Applicant: &instruct.Person{Name: "Camille Martin", Email: "camille.martin@mairie-lyon.fr"}}
		r, err := l.Create(ctx, instruct.Actor{ID: "u-a", Name: "Camille Martin"}, p, at)
		if err != nil {
			t.Fatal(err)
		}
		message := instruct.Note{Actor: instruct.Actor{ID: "u-i", Name: "Ines Fontaine"}, Kind: instruct.KindMessage, Comment: "Merci de préciser.", At: at}
		if _, err := l.Apply(ctx, instruct.Mutation{RequestID: r.ID, Now: at, Change: message}); err != nil {
			t.Fatal(err)
		}
		claimed, err := l.ClaimDeliveries(ctx, now, time.Minute, 10)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("ClaimDeliveries = %v, %v; want the message's mail", claimed, err)
		}
		a := instruct.Attempt{ID: claimed[0].Delivery.ID, Lease: claimed[0].Lease, At: at, Status: status, Error: failure}
		if ok, err := l.FinishDelivery(ctx, a); !ok || err != nil {
			t.Fatalf("FinishDelivery = %v, %v", ok, err)
		}
		return r.ID
	}
	old := mailed(now.AddDate(0, 0, -120), 550, "no such user")
	recent := mailed(now.AddDate(0, 0, -7), 250, "")

	stop := startMaintenance(l, time.Hour, slog.New(slog.DiscardHandler))
	defer stop()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		gone, err := l.Deliveries(ctx, old)
		if err != nil {
			t.Fatal(err)
		}
		if len(gone) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the mail that failed 120 days ago is still there: %+v", gone)
		}
	}
	if kept, err := l.Deliveries(ctx, recent); err != nil || len(kept) != 1 {
		t.Errorf("deliveries of the mail delivered 7 days ago = %+v, %v; want it kept", kept, err)
	}
}

func ptrTo[T any](v T) *T { return &v }
