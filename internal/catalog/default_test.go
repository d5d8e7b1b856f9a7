package catalog

import (
	"testing"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// defaultIDs are the definitions the default catalogue must hold: the APIs
// the seed document names that DataPass defines, and a few neighbours.
var defaultIDs = []string{
	"api_particulier", "api_entreprise", "api_impot_particulier", "france_connect",
	"api_droits_cnam", "api_indemnites_journalieres_cnam", "api_scolarite",
	"hubee_dila", "pro_connect_service_provider",
}

func TestDefaultHoldsTheCatalogue(t *testing.T) {
	defs, err := Default()
	if err != nil {
		t.Fatalf("Default() error = %v", err)
	}
	byID := map[string]instruct.Definition{}
	for _, d := range defs {
		if _, dup := byID[d.ID]; dup {
			t.Errorf("Default() has %s twice", d.ID)
		}
		byID[d.ID] = d
	}
	for _, id := range defaultIDs {
		d, ok := byID[id]
		if !ok {
			t.Errorf("Default() lacks %s", id)
			continue
		}
		checkDefault(t, d)
	}
}

// checkDefault checks what a reviewer relies on in each definition.
func checkDefault(t *testing.T, d instruct.Definition) {
	t.Helper()
	if d.Name == d.ID || d.Provider == "" || d.Description == "" || d.ReviewDays <= 0 {
		t.Errorf("%s: name %q, provider %q, description %d chars, review days %d; want all set",
			d.ID, d.Name, d.Provider, len(d.Description), d.ReviewDays)
	}
	if len(d.Scopes) == 0 {
		t.Errorf("%s has no scopes", d.ID)
	}
	for _, s := range d.Scopes {
		if s.Group == "" {
			t.Errorf("%s: scope %s has no group", d.ID, s.ID)
		}
	}
	minimum := map[instruct.Kind]int{instruct.KindApprove: 1, instruct.KindRefuse: 2, instruct.KindRequestChanges: 2}
	for kind, n := range minimum {
		if got := len(d.TemplatesFor(kind)); got < n {
			t.Errorf("%s has %d %s templates, want at least %d", d.ID, got, kind, n)
		}
	}
}

// TestDefaultScopesAreDataPassFacts checks the default catalogue against
// DataPass's own files: every scope of a definition DataPass gives scopes
// exists there, with the same label and (where DataPass has one) group.
func TestDefaultScopesAreDataPassFacts(t *testing.T) {
	reference := loadReference(t)
	defs, err := Default()
	if err != nil {
		t.Fatalf("Default() error = %v", err)
	}
	for _, d := range defs {
		ref, ok := reference[d.ID]
		if !ok {
			t.Errorf("%s is not a DataPass definition", d.ID)
			continue
		}
		if len(ref.Scopes) == 0 {
			continue // CNAM: DataPass's current files list no scopes.
		}
		if len(d.Scopes) != len(ref.Scopes) {
			t.Errorf("%s has %d scopes, DataPass %d", d.ID, len(d.Scopes), len(ref.Scopes))
		}
		for _, s := range d.Scopes {
			checkAgainstReference(t, d.ID, s, ref)
		}
	}
}

func checkAgainstReference(t *testing.T, def string, s instruct.Scope, ref instruct.Definition) {
	t.Helper()
	r, ok := ref.Scope(s.ID)
	switch {
	case !ok:
		t.Errorf("%s: scope %s is not in DataPass", def, s.ID)
	case r.Label != s.Label:
		t.Errorf("%s: scope %s label = %q, DataPass %q", def, s.ID, s.Label, r.Label)
	case r.Group != "" && r.Group != s.Group:
		t.Errorf("%s: scope %s group = %q, DataPass %q", def, s.ID, s.Group, r.Group)
	case r.Included != s.Included:
		t.Errorf("%s: scope %s included = %v, DataPass %v", def, s.ID, s.Included, r.Included)
	}
}
