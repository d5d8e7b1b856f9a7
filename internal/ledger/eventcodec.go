package ledger

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// decodeEvent reads an event back from its stored body. Bodies are the
// canonical JSON seal wrote, whose shape is fixed: the common case, with
// no escaped character, is read directly, which is several times faster
// than encoding/json on the feed's hot path; anything else is left to
// encoding/json, which the direct reading must always agree with.
func decodeEvent(body string) (instruct.Event, error) {
	if e, ok := readCanonicalEvent(body); ok {
		return e, nil
	}
	var e instruct.Event
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		return instruct.Event{}, fmt.Errorf("decode event: %w", err)
	}
	return e, nil
}

// readCanonicalEvent reads body in the exact layout of the canonical
// JSON of an event; ok is false at the first thing it does not expect.
func readCanonicalEvent(body string) (e instruct.Event, ok bool) {
	r := reader{s: body, ok: true}
	r.lit(`{"seq":`)
	e.Seq = r.int()
	r.lit(`,"request_id":`)
	e.RequestID = r.requestID()
	r.lit(`,"kind":`)
	e.Kind = instruct.Kind(r.str())
	r.lit(`,"actor":{"id":`)
	e.Actor.ID = r.str()
	r.lit(`,"name":`)
	e.Actor.Name = r.str()
	r.lit(`}`)
	if r.opt(`,"comment":`) {
		e.Comment = r.str()
	}
	if r.opt(`,"diff":`) {
		e.Diff = r.diff()
	}
	if r.opt(`,"habilitation_id":`) {
		e.HabilitationID = r.habilitationID()
	}
	e.Reopening = r.opt(`,"reopening":true`)
	e.FromApplicant = r.opt(`,"from_applicant":true`)
	r.lit(`,"at":`)
	e.At = r.time()
	r.lit(`}`)
	return e, r.ok && r.i == len(r.s)
}

// reader walks a string; the first unexpected byte clears ok, after which
// every read returns zero values.
type reader struct {
	s  string
	i  int
	ok bool
}

// lit consumes p, which must come next.
func (r *reader) lit(p string) {
	if r.ok && strings.HasPrefix(r.s[r.i:], p) {
		r.i += len(p)
		return
	}
	r.ok = false
}

// opt consumes p if it comes next and reports whether it did.
func (r *reader) opt(p string) bool {
	if r.ok && strings.HasPrefix(r.s[r.i:], p) {
		r.i += len(p)
		return true
	}
	return false
}

// int reads a decimal integer.
func (r *reader) int() int64 {
	start := r.i
	if r.ok && r.i < len(r.s) && r.s[r.i] == '-' {
		r.i++
	}
	for r.ok && r.i < len(r.s) && r.s[r.i] >= '0' && r.s[r.i] <= '9' {
		r.i++
	}
	n, err := strconv.ParseInt(r.s[start:r.i], 10, 64)
	r.ok = r.ok && err == nil
	return n
}

// requestID reads a request ID in its JSON text form; text that is not
// one clears ok, so that encoding/json says what is wrong.
func (r *reader) requestID() instruct.RequestID {
	var id instruct.RequestID
	r.ok = r.ok && id.UnmarshalText([]byte(r.str())) == nil
	return id
}

// str reads a JSON string. Escapes are decoded as encoding/json does,
// except \u escapes of surrogates, which clear ok (encoding/json never
// writes them).
func (r *reader) str() string {
	if !r.ok || r.i >= len(r.s) || r.s[r.i] != '"' {
		r.ok = false
		return ""
	}
	start := r.i + 1
	for j := start; j < len(r.s); j++ {
		switch c := r.s[j]; {
		case c == '"':
			r.i = j + 1
			r.ok = utf8.ValidString(r.s[start:j])
			return r.s[start:j]
		case c == '\\':
			return r.escaped(start, j)
		case c < 0x20:
			r.ok = false
			return ""
		}
	}
	r.ok = false
	return ""
}

// escaped reads the rest of a string that has escapes: s[start:j] is
// plain, s[j] the first backslash.
func (r *reader) escaped(start, j int) string {
	var b strings.Builder
	b.WriteString(r.s[start:j])
	for j < len(r.s) {
		c := r.s[j]
		switch {
		case c == '"':
			r.i = j + 1
			r.ok = utf8.ValidString(b.String())
			return b.String()
		case c < 0x20:
			r.ok = false
			return ""
		case c != '\\':
			b.WriteByte(c)
			j++
			continue
		}
		n, ok := unescape(&b, r.s[j:])
		if !ok {
			r.ok = false
			return ""
		}
		j += n
	}
	r.ok = false
	return ""
}

// unescape writes the character of the escape sequence s starts with and
// returns the sequence's length.
func unescape(b *strings.Builder, s string) (int, bool) {
	if len(s) < 2 {
		return 0, false
	}
	if c, ok := simpleEscape(s[1]); ok {
		b.WriteByte(c)
		return 2, true
	}
	if s[1] != 'u' || len(s) < 6 {
		return 0, false
	}
	v, err := strconv.ParseUint(s[2:6], 16, 16)
	if err != nil || (v >= 0xD800 && v < 0xE000) {
		return 0, false
	}
	b.WriteRune(rune(v))
	return 6, true
}

// simpleEscape returns the character a one-letter escape stands for.
func simpleEscape(c byte) (byte, bool) {
	switch c {
	case '"', '\\', '/':
		return c, true
	case 'b':
		return '\b', true
	case 'f':
		return '\f', true
	case 'n':
		return '\n', true
	case 'r':
		return '\r', true
	case 't':
		return '\t', true
	}
	return 0, false
}

// time reads an RFC 3339 time string as encoding/json does.
func (r *reader) time() time.Time {
	s := r.str()
	var t time.Time
	if r.ok {
		r.ok = t.UnmarshalText([]byte(s)) == nil
	}
	return t
}

// diff reads the diff object with encoding/json, its values being
// arbitrary JSON.
func (r *reader) diff() instruct.Diff {
	end, ok := objectEnd(r.s, r.i)
	if !r.ok || !ok {
		r.ok = false
		return nil
	}
	var d instruct.Diff
	if err := json.Unmarshal([]byte(r.s[r.i:end]), &d); err != nil {
		r.ok = false
		return nil
	}
	r.i = end
	return d
}

// objectEnd returns the index just past the JSON object starting at s[i].
func objectEnd(s string, i int) (int, bool) {
	if i >= len(s) || s[i] != '{' {
		return 0, false
	}
	depth, inString := 0, false
	for j := i; j < len(s); j++ {
		c := s[j]
		switch {
		case inString && c == '\\':
			j++
		case c == '"':
			inString = !inString
		case inString:
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
			if depth == 0 {
				return j + 1, true
			}
		}
	}
	return 0, false
}
