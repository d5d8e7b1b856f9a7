package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// The commands that take access away in production: revoking tokens and
// replacing roles. Both act on the next API request, since the server
// reads the token's user and their roles at every request.

func runTokenRevoke(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "admin token revoke", "revoke every API token of a user, or one of them with --token (- reads it from stdin)",
		"instruct admin token revoke --db instruct.db --email marie.dupont@interieur.gouv.fr --token - < lost-token.txt")
	var db dbFlags
	db.register(fs)
	email := fs.String("email", "", "the user's e-mail address")
	token := fs.String("token", "", "revoke only this token of the user; - reads it from stdin (safer: not in the shell history)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *email == "" {
		return usageError{errors.New("--email is required")}
	}
	if !isSet(fs, "token") {
		return revokeAll(ctx, e, db, *email)
	}
	hash, err := tokenHash(e, *token)
	if err != nil {
		return err
	}
	return revokeOne(ctx, e, db, *email, hash)
}

// isSet reports whether flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// tokenHash returns the SHA-256 of the token given as --token, read from
// stdin when it is "-". The token itself is never shown, even when it is
// malformed.
func tokenHash(e *env, value string) ([]byte, error) {
	token := value
	if value == "-" {
		var err error
		if token, err = readTokenLine(e.stdin); err != nil {
			return nil, err
		}
	}
	if !wellFormedToken(token) {
		return nil, usageError{errors.New("the token given is not an instruct token (ins_…); nothing revoked")}
	}
	sum := sha256.Sum256([]byte(token))
	return sum[:], nil
}

// readTokenLine reads one line from r, without prompting, bounded to the
// size of a token.
func readTokenLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, maxTokenFile+1)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the token from stdin: %w", err)
	}
	token := strings.TrimSpace(line)
	if token == "" {
		return "", usageError{errors.New("--token - read no token from stdin; nothing revoked")}
	}
	return token, nil
}

// revokeAll revokes every token of the user with that e-mail address.
func revokeAll(ctx context.Context, e *env, db dbFlags, email string) error {
	l, u, err := db.openForUser(ctx, email)
	if err != nil {
		return err
	}
	defer l.Close()
	n, err := l.RevokeTokens(ctx, u.ID)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s of user %s revoked\n", plural(n, "token"), u.ID)
	return nil
}

// revokeOne revokes the token of that hash when it is the user's.
func revokeOne(ctx context.Context, e *env, db dbFlags, email string, hash []byte) error {
	l, u, err := db.openForUser(ctx, email)
	if err != nil {
		return err
	}
	defer l.Close()
	err = l.RevokeToken(ctx, u.ID, hash)
	switch instruct.ErrorCode(err) {
	case "":
		fmt.Fprintf(e.stdout, "1 token of user %s revoked\n", u.ID)
		return nil
	case instruct.CodeNotFound:
		return errors.New("no such token (never issued, or already revoked); nothing revoked")
	case instruct.CodeForbidden:
		return fmt.Errorf("that token is not one of %s's: it belongs to another user; nothing revoked", email)
	}
	return err
}

// plural returns "1 token" or "n tokens".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func runUserRoles(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "admin user roles", "replace a user's roles (--none removes them all); their next sync starts over",
		`instruct admin user roles --db instruct.db --email marie.dupont@interieur.gouv.fr --role api_entreprise:instructor --role '*:reporter'`)
	var db dbFlags
	db.register(fs)
	email := fs.String("email", "", "the user's e-mail address")
	var roleValues roleFlag
	fs.Var(&roleValues, "role", "DEF:ROLE the user is to hold, repeatable (api_particulier:instructor, *:reporter, *:admin)")
	none := fs.Bool("none", false, "remove every role: the user becomes an applicant")
	if err := parse(fs, args); err != nil {
		return err
	}
	roles, err := newRoles(*email, roleValues, *none)
	if err != nil {
		return err
	}
	l, u, err := db.openForUser(ctx, *email)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := l.SetRoles(ctx, u.ID, roles); err != nil {
		return err
	}
	if u, err = l.UserByID(ctx, u.ID); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s now holds: %s\n", u.ID, describeRoles(u.Roles))
	return nil
}

// newRoles checks the flags of "admin user roles" and returns the roles
// they give: at least one --role, or --none alone.
func newRoles(email string, values roleFlag, none bool) ([]instruct.Grant, error) {
	switch {
	case email == "":
		return nil, usageError{errors.New("--email is required")}
	case none && len(values) > 0:
		return nil, usageError{errors.New("--none and --role exclude each other")}
	case none:
		return nil, nil
	case len(values) == 0:
		return nil, usageError{errors.New("give the new roles with --role DEF:ROLE, or --none to remove every role")}
	}
	return values.grants()
}

// describeRoles writes grants as DEF:ROLE, or says there are none.
func describeRoles(grants []instruct.Grant) string {
	if len(grants) == 0 {
		return "no role (applicant)"
	}
	parts := make([]string, len(grants))
	for i, g := range grants {
		parts[i] = g.Definition + ":" + string(g.Role)
	}
	return strings.Join(parts, " ")
}
