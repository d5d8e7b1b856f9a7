package link

import (
	"strings"
	"testing"
)

func TestValid(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want bool
	}{
		{"Légifrance article", "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000045213315", true},
		{"query and fragment", "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000037185255?isSuggest=true#art-1", true},
		{"port", "https://service.gouv.fr:8443/a", true},
		{"percent-encoded", "https://www.legifrance.gouv.fr/search?q=d%C3%A9lib%C3%A9ration", true},
		{"http", "http://www.legifrance.gouv.fr/", false},
		{"upper-case scheme", "HTTPS://www.legifrance.gouv.fr/", false},
		{"javascript", "javascript:alert(1)", false},
		{"user info hiding the host", "https://www.legifrance.gouv.fr@evil.example/codes", false},
		{"password", "https://user:pw@legifrance.gouv.fr/", false},
		{"no dot in host", "https://localhost/x", false},
		{"empty label", "https://legifrance..gouv.fr/", false},
		{"space", "https://legifrance.gouv.fr/a b", false},
		{"escape", "https://legifrance.gouv.fr/\x1b]8;;https://evil.example\x07", false},
		{"escape as sanitised", "https://legifrance.gouv.fr/^[]8;;x^G", false},
		{"bidi override as sanitised", `https://legifrance.gouv.fr/\u202egpj.exe`, false},
		{"non-ASCII host", "https://légifrance.gouv.fr/", false},
		{"brackets", "https://[::1]/", false},
		{"bad port", "https://legifrance.gouv.fr:443x/", false},
		{"too long", "https://legifrance.gouv.fr/" + strings.Repeat("a", MaxLength), false},
	}
	for _, tc := range tests {
		if got := Valid(tc.url); got != tc.want {
			t.Errorf("Valid(%s: %q) = %v, want %v", tc.name, tc.url, got, tc.want)
		}
	}
}

func TestFind(t *testing.T) {
	text := "Article L114-8 du CRPA (https://www.legifrance.gouv.fr/a/1). Voir aussi https://www.legifrance.gouv.fr/a/1, " +
		"http://insecure.fr/x, https://user@evil.example/ et «https://www.cnil.fr/fr/rgpd»."
	want := []string{"https://www.legifrance.gouv.fr/a/1", "https://www.cnil.fr/fr/rgpd"}
	if got := Find(text, 5); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Find = %q, want %q", got, want)
	}
	if got := Find(text, 1); len(got) != 1 {
		t.Errorf("Find(text, 1) = %q, want one link", got)
	}
}

func TestHyperlink(t *testing.T) {
	u := "https://www.legifrance.gouv.fr/a/1"
	if got, want := Hyperlink(u, u), "\x1b]8;;"+u+"\x07"+u+"\x1b]8;;\x07"; got != want {
		t.Errorf("Hyperlink(%q) = %q, want %q", u, got, want)
	}
	bad := "https://www.legifrance.gouv.fr@evil.example/"
	if got := Hyperlink(bad, "text"); got != "text" {
		t.Errorf("Hyperlink(%q) = %q, want the text alone", bad, got)
	}
}
