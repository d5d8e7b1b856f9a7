package client

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestRevokeAndTransferCalls: revoking a habilitation and transferring a
// request post to their paths with the Idempotency-Key, the If-Match and
// the body of the contract, and read the event answered; an unknown
// e-mail is an invalid error and a stale habilitation a stale_version one.
func TestRevokeAndTransferCalls(t *testing.T) {
	type seen struct{ method, path, key, ifMatch, body string }
	var got []seen
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		b, _ := json.Marshal(body)
		got = append(got, seen{r.Method, r.URL.Path, r.Header.Get(api.HeaderIdempotencyKey), r.Header.Get(api.HeaderIfMatch), string(b)})
		switch {
		case body["to"] == "nobody@lyon.fr":
			writeProblem(w, http.StatusUnprocessableEntity, instruct.CodeInvalid, "no user has this e-mail")
		case r.URL.Path == "/api/v1/habilitations/H2050/revoke":
			writeProblem(w, http.StatusPreconditionFailed, instruct.CodeStaleVersion, "H2050 is at version 2")
		default:
			writeJSON(w, http.StatusOK, map[string]any{"request": instruct.Request{ID: 1042, Version: 6},
				"event": instruct.Event{Seq: 9, Kind: instruct.KindRevoke, HabilitationID: 2041}})
		}
	}, Options{})
	ctx := context.Background()
	res, err := c.RevokeHabilitation(ctx, "k1", 2041, 3, "Convention résiliée")
	if err != nil || res.Event.HabilitationID != 2041 || res.Request.Version != 6 {
		t.Errorf("RevokeHabilitation() = %+v, %v, want the event of H2041 and the request", res, err)
	}
	if _, err := c.Transfer(ctx, "k2", 1042, 6, api.TransferInput{To: "jean@lyon.fr", Comment: "départ"}); err != nil {
		t.Errorf("Transfer() = %v", err)
	}
	if _, err := c.Transfer(ctx, "k3", 1042, 6, api.TransferInput{To: "nobody@lyon.fr", Comment: "départ"}); instruct.ErrorCode(err) != instruct.CodeInvalid {
		t.Errorf("Transfer(unknown e-mail) = %v, want invalid", err)
	}
	if _, err := c.RevokeHabilitation(ctx, "k4", 2050, 1, "fin"); instruct.ErrorCode(err) != instruct.CodeStaleVersion {
		t.Errorf("RevokeHabilitation(stale) = %v, want stale_version", err)
	}
	want := []seen{
		{"POST", "/api/v1/habilitations/H2041/revoke", "k1", `"3"`, `{"comment":"Convention résiliée"}`},
		{"POST", "/api/v1/requests/D1042/transfer", "k2", `"6"`, `{"comment":"départ","to":"jean@lyon.fr"}`},
		{"POST", "/api/v1/requests/D1042/transfer", "k3", `"6"`, `{"comment":"départ","to":"nobody@lyon.fr"}`},
		{"POST", "/api/v1/habilitations/H2050/revoke", "k4", `"1"`, `{"comment":"fin"}`},
	}
	if len(got) != len(want) {
		t.Fatalf("calls = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("call %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// TestHabilitationsList: the list carries its filters as query parameters
// and decodes the page.
func TestHabilitationsList(t *testing.T) {
	next := "n"
	c, _ := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/habilitations" || r.URL.Query().Get("status") != "active" || r.URL.Query().Get("siret") != "21690123100011" {
			writeProblem(w, http.StatusNotFound, instruct.CodeNotFound, r.URL.String())
			return
		}
		writeJSON(w, http.StatusOK, api.HabilitationList{Habilitations: []instruct.Habilitation{{ID: 2041, RequestID: 1042, Status: instruct.HabilitationActive}}, Next: &next})
	}, Options{})
	page, err := c.Habilitations(context.Background(), HabilitationsQuery{Status: instruct.HabilitationActive, SIRET: "21690123100011"})
	if err != nil || len(page.Habilitations) != 1 || page.Habilitations[0].ID != 2041 || page.Next == nil || *page.Next != "n" {
		t.Errorf("Habilitations() = %+v, %v, want H2041 and the next cursor", page, err)
	}
}
