package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ledger"
)

func runAdmin(ctx context.Context, e *env, args []string) error {
	if len(args) < 2 {
		return usageError{errors.New("usage: instruct admin user add | token create | ssh-key add (--help for each)")}
	}
	switch args[0] + " " + args[1] {
	case "user add":
		return runUserAdd(ctx, e, args[2:])
	case "token create":
		return runTokenCreate(ctx, e, args[2:])
	case "ssh-key add":
		return runSSHKeyAdd(ctx, e, args[2:])
	}
	return usageError{fmt.Errorf("unknown admin command %q", args[0]+" "+args[1])}
}

// openForUser opens the server database and finds the user with e-mail
// address email in it.
func (d dbFlags) openForUser(ctx context.Context, email string) (*ledger.Ledger, instruct.User, error) {
	l, err := d.open(ctx, slog.New(slog.DiscardHandler))
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

// grantList is a repeatable --role DEF:ROLE flag.
type grantList []instruct.Grant

func (g *grantList) String() string { return fmt.Sprint(*g) }

// Set parses DEF:ROLE, such as api_particulier:instructor or *:reporter.
func (g *grantList) Set(s string) error {
	def, role, ok := strings.Cut(s, ":")
	if !ok || def == "" || !instruct.Role(role).Valid() {
		return fmt.Errorf("%q is not DEF:ROLE with ROLE one of reporter, instructor, manager, admin", s)
	}
	*g = append(*g, instruct.Grant{Definition: def, Role: instruct.Role(role)})
	return nil
}

func runUserAdd(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "admin user add", "create a user with roles",
		`instruct admin user add --db instruct.db --email marie.dupont@interieur.gouv.fr --name "Marie Dupont" --role api_particulier:instructor --role '*:reporter'`)
	var db dbFlags
	db.register(fs)
	email := fs.String("email", "", "e-mail address (unique)")
	name := fs.String("name", "", "display name")
	var roles grantList
	fs.Var(&roles, "role", "DEF:ROLE, repeatable (api_particulier:instructor, *:reporter, *:admin); none makes an applicant")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *email == "" || *name == "" {
		return usageError{errors.New("--email and --name are required")}
	}
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
