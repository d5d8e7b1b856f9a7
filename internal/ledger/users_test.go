package ledger

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/crypto/ssh"

	"github.com/instruct-dev/instruct/internal/instruct"
)

func testUsers(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	jeanne, err := f.l.AddUser(f.ctx, instruct.User{ID: "u-jeanne", Name: "Jeanne Durand", Email: "Jeanne.Durand@dinum.gouv.fr",
		Roles: []instruct.Grant{{Definition: "api_particulier", Role: instruct.RoleInstructor}}})
	if err != nil || jeanne.ID != "u-jeanne" {
		t.Fatalf("AddUser(with ID) = %+v, %v, want ID kept", jeanne, err)
	}
	paul, err := f.l.AddUser(f.ctx, instruct.User{Name: "Paul", Email: "paul@dinum.gouv.fr"})
	if err != nil || len(paul.ID) < 16 {
		t.Fatalf("AddUser(without ID) = %+v, %v, want a random ID", paul, err)
	}
	_, err = f.l.AddUser(f.ctx, instruct.User{Name: "Autre", Email: " jeanne.durand@DINUM.gouv.fr"})
	wantCode(t, "AddUser(same e-mail)", err, instruct.CodeInvalid)
	if !strings.Contains(err.Error(), "user exists") || strings.Contains(strings.ToLower(err.Error()), "jeanne") {
		t.Errorf("AddUser(same e-mail) error %q, want \"user exists\" without the address", err)
	}
	_, err = f.l.AddUser(f.ctx, instruct.User{Name: "Rôle", Email: "role@x.fr", Roles: []instruct.Grant{{Definition: "*", Role: "chef"}}})
	wantCode(t, "AddUser(unknown role)", err, instruct.CodeInvalid)
	got, err := f.l.UserByEmail(f.ctx, "jeanne.durand@dinum.gouv.fr")
	if err != nil || !cmp.Equal(got, jeanne) {
		t.Errorf("UserByEmail() = %+v, %v, want %+v", got, err, jeanne)
	}
	roles := []instruct.Grant{{Definition: "*", Role: instruct.RoleAdmin}, {Definition: "api_entreprise", Role: instruct.RoleReporter}}
	if err := f.l.SetRoles(f.ctx, jeanne.ID, roles); err != nil {
		t.Fatalf("SetRoles() = %v", err)
	}
	got, _ = f.l.UserByID(f.ctx, jeanne.ID)
	if !cmp.Equal(got.Roles, roles) || !got.IsAdmin() {
		t.Errorf("roles after SetRoles() = %+v, want %+v", got.Roles, roles)
	}
	if err := f.l.SetRoles(f.ctx, jeanne.ID, nil); err != nil {
		t.Fatal(err)
	}
	if got, _ = f.l.UserByID(f.ctx, jeanne.ID); len(got.Roles) != 0 || got.IsReviewer() {
		t.Errorf("roles after SetRoles(none) = %+v, want none", got.Roles)
	}
	wantCode(t, "SetRoles(unknown user)", f.l.SetRoles(f.ctx, "u-nobody", roles), instruct.CodeNotFound)
	_, err = f.l.UserByEmail(f.ctx, "personne@nulle-part.fr")
	wantCode(t, "UserByEmail(unknown)", err, instruct.CodeNotFound)
	for _, c := range []struct {
		except []string
		want   int
	}{{nil, 2}, {[]string{jeanne.ID}, 1}, {[]string{jeanne.ID, paul.ID, "u-nobody"}, 0}} {
		if n, err := f.l.CountUsersExcept(f.ctx, c.except); err != nil || n != c.want {
			t.Errorf("CountUsersExcept(%q) = %d, %v, want %d", c.except, n, err, c.want)
		}
	}
}

func testTokens(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	u, err := f.l.AddUser(f.ctx, instruct.User{Name: "Jeanne", Email: "jeanne@dinum.gouv.fr", Roles: []instruct.Grant{{Definition: "*", Role: instruct.RoleReporter}}})
	if err != nil {
		t.Fatal(err)
	}
	token, err := f.l.CreateToken(f.ctx, u.ID)
	if err != nil {
		t.Fatalf("CreateToken() = %v", err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(token, TokenPrefix))
	if !strings.HasPrefix(token, TokenPrefix) || err != nil || len(raw)*8 < 128 {
		t.Errorf("CreateToken() = %q, want %q and 128 random bits at least in base64url", token, TokenPrefix)
	}
	hash := sha256.Sum256([]byte(token))
	got, err := f.l.UserByTokenHash(f.ctx, hash[:])
	if err != nil || !cmp.Equal(got, u) {
		t.Errorf("UserByTokenHash(sha256(token)) = %+v, %v, want %+v", got, err, u)
	}
	var stored []byte
	var n int
	if err := f.l.reader.QueryRowContext(f.ctx, `SELECT hash FROM tokens`).Scan(&stored); err != nil || !cmp.Equal(stored, hash[:]) {
		t.Errorf("stored token = %x, %v, want only its SHA-256", stored, err)
	}
	if err := f.l.reader.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM tokens WHERE CAST(hash AS TEXT) = ? OR user_id = ?`, token, token).Scan(&n); err != nil || n != 0 {
		t.Errorf("the token itself is stored (%d rows, %v)", n, err)
	}
	other, _ := f.l.CreateToken(f.ctx, u.ID)
	if other == token {
		t.Errorf("CreateToken() twice = the same token")
	}
	forged := sha256.Sum256([]byte(TokenPrefix + "forged"))
	_, err = f.l.UserByTokenHash(f.ctx, forged[:])
	wantCode(t, "UserByTokenHash(unknown)", err, instruct.CodeNotFound)
	_, err = f.l.CreateToken(f.ctx, "u-nobody")
	wantCode(t, "CreateToken(unknown user)", err, instruct.CodeNotFound)
}

func testSSHKeys(t *testing.T, open func(t *testing.T) *Ledger) {
	f := newFixture(t, open)
	jeanne, _ := f.l.AddUser(f.ctx, instruct.User{Name: "Jeanne", Email: "jeanne@dinum.gouv.fr"})
	paul, _ := f.l.AddUser(f.ctx, instruct.User{Name: "Paul", Email: "paul@dinum.gouv.fr"})
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key))) + " jeanne@portable-dinum"
	fp, err := f.l.AddSSHKey(f.ctx, jeanne.ID, line)
	if err != nil || fp != ssh.FingerprintSHA256(key) {
		t.Fatalf("AddSSHKey() = %q, %v, want %q", fp, err, ssh.FingerprintSHA256(key))
	}
	got, err := f.l.UserBySSHFingerprint(f.ctx, fp)
	if err != nil || got.ID != jeanne.ID {
		t.Errorf("UserBySSHFingerprint() = %+v, %v, want Jeanne", got, err)
	}
	if again, err := f.l.AddSSHKey(f.ctx, jeanne.ID, line); err != nil || again != fp {
		t.Errorf("AddSSHKey(same key, same user) = %q, %v, want %q", again, err, fp)
	}
	_, err = f.l.AddSSHKey(f.ctx, paul.ID, line)
	wantCode(t, "AddSSHKey(key of another user)", err, instruct.CodeInvalid)
	_, err = f.l.AddSSHKey(f.ctx, paul.ID, "ssh-ed25519 pas-une-clé")
	wantCode(t, "AddSSHKey(garbage)", err, instruct.CodeInvalid)
	_, err = f.l.AddSSHKey(f.ctx, "u-nobody", line)
	wantCode(t, "AddSSHKey(unknown user)", err, instruct.CodeNotFound)
	var stored string
	if err := f.l.reader.QueryRowContext(f.ctx, `SELECT public_key FROM ssh_keys`).Scan(&stored); err != nil || strings.Contains(stored, "jeanne") {
		t.Errorf("stored key = %q, %v, want the key without its comment", stored, err)
	}
	_, err = f.l.UserBySSHFingerprint(f.ctx, "SHA256:inconnue")
	wantCode(t, "UserBySSHFingerprint(unknown)", err, instruct.CodeNotFound)
}
