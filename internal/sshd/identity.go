package sshd

import (
	"context"
	"errors"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Users finds the user an SSH public key is registered to (internal/ledger).
type Users interface {
	// UserBySSHFingerprint returns the user a key with that SHA256
	// fingerprint (as ssh.FingerprintSHA256 writes it) is registered to,
	// or an error with code not_found.
	UserBySSHFingerprint(ctx context.Context, fingerprint string) (instruct.User, error)
}

// offeredKey is the context key under which the authentication callback
// records the fingerprint of the registered key it accepted.
type offeredKey struct{}

// Why a connection or a session was refused, as logged.
const (
	reasonUnknownKey  = "unknown_key"
	reasonLookup      = "key_lookup_failed"
	reasonNoKey       = "no_public_key"
	reasonKeyMismatch = "key_mismatch"
	reasonNoRole      = "no_role"
	reasonNoPTY       = "no_pty"
	reasonNoDesk      = "desk_unavailable"
)

// refusal is a session refused for a logged reason.
type refusal struct {
	reason string
	err    error
}

func (r *refusal) Error() string {
	if r.err != nil {
		return r.reason + ": " + r.err.Error()
	}
	return r.reason
}

func (r *refusal) Unwrap() error { return r.err }

// acceptKey is the public-key callback. It accepts a key registered to a
// user, recording its fingerprint in the connection's context; it refuses
// any other key, so an unknown key never reaches a screen. Accepting here
// only says the key may be tried: the client has yet to prove it holds
// the private key, which identify checks.
func (s *Server) acceptKey(ctx ssh.Context, key ssh.PublicKey) bool {
	fp := gossh.FingerprintSHA256(key)
	_, err := s.users.UserBySSHFingerprint(ctx, fp)
	switch {
	case instruct.ErrorCode(err) == instruct.CodeNotFound:
		s.log.Info("ssh refused", "reason", reasonUnknownKey, "fingerprint", fp)
		return false
	case err != nil:
		s.log.Error("ssh refused", "reason", reasonLookup, "fingerprint", fp, "err", err)
		return false
	}
	ctx.SetValue(offeredKey{}, fp)
	return true
}

// identify returns the user of the key the client proved, with that key's
// fingerprint. The proved key must be the registered key the callback
// accepted last; the user is then looked up afresh from the proved key,
// never from what was offered.
func (s *Server) identify(sess ssh.Session) (instruct.User, string, error) {
	key := sess.PublicKey()
	if key == nil {
		return instruct.User{}, "", &refusal{reason: reasonNoKey}
	}
	proved := gossh.FingerprintSHA256(key)
	if offered, _ := sess.Context().Value(offeredKey{}).(string); offered != proved {
		return instruct.User{}, proved, &refusal{reason: reasonKeyMismatch}
	}
	u, err := s.users.UserBySSHFingerprint(sess.Context(), proved)
	if err != nil {
		reason := reasonLookup
		if instruct.ErrorCode(err) == instruct.CodeNotFound {
			reason = reasonUnknownKey
		}
		return instruct.User{}, proved, &refusal{reason: reason, err: err}
	}
	if !u.IsReviewer() {
		return u, proved, &refusal{reason: reasonNoRole}
	}
	return u, proved, nil
}

// reasonOf returns the logged reason of a refusal.
func reasonOf(err error) string {
	var r *refusal
	if errors.As(err, &r) {
		return r.reason
	}
	return reasonNoDesk
}
