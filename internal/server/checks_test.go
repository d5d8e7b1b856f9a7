package server

import (
	"net/http"
	"slices"
	"testing"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestWriteAnswersCarryChecks: every answer that carries a request after
// a write — create, edit, submit, claim, decision, transfer, and the
// current request of a 412 — carries its checks as a read does, so that
// a client keeping the answer keeps the missing_prerequisite flag. Both
// engines.
func TestWriteAnswersCarryChecks(t *testing.T) {
	bothEngines(t, func(t *testing.T, e *testEnv) {
		camille := e.addUser("Camille Martin")
		yanis := e.addUser("Yanis Robert")
		jeanne := e.addUser("Jeanne Durand", "*:instructor")
		missing := []instruct.Check{{Code: instruct.CheckMissingPrerequisite, Definition: "france_connect"}}
		answers := map[string][]instruct.Check{}

		r := decodeAs[instruct.Request](t, camille.do("POST", "/requests", fullPatch("api_entreprise", "Marchés publics")), http.StatusCreated)
		answers["create"] = r.Checks
		title := "Marchés publics de la ville"
		r = decodeAs[instruct.Request](t, camille.do("PATCH", "/requests/"+r.ID.String(), instruct.RequestPatch{Title: &title}, ifMatch(r.Version)), http.StatusOK)
		answers["edit"] = r.Checks
		r = decodeAs[instruct.Request](t, camille.do("POST", "/requests/"+r.ID.String()+"/submit", nil, ifMatch(r.Version)), http.StatusOK)
		answers["submit"] = r.Checks
		claim := decodeAs[api.ClaimResult](t, jeanne.do("POST", "/requests/"+r.ID.String()+"/claim", nil, key(newKey())), http.StatusOK)
		answers["claim"] = claim.Request.Checks
		stale := problem(t, jeanne.decide(r.ID.String(), r.Version-1, instruct.KindApprove, ""), http.StatusPreconditionFailed, instruct.CodeStaleVersion)
		if stale.Current != nil {
			answers["412 current"] = stale.Current.Checks
		}
		approved := decodeAs[api.DecisionResult](t, jeanne.decide(r.ID.String(), r.Version, instruct.KindApprove, "Conforme."), http.StatusCreated)
		answers["decision"] = approved.Request.Checks
		moved := decodeAs[api.DecisionResult](t, jeanne.do("POST", "/requests/"+r.ID.String()+"/transfer",
			api.TransferInput{To: yanis.user.Email, Comment: "Départ de l'agent."}, key(newKey()), ifMatch(approved.Request.Version)), http.StatusCreated)
		answers["transfer"] = moved.Request.Checks

		for _, write := range []string{"create", "edit", "submit", "claim", "412 current", "decision", "transfer"} {
			if !slices.Equal(answers[write], missing) {
				t.Errorf("%s answer: checks = %v, want %v as a read gives", write, answers[write], missing)
			}
		}
		if read := decodeAs[instruct.Request](t, jeanne.do("GET", "/requests/"+r.ID.String(), nil), http.StatusOK); !slices.Equal(read.Checks, missing) {
			t.Errorf("read after the writes: checks = %v, want %v", read.Checks, missing)
		}
	}, withPrerequisites())
}
