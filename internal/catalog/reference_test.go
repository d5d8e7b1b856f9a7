package catalog

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/instruct-dev/instruct/internal/e2e"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// referenceDir returns the directory of DataPass's own definition files,
// in the project's shared directory; without it the test is skipped, or
// fails under INSTRUCT_REQUIRE_E2E (see package e2e).
func referenceDir(tb testing.TB) string {
	tb.Helper()
	return e2e.Shared(tb, "reference/datapass/authorization_definitions")
}

// loadReference reads every DataPass definition file, keyed by ID.
func loadReference(t *testing.T) map[string]instruct.Definition {
	t.Helper()
	dir := referenceDir(t)
	defs, err := Load(os.DirFS(dir), "*.yml")
	if err != nil {
		t.Fatalf("Load(%s) error = %v", dir, err)
	}
	byID := map[string]instruct.Definition{}
	for _, d := range defs {
		byID[d.ID] = d
	}
	return byID
}

func TestParseEveryReferenceFile(t *testing.T) {
	dir := referenceDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "*.yml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no reference files in %s (err %v)", dir, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			defs, err := Parse(data)
			if err != nil {
				t.Fatalf("Parse(%s) error = %v", file, err)
			}
			if len(defs) == 0 {
				t.Fatalf("Parse(%s) found no definition", file)
			}
			for _, d := range defs {
				checkSensible(t, d)
			}
		})
	}
}

// checkSensible checks what every DataPass definition has: a name, a
// provider, and scopes with identifiers and labels.
func checkSensible(t *testing.T, d instruct.Definition) {
	t.Helper()
	if d.Name == d.ID || d.Name == "" {
		t.Errorf("%s: Name = %q, want the definition's name", d.ID, d.Name)
	}
	if d.Provider == "" {
		t.Errorf("%s: Provider is empty", d.ID)
	}
	for _, s := range d.Scopes {
		if s.ID == "" || s.Label == "" {
			t.Errorf("%s: scope %+v lacks an ID or a label", d.ID, s)
		}
	}
}

func TestReferenceContent(t *testing.T) {
	byID := loadReference(t)
	tests := []struct {
		name       string
		definition string
		scope      string
		want       instruct.Scope
	}{
		{"top-level scope of API Particulier", "api_particulier", "cnaf_quotient_familial",
			instruct.Scope{ID: "cnaf_quotient_familial", Label: "Quotient familial CAF & MSA", Group: "API Quotient familial CAF & MSA"}},
		{"scope reached through an alias", "api_particulier", "cnous_statut_boursier",
			instruct.Scope{ID: "cnous_statut_boursier", Label: "Statut étudiant boursier", Group: "API Statut étudiant boursier"}},
		{"group with trailing space is trimmed", "api_particulier", "cnav_participation_familiale_eaje_enfants",
			instruct.Scope{ID: "cnav_participation_familiale_eaje_enfants", Label: "Identités enfants", Group: "API Participation familiale EAJE"}},
		{"included scope of FranceConnect", "france_connect", "openid",
			instruct.Scope{ID: "openid", Label: "Identifiant technique", Group: "Données techniques", Included: true}},
		{"open data scope of API Entreprise", "api_entreprise", "open_data_extrait_rcs_infogreffe",
			instruct.Scope{ID: "open_data_extrait_rcs_infogreffe", Label: "Extrait RCS - Infogreffe | Open Data", Group: "Informations générales", Included: true}},
		{"scopes shared by an anchor with a sandbox", "api_impot_particulier_sandbox", "dgfip_rfr",
			instruct.Scope{ID: "dgfip_rfr", Label: "Revenu fiscal de référence", Group: "Agrégats fiscaux"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			def, ok := byID[tt.definition]
			if !ok {
				t.Fatalf("definition %s missing", tt.definition)
			}
			got, ok := def.Scope(tt.scope)
			if !ok || got != tt.want {
				t.Errorf("%s.Scope(%s) = %+v, %v; want %+v", tt.definition, tt.scope, got, ok, tt.want)
			}
		})
	}
}

func TestReferenceStructure(t *testing.T) {
	byID := loadReference(t)
	// API Particulier lists its scopes in seven lists, three of them
	// aliases of lists anchored in another definition: 61 scopes in all.
	if n := len(byID["api_particulier"].Scopes); n != 61 {
		t.Errorf("len(api_particulier.Scopes) = %d, want 61", n)
	}
	// api_sfip_r2p is written "<<: *api_r2p" and inherits its provider.
	if p := byID["api_sfip_r2p"].Provider; p != "dgfip" {
		t.Errorf("api_sfip_r2p.Provider = %q, want dgfip through the merge key", p)
	}
	if n := byID["api_sfip_r2p"].Name; n != "API Courtier fonctionnel SFiP R2P" {
		t.Errorf("api_sfip_r2p.Name = %q, want its own name over the merged one", n)
	}
	// Definitions without scopes are valid.
	if d, ok := byID["api_droits_cnam"]; !ok || len(d.Scopes) != 0 {
		t.Errorf("api_droits_cnam = %+v, %v; want a definition without scopes", d, ok)
	}
}
