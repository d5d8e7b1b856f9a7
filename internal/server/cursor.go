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

// cursor is a place in the change feed: the last seq the client applied,
// the seq its pull began at (base; equal to seq between pulls), and the
// fingerprint of the roles it was read with. Its text form is opaque to
// clients: "5012.ab12cd34" between pulls, "5012.4000.ab12cd34" part-way
// through a pull that began at 4000.
type cursor struct {
	seq   int64
	base  int64
	roles string
}

// String returns the text form of c.
func (c cursor) String() string {
	if c.base == c.seq {
		return strconv.FormatInt(c.seq, 10) + "." + c.roles
	}
	return strconv.FormatInt(c.seq, 10) + "." + strconv.FormatInt(c.base, 10) + "." + c.roles
}

// parseCursor reads the after= of the change feed: absent or "0" is the
// start; anything but a cursor's text form is invalid.
func parseCursor(s string) (cursor, error) {
	if s == "" || s == "0" {
		return cursor{}, nil
	}
	invalid := instruct.Errorf(instruct.CodeInvalid, "after is not a cursor this server issued")
	parts := strings.Split(s, ".")
	if len(parts) < 2 || len(parts) > 3 || !isFingerprint(parts[len(parts)-1]) {
		return cursor{}, invalid
	}
	seq, ok := parseDecimal(parts[0])
	base := seq
	if len(parts) == 3 {
		var okBase bool
		base, okBase = parseDecimal(parts[1])
		ok = ok && okBase && base < seq
	}
	if !ok {
		return cursor{}, invalid
	}
	return cursor{seq: seq, base: base, roles: parts[len(parts)-1]}, nil
}

// parseDecimal reads a non-negative decimal number, digits only.
func parseDecimal(s string) (int64, bool) {
	if s == "" || s[0] < '0' || s[0] > '9' {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
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
