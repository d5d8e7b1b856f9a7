package instruct

import "testing"

func TestRoles(t *testing.T) {
	u := User{ID: "u1", Roles: []Grant{
		{Definition: "api_particulier", Role: RoleInstructor},
		{Definition: "*", Role: RoleReporter},
	}}
	tests := []struct {
		def         string
		see, decide bool
		wantRole    Role
	}{
		{"api_particulier", true, true, RoleInstructor},
		{"api_entreprise", true, false, RoleReporter},
	}
	for _, tt := range tests {
		if got := u.RoleOn(tt.def); got != tt.wantRole {
			t.Errorf("RoleOn(%s) = %q, want %q", tt.def, got, tt.wantRole)
		}
		if got := u.CanSee(tt.def); got != tt.see {
			t.Errorf("CanSee(%s) = %v, want %v", tt.def, got, tt.see)
		}
		if got := u.CanDecide(tt.def); got != tt.decide {
			t.Errorf("CanDecide(%s) = %v, want %v", tt.def, got, tt.decide)
		}
	}
	if u.IsAdmin() {
		t.Error("IsAdmin() = true for a reporter on *")
	}
	applicant := User{ID: "a1"}
	v := applicant.Viewer()
	if !v.ApplicantOnly || v.Sees(Request{Definition: "api_particulier"}, "someone") || !v.Sees(Request{}, "a1") {
		t.Errorf("applicant viewer %+v sees others' requests or not their own", v)
	}
	narrow := User{ID: "r", Roles: []Grant{{Definition: "api_entreprise", Role: RoleReporter}}}.Viewer()
	if narrow.Sees(Request{Definition: "api_particulier"}, "") || !narrow.Sees(Request{Definition: "api_entreprise"}, "") {
		t.Errorf("viewer %+v: wrong visibility", narrow)
	}
}
