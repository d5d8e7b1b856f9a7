package ledger

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/crypto/ssh"

	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// TokenPrefix starts every API token, so a leaked one is recognisable.
const TokenPrefix = "ins_"

// tokenBytes is the number of random bytes of a token: 256 bits.
const tokenBytes = 32

// emailKey is the form e-mail addresses are compared in.
func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// AddUser stores u with its roles and returns it. u.ID is kept when set,
// else a random one is given. An e-mail already in use (compared
// case-insensitively) is refused as invalid.
func (l *Ledger) AddUser(ctx context.Context, u instruct.User) (instruct.User, error) {
	if emailKey(u.Email) == "" {
		return instruct.User{}, instruct.Errorf(instruct.CodeInvalid, "a user needs an e-mail address")
	}
	if err := checkGrants(u.Roles); err != nil {
		return instruct.User{}, err
	}
	if u.ID == "" {
		u.ID = uuid.NewString()
	}
	err := l.inWrite(ctx, func(tx *txn) error {
		if err := l.insertUser(ctx, tx, u); err != nil {
			return err
		}
		return l.putGrants(ctx, tx, u.ID, u.Roles)
	})
	if err != nil {
		return instruct.User{}, fmt.Errorf("add user: %w", err)
	}
	return u, nil
}

func (l *Ledger) insertUser(ctx context.Context, tx querier, u instruct.User) error {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE email_key = ? OR id = ?`, emailKey(u.Email), u.ID).Scan(&n)
	if err != nil {
		return err
	}
	if n > 0 {
		return instruct.Errorf(instruct.CodeInvalid, "user exists")
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO users (id, name, email, email_key, created_at) VALUES (?, ?, ?, ?, ?)`,
		u.ID, u.Name, strings.TrimSpace(u.Email), emailKey(u.Email), l.nowUTC().UnixNano())
	if l.d.isUniqueViolation(err) {
		return instruct.Errorf(instruct.CodeInvalid, "user exists")
	}
	return err
}

// checkGrants refuses unknown roles and grants without a definition.
func checkGrants(grants []instruct.Grant) error {
	for _, g := range grants {
		if !g.Role.Valid() {
			return instruct.Errorf(instruct.CodeInvalid, "unknown role %q", cells.Truncate(string(g.Role), 40))
		}
		if strings.TrimSpace(g.Definition) == "" {
			return instruct.Errorf(instruct.CodeInvalid, "a role needs a definition or %q", instruct.AllDefinitions)
		}
	}
	return nil
}

// putGrants replaces the grants of user id.
func (l *Ledger) putGrants(ctx context.Context, tx querier, id string, grants []instruct.Grant) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM grants WHERE user_id = ?`, id); err != nil {
		return err
	}
	for _, g := range grants {
		_, err := tx.ExecContext(ctx, `INSERT INTO grants (user_id, definition, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
			id, g.Definition, string(g.Role))
		if err != nil {
			return err
		}
	}
	return nil
}

// SetRoles replaces the roles of user userID, or returns not_found.
func (l *Ledger) SetRoles(ctx context.Context, userID string, grants []instruct.Grant) error {
	if err := checkGrants(grants); err != nil {
		return err
	}
	err := l.inWrite(ctx, func(tx *txn) error {
		if _, err := l.userWhere(ctx, tx, "id = ?", userID); err != nil {
			return err
		}
		return l.putGrants(ctx, tx, userID, grants)
	})
	if err != nil {
		return fmt.Errorf("set roles: %w", err)
	}
	return nil
}

// UserByEmail returns the user with that e-mail address, compared
// case-insensitively, or not_found.
func (l *Ledger) UserByEmail(ctx context.Context, email string) (instruct.User, error) {
	return l.readUser(ctx, "email_key = ?", emailKey(email))
}

// UserByID returns user id, or not_found.
func (l *Ledger) UserByID(ctx context.Context, id string) (instruct.User, error) {
	return l.readUser(ctx, "id = ?", id)
}

// UserByTokenHash returns the user owning the token whose SHA-256 is hash,
// or not_found.
func (l *Ledger) UserByTokenHash(ctx context.Context, hash []byte) (instruct.User, error) {
	return l.readUser(ctx, "id = (SELECT user_id FROM tokens WHERE hash = ?)", hash)
}

// UserBySSHFingerprint returns the user an SSH public key with that
// SHA256 fingerprint (as ssh.FingerprintSHA256 writes it) is bound to, or
// not_found.
func (l *Ledger) UserBySSHFingerprint(ctx context.Context, fingerprint string) (instruct.User, error) {
	return l.readUser(ctx, "id = (SELECT user_id FROM ssh_keys WHERE fingerprint = ?)", fingerprint)
}

// readUser returns, in one snapshot, the user cond selects with roles.
func (l *Ledger) readUser(ctx context.Context, cond string, arg any) (instruct.User, error) {
	var u instruct.User
	err := l.inRead(ctx, func(tx *txn) error {
		var err error
		u, err = l.userWhere(ctx, tx, cond, arg)
		return err
	})
	return u, err
}

// userWhere returns the user cond selects, with roles, or not_found.
func (l *Ledger) userWhere(ctx context.Context, tx querier, cond string, arg any) (instruct.User, error) {
	var u instruct.User
	err := tx.QueryRowContext(ctx, `SELECT id, name, email FROM users WHERE `+cond, arg).Scan(&u.ID, &u.Name, &u.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return instruct.User{}, instruct.Errorf(instruct.CodeNotFound, "no such user")
	}
	if err != nil {
		return instruct.User{}, fmt.Errorf("read user: %w", err)
	}
	u.Roles, err = l.grantsOf(ctx, tx, u.ID)
	return u, err
}

// grantsOf returns the grants of user id, in a stable order.
func (l *Ledger) grantsOf(ctx context.Context, tx querier, id string) ([]instruct.Grant, error) {
	rows, err := tx.QueryContext(ctx, `SELECT definition, role FROM grants WHERE user_id = ? ORDER BY definition, role`, id)
	if err != nil {
		return nil, fmt.Errorf("read roles: %w", err)
	}
	defer rows.Close()
	grants := []instruct.Grant{}
	for rows.Next() {
		var g instruct.Grant
		if err := rows.Scan(&g.Definition, &g.Role); err != nil {
			return nil, fmt.Errorf("read roles: %w", err)
		}
		grants = append(grants, g)
	}
	return grants, rows.Err()
}

// CreateToken returns a new API token for user userID: "ins_" and 256
// random bits in base64url. Only its SHA-256 is stored; the token itself
// cannot be read back.
func (l *Ledger) CreateToken(ctx context.Context, userID string) (string, error) {
	raw := make([]byte, tokenBytes)
	if _, err := rand.Read(raw); err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	token := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	hash := sha256.Sum256([]byte(token))
	err := l.inWrite(ctx, func(tx *txn) error {
		if _, err := l.userWhere(ctx, tx, "id = ?", userID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, user_id, created_at) VALUES (?, ?, ?)`,
			hash[:], userID, l.nowUTC().UnixNano())
		return err
	})
	if err != nil {
		return "", fmt.Errorf("create token: %w", err)
	}
	return token, nil
}

// AddSSHKey binds the public key of an authorized_keys line to user
// userID and returns its SHA256 fingerprint. The key's comment is not
// kept. Binding a key twice to the same user is harmless; a key bound to
// another user is refused as invalid.
func (l *Ledger) AddSSHKey(ctx context.Context, userID, authorizedKey string) (string, error) {
	key, _, _, _, err := ssh.ParseAuthorizedKey([]byte(authorizedKey))
	if err != nil {
		return "", instruct.Errorf(instruct.CodeInvalid, "not an SSH public key in authorized_keys format")
	}
	fp := ssh.FingerprintSHA256(key)
	line := strings.TrimSpace(string(ssh.MarshalAuthorizedKey(key)))
	err = l.inWrite(ctx, func(tx *txn) error { return l.bindKey(ctx, tx, userID, fp, line) })
	if err != nil {
		return "", fmt.Errorf("add SSH key: %w", err)
	}
	return fp, nil
}

func (l *Ledger) bindKey(ctx context.Context, tx querier, userID, fp, line string) error {
	if _, err := l.userWhere(ctx, tx, "id = ?", userID); err != nil {
		return err
	}
	var owner string
	err := tx.QueryRowContext(ctx, `SELECT user_id FROM ssh_keys WHERE fingerprint = ?`, fp).Scan(&owner)
	switch {
	case err == nil && owner == userID:
		return nil
	case err == nil:
		return instruct.Errorf(instruct.CodeInvalid, "this SSH key is bound to another user")
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO ssh_keys (fingerprint, user_id, public_key, created_at) VALUES (?, ?, ?, ?)`,
		fp, userID, line, l.nowUTC().UnixNano())
	return err
}

// CountUsersExcept returns how many users the ledger holds whose ID is
// not one of ids.
func (l *Ledger) CountUsersExcept(ctx context.Context, ids []string) (int, error) {
	query := `SELECT COUNT(*) FROM users`
	args := make([]any, len(ids))
	if len(ids) > 0 {
		query += ` WHERE id NOT IN (?` + strings.Repeat(", ?", len(ids)-1) + `)`
		for i, id := range ids {
			args[i] = id
		}
	}
	var n int
	err := l.inRead(ctx, func(tx *txn) error {
		return tx.QueryRowContext(ctx, query, args...).Scan(&n)
	})
	if err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}
