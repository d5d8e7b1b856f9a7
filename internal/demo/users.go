// Package demo generates realistic, deterministic demo data: the demo
// users and the history of any number of requests for access to
// government APIs, as French reviewers would see them — communes, CCAS,
// départements, ministries and software vendors with valid SIRETs, use
// cases and legal bases taken from DataPass's forms, real scope
// identifiers, and a realistic spread of statuses, ages, resubmissions
// and review comments.
package demo

import "github.com/instruct-dev/instruct/internal/instruct"

// The IDs of the demo users.
const (
	InstructorID       = "demo-instructor"
	SecondInstructorID = "demo-instructor-2"
	ManagerID          = "demo-manager"
	ReporterID         = "demo-reporter"
	ApplicantID        = "demo-applicant"
	AdminID            = "demo-admin"
)

// Users returns the demo users, with fixed IDs and e-mails: two
// instructors on different APIs, a manager who decides on two of the
// first instructor's APIs too (so that the two can meet in a conflict),
// a support reporter who reads everything, an applicant without roles,
// and an administrator.
func Users() []instruct.User {
	return []instruct.User{
		{ID: InstructorID, Name: "Marie Dupont", Email: "marie.dupont@demo.instruct.fr",
			Roles: grants(instruct.RoleInstructor, "api_particulier", "api_entreprise", "api_impot_particulier", "france_connect")},
		{ID: SecondInstructorID, Name: "Karim Benali", Email: "karim.benali@demo.instruct.fr",
			Roles: grants(instruct.RoleInstructor, "api_droits_cnam", "api_indemnites_journalieres_cnam", "api_scolarite", "hubee_dila", "pro_connect_service_provider")},
		{ID: ManagerID, Name: "Thomas Lefèvre", Email: "thomas.lefevre@demo.instruct.fr",
			Roles: grants(instruct.RoleManager, "api_particulier", "api_entreprise")},
		{ID: ReporterID, Name: "Julien Moreau", Email: "julien.moreau@demo.instruct.fr",
			Roles: grants(instruct.RoleReporter, instruct.AllDefinitions)},
		{ID: ApplicantID, Name: "Camille Martin", Email: "camille.martin@demo.instruct.fr"},
		{ID: AdminID, Name: "Sophie Laurent", Email: "sophie.laurent@demo.instruct.fr",
			Roles: grants(instruct.RoleAdmin, instruct.AllDefinitions)},
	}
}

func grants(role instruct.Role, definitions ...string) []instruct.Grant {
	out := make([]instruct.Grant, len(definitions))
	for i, d := range definitions {
		out[i] = instruct.Grant{Definition: d, Role: role}
	}
	return out
}

// deciders returns, for each definition, the actors of the users who
// decide on it by an explicit grant, and as a fallback for definitions
// nobody holds, the administrators.
func deciders(users []instruct.User) (map[string][]instruct.Actor, []instruct.Actor) {
	byDefinition := map[string][]instruct.Actor{}
	var admins []instruct.Actor
	for _, u := range users {
		if u.IsAdmin() {
			admins = append(admins, u.Actor())
			continue
		}
		for _, g := range u.Roles {
			if g.Definition != instruct.AllDefinitions && u.CanDecide(g.Definition) {
				byDefinition[g.Definition] = append(byDefinition[g.Definition], u.Actor())
			}
		}
	}
	return byDefinition, admins
}
