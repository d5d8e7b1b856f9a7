package server

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// fingerprintLength is the number of hex digits of a roles fingerprint.
const fingerprintLength = 8

// cursor is a place in the change feed: the last seq the client applied
// and the fingerprint of the roles it was read with. Its text form,
// "5012.ab12cd34", is opaque to clients.
type cursor struct {
	seq   int64
	roles string
}

// String returns the text form of c.
func (c cursor) String() string { return strconv.FormatInt(c.seq, 10) + "." + c.roles }

// parseCursor reads the after= of the change feed: absent or "0" is the
// start; anything but "<seq>.<fingerprint>" is invalid.
func parseCursor(s string) (cursor, error) {
	if s == "" || s == "0" {
		return cursor{}, nil
	}
	seqText, roles, ok := strings.Cut(s, ".")
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if !ok || err != nil || seq < 0 || seqText[0] == '+' || !isFingerprint(roles) {
		return cursor{}, instruct.Errorf(instruct.CodeInvalid, "after is not a cursor this server issued")
	}
	return cursor{seq: seq, roles: roles}, nil
}

func isFingerprint(s string) bool {
	if len(s) != fingerprintLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !strings.ContainsRune("0123456789abcdef", rune(s[i])) {
			return false
		}
	}
	return true
}

// rolesFingerprint returns a short hash of what u may see: their grants,
// in any order, or, for an applicant, their user ID.
func rolesFingerprint(u instruct.User) string {
	lines := []string{"user:" + u.ID}
	for _, g := range u.Roles {
		lines = append(lines, g.Definition+":"+string(g.Role))
	}
	slices.Sort(lines[1:])
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])[:fingerprintLength]
}
