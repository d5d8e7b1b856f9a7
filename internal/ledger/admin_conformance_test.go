package ledger

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// runAdminConformance runs, on every engine, what the administrators'
// commands rely on: revoking tokens, replacing roles and removing SSH
// keys. open returns a new, empty ledger that the test owns, as for
// runConformance.
func runAdminConformance(t *testing.T, open func(t *testing.T) *Ledger) {
	tests := []struct {
		name string
		run  func(t *testing.T, open func(t *testing.T) *Ledger)
	}{
		{"RevokeTokensOfOneUser", testRevokeTokens},
		{"RevokeOneTokenOfItsOwner", testRevokeToken},
		{"SetRolesReplacesWhatTheUserSees", testSetRolesVisibility},
		{"SetRolesRefusedKeepsTheOldRoles", testSetRolesRefused},
		{"RemoveOneSSHKeyOfItsOwner", testRemoveSSHKey},
		{"RemoveEverySSHKeyOfOneUser", testRemoveSSHKeys},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.run(t, open) })
	}
}

func TestSQLiteAdminConformance(t *testing.T) {
	runAdminConformance(t, openSQLiteTest)
}

func TestPostgresAdminConformance(t *testing.T) {
	postgresDSN(t)
	runAdminConformance(t, openPostgresTest)
}

// addUser stores a user of that e-mail with roles, or fails the test.
func (f *fixture) addUser(email string, roles ...instruct.Grant) instruct.User {
	f.t.Helper()
	u, err := f.l.AddUser(f.ctx, instruct.User{Name: email, Email: email, Roles: roles})
	if err != nil {
		f.t.Fatalf("AddUser(%s) = %v", email, err)
	}
	return u
}

// newToken returns a new token of user id and its SHA-256.
func (f *fixture) newToken(id string) (string, []byte) {
	f.t.Helper()
	token, err := f.l.CreateToken(f.ctx, id)
	if err != nil {
		f.t.Fatalf("CreateToken(%s) = %v", id, err)
	}
	hash := sha256.Sum256([]byte(token))
	return token, hash[:]
}

// wantOwner fails the test unless the token of that hash is accepted as
// user id's ("" for a token that must be refused).
func (f *fixture) wantOwner(what string, hash []byte, id string) {
	f.t.Helper()
	f.wantResolved(what, "UserByTokenHash()", id, func() (instruct.User, error) { return f.l.UserByTokenHash(f.ctx, hash) })
}

// wantResolved fails the test unless lookup (named call) finds user id,
// or, with id "", answers not_found.
func (f *fixture) wantResolved(what, call, id string, lookup func() (instruct.User, error)) {
	f.t.Helper()
	u, err := lookup()
	if id == "" {
		if instruct.ErrorCode(err) != instruct.CodeNotFound {
			f.t.Errorf("%s: %s = %+v, %v, want not_found", what, call, u, err)
		}
		return
	}
	if err != nil || u.ID != id {
		f.t.Errorf("%s: %s = %+v, %v, want user %s", what, call, u, err, id)
	}
}

func testRevokeTokens(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	jeanne := f.addUser("jeanne@dinum.gouv.fr")
	paul := f.addUser("paul@dinum.gouv.fr")
	_, first := f.newToken(jeanne.ID)
	_, second := f.newToken(jeanne.ID)
	_, pauls := f.newToken(paul.ID)

	n, err := f.l.RevokeTokens(f.ctx, jeanne.ID)
	if err != nil || n != 2 {
		t.Fatalf("RevokeTokens(Jeanne) = %d, %v, want 2", n, err)
	}
	f.wantOwner("Jeanne's first token after revocation", first, "")
	f.wantOwner("Jeanne's second token after revocation", second, "")
	f.wantOwner("Paul's token after revoking Jeanne's", pauls, paul.ID)
	if n, err := f.l.RevokeTokens(f.ctx, jeanne.ID); err != nil || n != 0 {
		t.Errorf("RevokeTokens(Jeanne) again = %d, %v, want 0", n, err)
	}
	_, err = f.l.RevokeTokens(f.ctx, "u-nobody")
	wantCode(t, "RevokeTokens(unknown user)", err, instruct.CodeNotFound)
	_, third := f.newToken(jeanne.ID)
	f.wantOwner("a token created after revocation", third, jeanne.ID)
}

func testRevokeToken(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	jeanne := f.addUser("jeanne@dinum.gouv.fr")
	paul := f.addUser("paul@dinum.gouv.fr")
	_, laptop := f.newToken(jeanne.ID)
	_, desktop := f.newToken(jeanne.ID)
	_, pauls := f.newToken(paul.ID)
	unknown := sha256.Sum256([]byte(TokenPrefix + "jamais-émis"))

	tests := []struct {
		name string
		user string
		hash []byte
		want instruct.Code
	}{
		{"own token", jeanne.ID, laptop, ""},
		{"same token again", jeanne.ID, laptop, instruct.CodeNotFound},
		{"another user's token", jeanne.ID, pauls, instruct.CodeForbidden},
		{"token never issued", jeanne.ID, unknown[:], instruct.CodeNotFound},
		{"unknown user", "u-nobody", desktop, instruct.CodeNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := f.l.RevokeToken(f.ctx, tc.user, tc.hash)
			if got := instruct.ErrorCode(err); got != tc.want {
				t.Errorf("RevokeToken(%s) = %v, want code %q", tc.name, err, tc.want)
			}
		})
	}
	f.wantOwner("the revoked token", laptop, "")
	f.wantOwner("Jeanne's other token", desktop, jeanne.ID)
	f.wantOwner("Paul's token, refused to Jeanne's revocation", pauls, paul.ID)
}

func testSetRolesVisibility(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	particulier := f.create("api_particulier", "Cantine")
	entreprise := f.create("api_entreprise", "Marchés publics")
	u := f.addUser("jeanne@dinum.gouv.fr",
		instruct.Grant{Definition: "api_particulier", Role: instruct.RoleInstructor},
		instruct.Grant{Definition: "api_entreprise", Role: instruct.RoleInstructor})

	tests := []struct {
		name  string
		roles []instruct.Grant
		want  []string
	}{
		{"one definition left", []instruct.Grant{{Definition: "api_entreprise", Role: instruct.RoleInstructor}}, []string{entreprise.ID.String()}},
		{"the same grant twice", []instruct.Grant{
			{Definition: "api_particulier", Role: instruct.RoleReporter},
			{Definition: "api_particulier", Role: instruct.RoleReporter}}, []string{particulier.ID.String()}},
		{"every definition", []instruct.Grant{{Definition: instruct.AllDefinitions, Role: instruct.RoleAdmin}}, []string{particulier.ID.String(), entreprise.ID.String()}},
		{"no role", nil, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := f.l.SetRoles(f.ctx, u.ID, tc.roles); err != nil {
				t.Fatalf("SetRoles(%v) = %v", tc.roles, err)
			}
			got, err := f.l.UserByID(f.ctx, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			if want := distinctGrants(tc.roles); !cmp.Equal(got.Roles, want) {
				t.Errorf("roles after SetRoles(%v) = %v, want %v", tc.roles, got.Roles, want)
			}
			listed, err := f.l.Requests(f.ctx, instruct.ListQuery{Viewer: got.Viewer()})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, requestIDs(listed)); diff != "" {
				t.Errorf("Requests() after SetRoles(%v) (-want +got):\n%s", tc.roles, diff)
			}
		})
	}
}

// distinctGrants returns grants without repeats, never nil, as the
// ledger reads them back (the cases give them in its order).
func distinctGrants(grants []instruct.Grant) []instruct.Grant {
	out := []instruct.Grant{}
	for _, g := range grants {
		if len(out) == 0 || out[len(out)-1] != g {
			out = append(out, g)
		}
	}
	return out
}

func testSetRolesRefused(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	before := []instruct.Grant{{Definition: "api_particulier", Role: instruct.RoleInstructor}}
	u := f.addUser("jeanne@dinum.gouv.fr", before...)
	tests := []struct {
		name  string
		user  string
		roles []instruct.Grant
		want  instruct.Code
	}{
		{"unknown role", u.ID, []instruct.Grant{{Definition: "api_entreprise", Role: instruct.RoleReporter}, {Definition: "*", Role: "chef"}}, instruct.CodeInvalid},
		{"blank definition", u.ID, []instruct.Grant{{Definition: " ", Role: instruct.RoleReporter}}, instruct.CodeInvalid},
		{"unknown user", "u-nobody", before, instruct.CodeNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantCode(t, "SetRoles("+tc.name+")", f.l.SetRoles(f.ctx, tc.user, tc.roles), tc.want)
			got, err := f.l.UserByID(f.ctx, u.ID)
			if err != nil || !cmp.Equal(got.Roles, before) {
				t.Errorf("roles after a refused SetRoles(%s) = %v, %v, want %v unchanged", tc.name, got.Roles, err, before)
			}
		})
	}
}

// newSSHKey binds a new Ed25519 key to user id and returns its
// fingerprint.
func (f *fixture) newSSHKey(id string) string {
	f.t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		f.t.Fatal(err)
	}
	key, err := ssh.NewPublicKey(pub)
	if err != nil {
		f.t.Fatal(err)
	}
	fp, err := f.l.AddSSHKey(f.ctx, id, string(ssh.MarshalAuthorizedKey(key)))
	if err != nil {
		f.t.Fatalf("AddSSHKey(%s) = %v", id, err)
	}
	return fp
}

// wantKeyOwner fails the test unless the SSH key with that fingerprint
// is accepted as user id's ("" for a key that must be refused), as
// ssh-serve looks it up at each connection.
func (f *fixture) wantKeyOwner(what, fingerprint, id string) {
	f.t.Helper()
	f.wantResolved(what, "UserBySSHFingerprint()", id, func() (instruct.User, error) {
		return f.l.UserBySSHFingerprint(f.ctx, fingerprint)
	})
}

func testRemoveSSHKey(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	jeanne := f.addUser("jeanne@dinum.gouv.fr")
	paul := f.addUser("paul@dinum.gouv.fr")
	laptop := f.newSSHKey(jeanne.ID)
	desktop := f.newSSHKey(jeanne.ID)
	pauls := f.newSSHKey(paul.ID)

	tests := []struct {
		name        string
		user        string
		fingerprint string
		want        instruct.Code
	}{
		{"own key", jeanne.ID, laptop, ""},
		{"same key again", jeanne.ID, laptop, instruct.CodeNotFound},
		{"another user's key", jeanne.ID, pauls, instruct.CodeForbidden},
		{"key never bound", jeanne.ID, "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", instruct.CodeNotFound},
		{"empty fingerprint", jeanne.ID, "", instruct.CodeNotFound},
		{"unknown user", "u-nobody", desktop, instruct.CodeNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := f.l.RemoveSSHKey(f.ctx, tc.user, tc.fingerprint)
			if got := instruct.ErrorCode(err); got != tc.want {
				t.Errorf("RemoveSSHKey(%s) = %v, want code %q", tc.name, err, tc.want)
			}
		})
	}
	f.wantKeyOwner("the removed key", laptop, "")
	f.wantKeyOwner("Jeanne's other key", desktop, jeanne.ID)
	f.wantKeyOwner("Paul's key, refused to Jeanne's removal", pauls, paul.ID)
}

func testRemoveSSHKeys(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	jeanne := f.addUser("jeanne@dinum.gouv.fr")
	paul := f.addUser("paul@dinum.gouv.fr")
	keys := []string{f.newSSHKey(jeanne.ID), f.newSSHKey(jeanne.ID)}
	slices.Sort(keys)
	pauls := f.newSSHKey(paul.ID)

	removed, err := f.l.RemoveSSHKeys(f.ctx, jeanne.ID)
	if err != nil || !cmp.Equal(removed, keys) {
		t.Fatalf("RemoveSSHKeys(Jeanne) = %v, %v, want %v", removed, err, keys)
	}
	for _, fp := range keys {
		f.wantKeyOwner("Jeanne's key after removing them all", fp, "")
	}
	f.wantKeyOwner("Paul's key after removing Jeanne's", pauls, paul.ID)
	if removed, err := f.l.RemoveSSHKeys(f.ctx, jeanne.ID); err != nil || removed == nil || len(removed) != 0 {
		t.Errorf("RemoveSSHKeys(Jeanne) again = %#v, %v, want an empty list", removed, err)
	}
	_, err = f.l.RemoveSSHKeys(f.ctx, "u-nobody")
	wantCode(t, "RemoveSSHKeys(unknown user)", err, instruct.CodeNotFound)
	f.wantKeyOwner("Paul's key after removing an unknown user's", pauls, paul.ID)
}
