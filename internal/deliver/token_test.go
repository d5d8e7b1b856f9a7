package deliver_test

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/instruct-dev/instruct/internal/deliver"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/review"
)

// TestApprovalAnsweredWithATokenSetsTheExternalID: the approval's call
// carries the habilitation it issued; the provider's {"token_id"} answer
// becomes the habilitation's external_id with one token_delivered event,
// and the same answer again (a retried call) records nothing more.
func TestApprovalAnsweredWithATokenSetsTheExternalID(t *testing.T) {
	rc := &receiver{answer: func(int) (int, string) { return 201, `{"token_id": "tok_8f3a"}` }}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	r := newRig(t, nil, 5*time.Second)
	reviews := review.New(review.Config{Storage: r.l})
	r.w = deliver.New(deliver.Config{Store: r.l, Habilitations: r.l, Tokens: reviews, Now: r.clock, Timeout: 5 * time.Second})
	r.hook(srv.URL, instruct.KindApprove)
	req := r.submitted()
	out, err := r.l.Apply(r.ctx, instruct.Mutation{RequestID: req.ID, Now: r.clock(),
		Change: instruct.Decide(reviewer, instruct.KindApprove, "", r.clock())})
	if err != nil || out.Event.HabilitationID == 0 {
		t.Fatalf("approve = %+v, %v, want a habilitation issued", out.Event, err)
	}
	hab := out.Event.HabilitationID
	r.runOnce()
	var p deliver.Payload
	if calls := rc.got(); len(calls) != 1 || json.Unmarshal(calls[0].body, &p) != nil || p.Data.Habilitation == nil || p.Data.Habilitation.ID != hab {
		t.Fatalf("the approval's call does not carry habilitation %s: %d calls", hab, len(rc.got()))
	}
	h, _, err := r.l.Habilitation(r.ctx, hab)
	if err != nil || h.ExternalID == nil || *h.ExternalID != "tok_8f3a" {
		t.Fatalf("habilitation %s external_id = %v, %v, want tok_8f3a", hab, h.ExternalID, err)
	}
	if err := reviews.RecordToken(r.ctx, req.ID, hab, "tok_8f3a"); err != nil {
		t.Fatalf("the same token again = %v", err)
	}
	events, _ := r.l.Events(r.ctx, req.ID)
	var delivered []instruct.Event
	for _, e := range events {
		if e.Kind == instruct.KindTokenDelivered {
			delivered = append(delivered, e)
		}
	}
	if len(delivered) != 1 || delivered[0].HabilitationID != hab || delivered[0].Actor != review.Provider {
		t.Errorf("token_delivered events = %+v, want one naming %s by the provider", delivered, hab)
	}
	if got, _, _ := r.l.Request(r.ctx, req.ID); got.Version != out.Request.Version {
		t.Errorf("the token moved the request's version to %d, want %d", got.Version, out.Request.Version)
	}
}
