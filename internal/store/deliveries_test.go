package store

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestDeliveriesKeptOffline: the deliveries of a request, once put, are
// read back as they were after the cache is closed and opened again
// (offline), a later list replaces them, and a feed reset drops them
// with the requests.
func TestDeliveriesKeptOffline(t *testing.T) {
	ctx := context.Background()
	s := openTemp(t)
	mustApply(t, s, request(1042, "Ville de Lyon", 3))
	if list, ok, err := s.Deliveries(ctx, 1042); err != nil || ok || len(list) != 0 {
		t.Fatalf("Deliveries() before any = %v, %v, %v; want none kept", list, ok, err)
	}
	next := time.Date(2026, 3, 2, 14, 5, 0, 0, time.UTC)
	first := []instruct.Delivery{{ID: "d1", Channel: instruct.ChannelWebhook, EventSeq: 41, Target: "api.example.gouv.fr",
		Status: instruct.DeliveryPending, Attempts: 3, LastStatus: 500, LastError: "500 Internal Server Error", NextAttemptAt: &next}}
	if err := s.PutDeliveries(ctx, 1042, first); err != nil {
		t.Fatalf("PutDeliveries() = %v", err)
	}
	path := s.path
	s.Close()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open() again = %v", err)
	}
	defer s.Close()
	got, ok, err := s.Deliveries(ctx, 1042)
	if err != nil || !ok {
		t.Fatalf("Deliveries() after reopening = %v, %v", ok, err)
	}
	if diff := cmp.Diff(first, got); diff != "" {
		t.Errorf("Deliveries() after reopening (-put +got):\n%s", diff)
	}
	if err := s.PutDeliveries(ctx, 1042, nil); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := s.Deliveries(ctx, 1042); err != nil || !ok || len(got) != 0 {
		t.Errorf("Deliveries() after an empty list = %v, %v, %v; want an empty list kept", got, ok, err)
	}
	if err := s.PutDeliveries(ctx, 1042, first); err != nil {
		t.Fatal(err)
	}
	if err := s.ResetFeed(ctx); err != nil {
		t.Fatal(err)
	}
	if got, ok, err := s.Deliveries(ctx, 1042); err != nil || ok {
		t.Errorf("Deliveries() after ResetFeed = %v, %v, %v; want none kept", got, ok, err)
	}
}
