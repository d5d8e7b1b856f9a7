package instruct

// Role is what a user may do on the requests of a definition.
type Role string

// The roles, each including the rights of the one before.
const (
	RoleReporter   Role = "reporter"
	RoleInstructor Role = "instructor"
	RoleManager    Role = "manager"
	RoleAdmin      Role = "admin"
)

// AllDefinitions is the definition of a grant that covers every definition.
const AllDefinitions = "*"

// rank orders roles by their rights.
func (r Role) rank() int {
	switch r {
	case RoleReporter:
		return 1
	case RoleInstructor:
		return 2
	case RoleManager:
		return 3
	case RoleAdmin:
		return 4
	}
	return 0
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r.rank() > 0 }

// Grant is a role on a definition, or on AllDefinitions.
type Grant struct {
	Definition string `json:"definition"`
	Role       Role   `json:"role"`
}

// User is someone who signs in: a reviewer holding grants, or an applicant
// holding none.
type User struct {
	ID    string  `json:"id"`
	Name  string  `json:"name"`
	Email string  `json:"email"`
	Roles []Grant `json:"roles"`
}

// Actor returns the user as the actor of an event.
func (u User) Actor() Actor { return Actor{ID: u.ID, Name: u.Name} }

// RoleOn returns the highest role u holds on definition def, or "".
func (u User) RoleOn(def string) Role {
	var best Role
	for _, g := range u.Roles {
		if (g.Definition == def || g.Definition == AllDefinitions) && g.Role.rank() > best.rank() {
			best = g.Role
		}
	}
	return best
}

// CanSee reports whether u may read requests of definition def.
func (u User) CanSee(def string) bool { return u.RoleOn(def).rank() >= RoleReporter.rank() }

// CanDecide reports whether u may decide, write notes and messages on
// requests of definition def.
func (u User) CanDecide(def string) bool { return u.RoleOn(def).rank() >= RoleInstructor.rank() }

// CanManage reports whether u is a manager (or an administrator) of
// definition def, who may take a request from the reviewer holding it.
func (u User) CanManage(def string) bool { return u.RoleOn(def).rank() >= RoleManager.rank() }

// IsAdmin reports whether u is an administrator of every definition, which
// reading users and the audit log requires.
func (u User) IsAdmin() bool { return u.RoleOn(AllDefinitions) == RoleAdmin }

// IsReviewer reports whether u holds any role; users who hold none are
// applicants.
func (u User) IsReviewer() bool { return len(u.Roles) > 0 }

// Viewer returns what u may see, for storage queries.
func (u User) Viewer() Viewer {
	v := Viewer{UserID: u.ID}
	if !u.IsReviewer() {
		v.ApplicantOnly = true
		return v
	}
	for _, g := range u.Roles {
		if g.Definition == AllDefinitions && g.Role.Valid() {
			v.All = true
		}
		if g.Role.Valid() {
			v.Definitions = append(v.Definitions, g.Definition)
		}
	}
	return v
}

// Viewer is the part of the catalogue a user may see: every definition,
// some definitions, or (an applicant) only the requests they created.
type Viewer struct {
	UserID        string
	All           bool
	Definitions   []string
	ApplicantOnly bool
}

// Sees reports whether the viewer may see request r.
func (v Viewer) Sees(r Request, createdBy string) bool {
	if v.ApplicantOnly {
		return createdBy == v.UserID
	}
	if v.All {
		return true
	}
	for _, d := range v.Definitions {
		if d == r.Definition {
			return true
		}
	}
	return false
}
