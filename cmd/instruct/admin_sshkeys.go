package main

import (
	"context"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"strings"

	gossh "golang.org/x/crypto/ssh"

	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// Removing SSH keys takes SSH access away: ssh-serve looks the key up at
// every connection, so a removed key is refused at the next one.

// fingerprintPrefix starts a SHA256 fingerprint as ssh-keygen -l and
// ssh.FingerprintSHA256 write it.
const fingerprintPrefix = "SHA256:"

func runSSHKeyRemove(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "admin ssh-key remove",
		"unbind one SSH key of a user (--key or --fingerprint) or all of them (--all); ssh-serve refuses it from the next connection on",
		`instruct admin ssh-key remove --db instruct.db --email julien.moreau@interieur.gouv.fr --key "$(cat lost-laptop.pub)"`)
	var db dbFlags
	db.register(fs)
	email := fs.String("email", "", "the user's e-mail address")
	fs.String("key", "", "remove this public key of the user, as in authorized_keys (ssh-ed25519 AAAA…)")
	fs.String("fingerprint", "", "remove the user's key with this fingerprint (SHA256:…, as ssh-keygen -lf shows it)")
	all := fs.Bool("all", false, "remove every SSH key of the user")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *email == "" {
		return usageError{errors.New("--email is required")}
	}
	fp, err := selectedFingerprint(fs, *all)
	if err != nil {
		return err
	}
	if *all {
		return removeAllKeys(ctx, e, db, *email)
	}
	return removeOneKey(ctx, e, db, *email, fp)
}

// selectedFingerprint checks that exactly one of --key, --fingerprint and
// --all was given, and returns the fingerprint of the key --key or
// --fingerprint names ("" for --all).
func selectedFingerprint(fs *flag.FlagSet, all bool) (string, error) {
	key, fp := isSet(fs, "key"), isSet(fs, "fingerprint")
	if countTrue(key, fp, all) != 1 {
		return "", usageError{errors.New("give exactly one of --key, --fingerprint or --all; nothing removed")}
	}
	switch {
	case key:
		return keyFingerprint(fs.Lookup("key").Value.String())
	case fp:
		return checkFingerprint(fs.Lookup("fingerprint").Value.String())
	}
	return "", nil
}

// countTrue returns how many of flags are true.
func countTrue(flags ...bool) int {
	n := 0
	for _, f := range flags {
		if f {
			n++
		}
	}
	return n
}

// keyFingerprint returns the SHA256 fingerprint of the public key of an
// authorized_keys line.
func keyFingerprint(line string) (string, error) {
	key, _, _, _, err := gossh.ParseAuthorizedKey([]byte(line))
	if err != nil {
		return "", usageError{errors.New("--key is not an SSH public key as in authorized_keys (ssh-ed25519 AAAA…); nothing removed")}
	}
	return gossh.FingerprintSHA256(key), nil
}

// checkFingerprint returns fp when it is a SHA256 fingerprint: the
// prefix, then 32 bytes in unpadded base64.
func checkFingerprint(fp string) (string, error) {
	digest, ok := strings.CutPrefix(fp, fingerprintPrefix)
	if raw, err := base64.RawStdEncoding.DecodeString(digest); !ok || err != nil || len(raw) != 32 {
		return "", usageError{fmt.Errorf("--fingerprint %q is not a SHA256 fingerprint (SHA256: and 43 characters, as ssh-keygen -lf shows); nothing removed", cells.Truncate(fp, 60))}
	}
	return fp, nil
}

// removeAllKeys removes every SSH key of the user with that e-mail address.
func removeAllKeys(ctx context.Context, e *env, db dbFlags, email string) error {
	l, u, err := db.openForUser(ctx, email)
	if err != nil {
		return err
	}
	defer l.Close()
	removed, err := l.RemoveSSHKeys(ctx, u.ID)
	if err != nil {
		return err
	}
	printRemoved(e, u.ID, removed)
	return nil
}

// removeOneKey removes the SSH key with fingerprint fp when it is the
// user's.
func removeOneKey(ctx context.Context, e *env, db dbFlags, email, fp string) error {
	l, u, err := db.openForUser(ctx, email)
	if err != nil {
		return err
	}
	defer l.Close()
	err = l.RemoveSSHKey(ctx, u.ID, fp)
	switch instruct.ErrorCode(err) {
	case "":
		printRemoved(e, u.ID, []string{fp})
		return nil
	case instruct.CodeNotFound:
		return fmt.Errorf("no SSH key %s (never added, or already removed); nothing removed", fp)
	case instruct.CodeForbidden:
		return fmt.Errorf("SSH key %s is not one of %s's: it belongs to another user; nothing removed", fp, email)
	}
	return err
}

// printRemoved writes the fingerprints removed, one a line, and how many
// keys of user id that makes.
func printRemoved(e *env, id string, fingerprints []string) {
	for _, fp := range fingerprints {
		fmt.Fprintf(e.stdout, "removed %s\n", fp)
	}
	fmt.Fprintf(e.stdout, "%s of user %s removed\n", plural(len(fingerprints), "SSH key"), id)
}
