package demo

import (
	"testing"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/instruct"
)

func TestUsersHaveFixedIdentities(t *testing.T) {
	users := map[string]instruct.User{}
	for _, u := range Users() {
		users[u.ID] = u
	}
	tests := []struct {
		id, name, email string
		decides         []string
		reviewer, admin bool
	}{
		{InstructorID, "Marie Dupont", "marie.dupont@demo.instruct.fr",
			[]string{"api_particulier", "api_entreprise", "api_impot_particulier", "france_connect"}, true, false},
		{SecondInstructorID, "Karim Benali", "karim.benali@demo.instruct.fr",
			[]string{"api_droits_cnam", "api_scolarite", "hubee_dila", "pro_connect_service_provider"}, true, false},
		{ReporterID, "Julien Moreau", "julien.moreau@demo.instruct.fr", nil, true, false},
		{ApplicantID, "Camille Martin", "camille.martin@demo.instruct.fr", nil, false, false},
		{AdminID, "Sophie Laurent", "sophie.laurent@demo.instruct.fr", nil, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			u, ok := users[tt.id]
			if !ok {
				t.Fatalf("Users() has no %s", tt.id)
			}
			if u.Name != tt.name || u.Email != tt.email {
				t.Errorf("Users()[%s] = %q <%s>, want %q <%s>", tt.id, u.Name, u.Email, tt.name, tt.email)
			}
			if u.IsReviewer() != tt.reviewer || u.IsAdmin() != tt.admin {
				t.Errorf("%s: IsReviewer() = %v, IsAdmin() = %v; want %v, %v", tt.id, u.IsReviewer(), u.IsAdmin(), tt.reviewer, tt.admin)
			}
			for _, def := range tt.decides {
				if !u.CanDecide(def) {
					t.Errorf("%s.CanDecide(%s) = false, want true", tt.id, def)
				}
			}
		})
	}
	if r := users[ReporterID]; !r.CanSee("api_particulier") || r.CanDecide("api_particulier") {
		t.Errorf("reporter: CanSee = %v, CanDecide = %v; want true, false", r.CanSee("api_particulier"), r.CanDecide("api_particulier"))
	}
	if m := users[InstructorID]; m.CanDecide("api_droits_cnam") {
		t.Errorf("%s.CanDecide(api_droits_cnam) = true, want the second instructor's definitions kept apart", InstructorID)
	}
}

func TestEveryDefaultDefinitionHasAnInstructor(t *testing.T) {
	defs, err := catalog.Default()
	if err != nil {
		t.Fatal(err)
	}
	byDefinition, _ := deciders(Users())
	for _, d := range defs {
		if len(byDefinition[d.ID]) == 0 {
			t.Errorf("no demo instructor decides on %s", d.ID)
		}
	}
}
