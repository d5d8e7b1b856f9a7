package ui

import (
	"strings"
	"testing"
)

// TestFilterOpensAListOfAPIs: f lists every API the reviewer sees, by
// name, the filter in force highlighted and marked; Enter filters the
// queue by the API highlighted, Esc leaves the filter as it was; the
// footer names the list's keys, in both languages, at every layout.
func TestFilterOpensAListOfAPIs(t *testing.T) {
	f := newFixture(t)
	for _, tc := range []struct {
		lang, title, current, help string
	}{
		{"en", "Filter the queue by API", "All APIs  (current filter)", "enter choose"},
		{"fr", "Filtrer la file par API", "Toutes les API  (filtre actuel)", "enter choisir"},
	} {
		for _, sz := range sizes {
			d := newDriver(t, Options{Cache: f.st, Lang: tc.lang}, sz[0], sz[1])
			d.keys("f")
			screen := d.screen()
			checkFrame(t, screen, sz[0], sz[1])
			for _, want := range []string{tc.title, "▶ " + tc.current, "API Particulier", "API Entreprise", tc.help} {
				if !strings.Contains(screen, want) {
					t.Errorf("%s %dx%d: the list of APIs lacks %q:\n%s", tc.lang, sz[0], sz[1], want, screen)
				}
			}
			d.keys("esc")
			if d.m.overlay != overlayNone || d.m.query.api != "" {
				t.Errorf("%s: esc left the list open (%v) or changed the filter to %q", tc.lang, d.m.overlay, d.m.query.api)
			}
		}
	}

	d := newDriver(t, Options{Cache: f.st, Lang: "en"}, 120, 40)
	d.keys("f")
	for d.m.apiIDs[d.m.apis.Cursor()] != "api_particulier" {
		if d.m.apis.Cursor() == d.m.apis.Len()-1 {
			t.Fatalf("API Particulier is not in the list: %v", d.m.apiIDs)
		}
		d.keys("j")
	}
	d.keys("enter")
	if d.m.query.api != "api_particulier" || d.m.overlay != overlayNone {
		t.Fatalf("enter on API Particulier filtered by %q (overlay %v)", d.m.query.api, d.m.overlay)
	}
	for _, it := range d.m.queue.Items() {
		if it.Definition != "api_particulier" {
			t.Fatalf("filtered by API Particulier, the queue shows %s of %s", it.ID, it.Definition)
		}
	}
	if !strings.Contains(d.screen(), "API: Particulier") {
		t.Errorf("the query line does not name the filter:\n%s", d.screen())
	}
	d.keys("f")
	if got := d.m.apiIDs[d.m.apis.Cursor()]; got != "api_particulier" || !strings.Contains(d.screen(), "▶ API Particulier  (current filter)") {
		t.Errorf("f opens the list on %q, want the filter in force marked:\n%s", got, d.screen())
	}
}
