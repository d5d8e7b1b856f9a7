package server

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

func TestDeliveriesSeenByReviewersOnly(t *testing.T) {
	e := newEnv(t, withMail())
	instructor := e.addUser("Ines Fontaine", "api_particulier:instructor")
	reporter := e.addUser("Julien Moreau", "api_particulier:reporter")
	other := e.addUser("Karim Benali", "api_entreprise:instructor")
	applicant := e.addUser("Camille Martin")
	r := applicant.submitted("api_particulier", "Cantine")
	decodeAs[api.DecisionResult](t, instructor.decide(r.ID.String(), r.Version, instruct.KindRefuse, "Base légale absente."), http.StatusCreated)

	list := decodeAs[api.DeliveryList](t, reporter.do("GET", "/requests/"+r.ID.String()+"/deliveries", nil), http.StatusOK)
	var got []string
	for _, d := range list.Deliveries {
		got = append(got, string(d.Channel)+" "+d.Target+" "+string(d.Status))
	}
	want := []string{"mail i…@example.gouv.fr pending", "mail c…@example.gouv.fr pending"}
	if !cmp.Equal(got, want) {
		t.Errorf("deliveries = %v, want the submission's mail to the instructor and the refusal's to the applicant %v", got, want)
	}
	problem(t, applicant.do("GET", "/requests/"+r.ID.String()+"/deliveries", nil), http.StatusForbidden, instruct.CodeForbidden)
	problem(t, other.do("GET", "/requests/"+r.ID.String()+"/deliveries", nil), http.StatusNotFound, instruct.CodeNotFound)
}

func TestMeNotificationsOptOut(t *testing.T) {
	e := newEnv(t, withMail())
	instructor := e.addUser("Ines Fontaine", "api_particulier:instructor", "api_entreprise:reporter")
	colleague := e.addUser("Olga Fabre", "api_particulier:instructor")
	applicant := e.addUser("Camille Martin")
	me := decodeAs[api.Me](t, instructor.do("GET", "/me", nil), http.StatusOK)
	if !cmp.Equal(me.Notifications, map[string]bool{"api_particulier": true}) {
		t.Errorf("GET /me notifications = %v, want api_particulier on by default", me.Notifications)
	}
	me = decodeAs[api.Me](t, instructor.do("PATCH", "/me", api.MePatch{Notifications: map[string]bool{"api_particulier": false}}), http.StatusOK)
	if !cmp.Equal(me.Notifications, map[string]bool{"api_particulier": false}) || me.ID != instructor.user.ID || len(me.Roles) != 2 {
		t.Errorf("PATCH /me = %+v, want api_particulier off", me)
	}
	problem(t, instructor.do("PATCH", "/me", api.MePatch{Notifications: map[string]bool{"api_entreprise": false}}), http.StatusUnprocessableEntity, instruct.CodeInvalid)
	problem(t, instructor.do("PATCH", "/me", rawBody(`{"notifications": {"api_particulier": false}, "x": 1}`)), http.StatusUnprocessableEntity, instruct.CodeInvalid)
	r := applicant.submitted("api_particulier", "Cantine")
	list := decodeAs[api.DeliveryList](t, colleague.do("GET", "/requests/"+r.ID.String()+"/deliveries", nil), http.StatusOK)
	if len(list.Deliveries) != 1 || list.Deliveries[0].Target != "o…@example.gouv.fr" {
		t.Errorf("the submission's mails = %+v, want only the colleague's, not the one who opted out", list.Deliveries)
	}
	if me := decodeAs[api.Me](t, applicant.do("GET", "/me", nil), http.StatusOK); len(me.Notifications) != 0 {
		t.Errorf("an applicant's notifications = %v, want none", me.Notifications)
	}
}
