package sshd

import (
	"context"
	"fmt"
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// TestSessionReadsDeliveriesOfItsReviewersOnly: a session's history reads
// the deliveries of a request from the review service as its user, with
// the rules of GET …/deliveries. Every reviewer of the request's API, of
// any role, reads the webhook call its submission caused; a reviewer of
// another API gets not_found, and its applicant (who never gets a
// session, but whose view would ask) forbidden.
func TestSessionReadsDeliveriesOfItsReviewersOnly(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	if _, _, err := w.ledger.AddWebhook(ctx, "api_particulier", "https://api.example.gouv.fr/datapass/webhook",
		[]instruct.Kind{instruct.KindSubmit}); err != nil {
		t.Fatal(err)
	}
	creator := w.addUser("camille-martin")
	r := w.submitted(creator, "api_particulier", "Tarification de la cantine scolaire")
	w.caughtUp()

	var users []matrixUser
	for _, role := range []instruct.Role{instruct.RoleReporter, instruct.RoleInstructor, instruct.RoleManager, instruct.RoleAdmin} {
		for _, def := range []string{"api_particulier", "api_entreprise", "*"} {
			id := fmt.Sprintf("%s-%s", role, map[string]string{"*": "all"}[def]+def)
			users = append(users, matrixUser{fmt.Sprintf("%s on %s", role, def), w.addUser(id, instruct.Grant{Definition: def, Role: role})})
		}
	}
	for _, u := range users {
		t.Run(u.name, func(t *testing.T) {
			list, err := w.view(u.user).Fetch(ctx, r.ID)
			if !u.sees(r, creator.ID) {
				if instruct.ErrorCode(err) != instruct.CodeNotFound || len(list) != 0 {
					t.Errorf("Fetch(%s) = %+v, %v; want not_found", r.ID, list, err)
				}
				return
			}
			if err != nil || len(list) != 1 || list[0].Channel != instruct.ChannelWebhook ||
				list[0].Target != "api.example.gouv.fr" || list[0].Status != instruct.DeliveryPending {
				t.Errorf("Fetch(%s) = %+v, %v; want the submission's webhook call to api.example.gouv.fr, waiting", r.ID, list, err)
			}
		})
	}
	t.Run("applicant", func(t *testing.T) {
		list, err := w.view(creator).Fetch(ctx, r.ID)
		if instruct.ErrorCode(err) != instruct.CodeForbidden || len(list) != 0 {
			t.Errorf("Fetch(%s) as its applicant = %+v, %v; want forbidden", r.ID, list, err)
		}
	})
	if list, ok, err := w.view(users[1].user).Kept(ctx, r.ID); ok || err != nil || len(list) != 0 {
		t.Errorf("Kept(%s) = %+v, %v, %v; want nothing: the shared read model keeps no deliveries", r.ID, list, ok, err)
	}
}
