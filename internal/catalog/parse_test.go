package catalog

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/instruct"
)

func TestParseReadsDataPassFeatures(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []instruct.Definition
	}{
		{
			name: "nested lists from anchors are flattened",
			yaml: `
b_api:
  name: B
  provider: dinum
  scopes:
    - &shared
      - { name: "Quotient familial", value: qf, group: CAF }
      - { name: "Enfants", value: enfants, group: CAF }
    -
      - name: Identifiant
        value: openid
        group: FC
        included: true
a_api:
  name: A
  scopes:
    - *shared
`,
			want: []instruct.Definition{
				{ID: "a_api", Name: "A", Scopes: []instruct.Scope{
					{ID: "qf", Label: "Quotient familial", Group: "CAF"},
					{ID: "enfants", Label: "Enfants", Group: "CAF"},
				}},
				{ID: "b_api", Name: "B", Provider: "dinum", Scopes: []instruct.Scope{
					{ID: "qf", Label: "Quotient familial", Group: "CAF"},
					{ID: "enfants", Label: "Enfants", Group: "CAF"},
					{ID: "openid", Label: "Identifiant", Group: "FC", Included: true},
				}},
			},
		},
		{
			name: "merge keys inherit fields, own keys win",
			yaml: `
base: &base
  name: Base
  provider: dgfip
  description: "Texte de base"
  scopes: &scopes
    - { name: Revenu, value: rfr, group: Agrégats }
derived:
  <<: *base
  name: Derived
`,
			want: []instruct.Definition{
				{ID: "base", Name: "Base", Provider: "dgfip", Description: "Texte de base",
					Scopes: []instruct.Scope{{ID: "rfr", Label: "Revenu", Group: "Agrégats"}}},
				{ID: "derived", Name: "Derived", Provider: "dgfip", Description: "Texte de base",
					Scopes: []instruct.Scope{{ID: "rfr", Label: "Revenu", Group: "Agrégats"}}},
			},
		},
		{
			name: "definitions without scopes are valid and unknown keys ignored",
			yaml: `
hubee_cert_dc:
  name: "CertDc"
  provider: dgs
  blocks:
    - name: contacts
  features: { messaging: false }
empty_scopes:
  name: Vide
  scopes:
`,
			want: []instruct.Definition{
				{ID: "empty_scopes", Name: "Vide"},
				{ID: "hubee_cert_dc", Name: "CertDc", Provider: "dgs"},
			},
		},
		{
			name: "a repeated scope id keeps its first entry",
			yaml: `
api:
  name: API
  scopes:
    - { name: Premier, value: x, group: G1 }
    - { name: Second, value: x, group: G2 }
    - { value: y }
`,
			want: []instruct.Definition{
				{ID: "api", Name: "API", Scopes: []instruct.Scope{
					{ID: "x", Label: "Premier", Group: "G1"},
					{ID: "y", Label: "y"},
				}},
			},
		},
		{
			name: "templates and review days",
			yaml: `
api:
  name: API
  review_days: 12
  templates:
    - kind: refuse
      title: "  Hors cadre "
      body: |
        Le cadre juridique ne couvre pas ces données.
`,
			want: []instruct.Definition{
				{ID: "api", Name: "API", ReviewDays: 12, Templates: []instruct.Template{
					{Kind: instruct.KindRefuse, Title: "Hors cadre", Body: "Le cadre juridique ne couvre pas ces données."},
				}},
			},
		},
		{name: "an empty file has no definitions", yaml: "", want: nil},
		{name: "a comment-only file has no definitions", yaml: "# rien\n", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse([]byte(tt.yaml))
			if err != nil {
				t.Fatalf("Parse() error = %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Parse() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseRejectsBadInputWithPosition(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"syntax error", "api:\n  name: [unclosed\n", "line"},
		{"top level is a list", "- a\n- b\n", "line 1, column 1: the catalogue must be a map"},
		{"definition is a string", "api: hello\n", `line 1, column 6: definition "api" must be a map`},
		{"definition id with a colon", "\"api:x\":\n  name: A\n", "line 1, column 1: definition id"},
		{"definition defined twice", "api:\n  name: A\napi:\n  name: B\n", `line 3, column 1: definition "api" is defined twice`},
		{"scopes not a list", "api:\n  scopes: oops\n", "line 2, column 11: scopes must be a list"},
		{"scope is a scalar", "api:\n  scopes:\n    - oops\n", "line 3, column 7: a scope must be a map"},
		{"scope without value", "api:\n  scopes:\n    - name: Label\n", "line 3, column 7: scope value"},
		{"scope value with spaces", "api:\n  scopes:\n    - { value: \"a b\" }\n", `scope value "a b"`},
		{"wrong type", "api:\n  review_days: beaucoup\n", "line 2"},
		{"negative review days", "api:\n  review_days: -3\n", "review_days must be between"},
		{"unknown template kind", "api:\n  templates:\n    - { kind: revoke, title: T, body: B }\n", `template 1: kind "revoke"`},
		{"template without body", "api:\n  templates:\n    - { kind: refuse, title: T }\n", "template 1: a title and a body are required"},
		{"top-level merge key", "<<: {api: {name: A}}\n", "line 1, column 1: a definition id must be a plain name"},
		{"alias containing itself", "api:\n  scopes: &s\n    - *s\n", "nested more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defs, err := Parse([]byte(tt.yaml))
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want an error containing %q", tt.yaml, defs, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Parse(%q) error = %q, want it to contain %q", tt.yaml, err, tt.want)
			}
		})
	}
}

func TestParseStopsAliasExplosion(t *testing.T) {
	var b strings.Builder
	b.WriteString("api:\n  l0: &l0 [{ value: x }, { value: y }]\n")
	for i := 1; i <= 6; i++ {
		prev := fmt.Sprintf("*l%d", i-1)
		fmt.Fprintf(&b, "  l%d: &l%d [%s%s]\n", i, i, strings.Repeat(prev+", ", 9), prev)
	}
	b.WriteString("  scopes: *l6\n")
	_, err := Parse([]byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "too much") {
		t.Fatalf("Parse(alias bomb) error = %v, want a 'nested or aliased too much' error", err)
	}
}

func TestLoadMergesFilesAndRejectsDuplicates(t *testing.T) {
	fsys := fstest.MapFS{
		"dinum.yml":  {Data: []byte("api_particulier:\n  name: API Particulier\n")},
		"dgfip.yml":  {Data: []byte("api_impot_particulier:\n  name: API Impôt Particulier\n")},
		"readme.txt": {Data: []byte("not yaml: [")},
	}
	defs, err := Load(fsys, "*.yml")
	if err != nil {
		t.Fatalf("Load() error = %v", err)
	}
	var ids []string
	for _, d := range defs {
		ids = append(ids, d.ID)
	}
	if want := []string{"api_impot_particulier", "api_particulier"}; !cmp.Equal(ids, want) {
		t.Errorf("Load() ids = %v, want %v", ids, want)
	}

	fsys["other.yml"] = &fstest.MapFile{Data: []byte("api_particulier:\n  name: Doublon\n")}
	if _, err := Load(fsys, "*.yml"); err == nil || !strings.Contains(err.Error(), `"api_particulier" is in both`) {
		t.Errorf("Load(duplicate) error = %v, want a duplicate definition error", err)
	}
}

func TestLoadNamesTheFileInErrors(t *testing.T) {
	fsys := fstest.MapFS{"broken.yml": {Data: []byte("api: hello\n")}}
	_, err := Load(fsys, "*.yml")
	if err == nil || !strings.Contains(err.Error(), "broken.yml") || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("Load(broken) error = %v, want the file name and line", err)
	}
	if _, err := Load(fsys, "*.yaml"); err == nil {
		t.Errorf("Load(no match) error = nil, want an error")
	}
}
