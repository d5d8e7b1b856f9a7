// Package link recognises the web links the screen lets a reviewer follow
// and copy, such as a Légifrance article, and makes them terminal
// hyperlinks (OSC 8).
//
// Applicants write these links, so only what passes a strict check is
// made a hyperlink: an absolute https URL of printable ASCII, with a
// host name holding a dot, no user name or password (which could show
// "legifrance.gouv.fr@" before another host), at most MaxLength
// characters. The text shown is always the link's own target, or the
// start of it: a link can never read as one address and lead to another.
// Anything else stays plain text, sanitised like the rest.
package link

import (
	"net/url"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// MaxLength is the longest link made followable, in characters: the
// longest legal basis link a request accepts (instruct.MaxURLLength).
const MaxLength = 2000

// Valid reports whether s is a link the screen may make followable.
func Valid(s string) bool {
	if len(s) > MaxLength || !strings.HasPrefix(s, "https://") || !printable(s) {
		return false
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "https" || u.User != nil || u.Opaque != "" {
		return false
	}
	return validHost(u.Hostname()) && validPort(u.Port())
}

// printable reports whether s holds only the characters a URL is written
// with (RFC 3986 unreserved, reserved but for the brackets of IPv6
// literals, and %).
func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case strings.IndexByte("-._~:/?#@!$&'()*+,;=%", c) >= 0:
		default:
			return false
		}
	}
	return true
}

// validHost reports whether h is a host name of letters, digits, dashes
// and dots, with a dot between two labels.
func validHost(h string) bool {
	if !strings.Contains(h, ".") {
		return false
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// validPort reports whether p is no port or a number.
func validPort(p string) bool {
	for _, c := range p {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(p) <= 5
}

// trailing are the characters that end a sentence around a link rather
// than the link itself.
const trailing = ".,;:!?)»\"'"

// Find returns the valid links among the words of text, once each, in
// their order, at most limit of them. Punctuation that ends the sentence
// after a link is not taken for part of it.
func Find(text string, limit int) []string {
	var out []string
	for _, w := range strings.Fields(text) {
		if len(out) == limit {
			break
		}
		i := strings.Index(w, "https://")
		if i < 0 {
			continue
		}
		u := strings.TrimRight(w[i:], trailing)
		if Valid(u) && !contains(out, u) {
			out = append(out, u)
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Hyperlink returns text as a terminal hyperlink to target: the OSC 8
// sequence that opens it, text, and the one that closes it. Terminals
// without hyperlinks ignore the sequences and show text alone. A target
// that is not Valid gives text alone.
func Hyperlink(target, text string) string {
	if !Valid(target) {
		return text
	}
	return ansi.SetHyperlink(target) + text + ansi.ResetHyperlink()
}
