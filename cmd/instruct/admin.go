package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/instruct-dev/instruct/internal/catalog"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
)

func runAdmin(ctx context.Context, e *env, args []string) error {
	if len(args) > 0 && args[0] == "deliveries" {
		return runDeliveries(ctx, e, args[1:])
	}
	if len(args) < 2 {
		return usageError{errors.New("usage: instruct admin user add | user roles | token create | token revoke | ssh-key add | ssh-key remove | " +
			"webhook add|list|remove|test|rotate-secret | deliveries [retry] (--help for each)")}
	}
	switch args[0] + " " + args[1] {
	case "user add":
		return runUserAdd(ctx, e, args[2:])
	case "user roles":
		return runUserRoles(ctx, e, args[2:])
	case "token create":
		return runTokenCreate(ctx, e, args[2:])
	case "token revoke":
		return runTokenRevoke(ctx, e, args[2:])
	case "ssh-key add":
		return runSSHKeyAdd(ctx, e, args[2:])
	case "ssh-key remove":
		return runSSHKeyRemove(ctx, e, args[2:])
	}
	if args[0] == "webhook" {
		return runWebhook(ctx, e, args[1], args[2:])
	}
	return usageError{fmt.Errorf("unknown admin command %q", args[0]+" "+args[1])}
}

// openForUser opens the server database and finds the user with e-mail
// address email in it.
func (d dbFlags) openForUser(ctx context.Context, email string) (*ledger.Ledger, instruct.User, error) {
	l, err := d.openExisting(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, instruct.User{}, err
	}
	u, err := l.UserByEmail(ctx, email)
	if err != nil {
		l.Close()
		return nil, instruct.User{}, fmt.Errorf("find user: %w", err)
	}
	return l, u, nil
}

// roleFlag is a repeatable --role DEF:ROLE flag. Its values are checked
// after parsing, by grants, so that a bad one is reported in one line.
type roleFlag []string

func (r *roleFlag) String() string { return strings.Join(*r, " ") }

// Set keeps one DEF:ROLE value.
func (r *roleFlag) Set(s string) error {
	*r = append(*r, s)
	return nil
}

// grants parses the DEF:ROLE values, such as api_particulier:instructor
// or *:reporter: DEF is * or a definition of the catalogue the server
// serves, ROLE one of reporter, instructor, manager, admin.
func (r roleFlag) grants() ([]instruct.Grant, error) {
	known, err := definitionIDs()
	if err != nil {
		return nil, err
	}
	out := make([]instruct.Grant, 0, len(r))
	for _, s := range r {
		g, err := parseGrant(s, known)
		if err != nil {
			return nil, usageError{err}
		}
		out = append(out, g)
	}
	return out, nil
}

// parseGrant parses one DEF:ROLE value against the known definitions.
func parseGrant(s string, known []string) (instruct.Grant, error) {
	def, role, ok := strings.Cut(s, ":")
	if !ok || def == "" || !instruct.Role(role).Valid() {
		return instruct.Grant{}, fmt.Errorf("--role %q is not DEF:ROLE with ROLE one of reporter, instructor, manager, admin", s)
	}
	if def != instruct.AllDefinitions && !slices.Contains(known, def) {
		return instruct.Grant{}, fmt.Errorf("--role %q: unknown definition %q; use * or one of %s", s, def, strings.Join(known, ", "))
	}
	return instruct.Grant{Definition: def, Role: instruct.Role(role)}, nil
}

// definitionIDs returns the IDs of the definitions the server serves.
func definitionIDs() ([]string, error) {
	defs, err := catalog.Default()
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(defs))
	for i, d := range defs {
		ids[i] = d.ID
	}
	return ids, nil
}

func runUserAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "admin user add", "create a user with roles",
		`instruct admin user add --db instruct.db --email marie.dupont@interieur.gouv.fr --name "Marie Dupont" --role api_particulier:instructor --role '*:reporter'`)
	var db dbFlags
	db.register(fs)
	email := fs.String("email", "", "e-mail address (unique)")
	name := fs.String("name", "", "display name")
	var roleValues roleFlag
	fs.Var(&roleValues, "role", "DEF:ROLE, repeatable (api_particulier:instructor, *:reporter, *:admin); none makes an applicant")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return usageError{errors.New("--email and --name are required")}
	}
	roles, err := roleValues.grants()
	if err != nil {
		return err
	}
	// The first user may be added before the server first starts: this
	// command alone creates the database when it is missing.
	l, err := db.open(ctx, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer l.Close()
	u, err := l.AddUser(ctx, instruct.User{Email: *email, Name: *name, Roles: roles})
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "user %s created\n", u.ID)
	return nil
}

func runTokenCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "admin token create", "print a new API token for a user (only its hash is stored)",
		"instruct admin token create --db instruct.db --email marie.dupont@interieur.gouv.fr")
	var db dbFlags
	db.register(fs)
	email := fs.String("email", "", "the user's e-mail address")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *email == "" {
		return usageError{errors.New("--email is required")}
	}
	l, u, err := db.openForUser(ctx, *email)
	if err != nil {
		return err
	}
	defer l.Close()
	token, err := l.CreateToken(ctx, u.ID)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, token)
	return nil
}

func runSSHKeyAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "admin ssh-key add", "bind an SSH public key to a user",
		`instruct admin ssh-key add --db instruct.db --email julien.moreau@interieur.gouv.fr --key "$(cat ~/.ssh/id_ed25519.pub)"`)
	var db dbFlags
	db.register(fs)
	email := fs.String("email", "", "the user's e-mail address")
	key := fs.String("key", "", "the public key, as in authorized_keys (ssh-ed25519 AAAA…)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *email == "" || *key == "" {
		return usageError{errors.New("--email and --key are required")}
	}
	l, u, err := db.openForUser(ctx, *email)
	if err != nil {
		return err
	}
	defer l.Close()
	fp, err := l.AddSSHKey(ctx, u.ID, *key)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "key %s bound to user %s\n", fp, u.ID)
	return nil
}
