package instruct

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFlags(t *testing.T) {
	def := Definition{ID: "api_particulier", Scopes: []Scope{{ID: "cnaf_quotient_familial"}}}
	doc := "deliberation.pdf"
	why := "Durée de prescription des indus."
	base := Request{Scopes: []string{"cnaf_quotient_familial"}, RetentionMonths: 12,
		LegalBasis: LegalBasis{Nature: "CRPA L114-8", URL: "https://www.legifrance.gouv.fr/"}}
	tests := []struct {
		name   string
		change func(r *Request)
		want   []Flag
	}{
		{"clean", func(r *Request) {}, nil},
		{"long retention unjustified", func(r *Request) { r.RetentionMonths = 60 }, []Flag{FlagRetentionUnjustified}},
		{"long retention justified", func(r *Request) { r.RetentionMonths = 60; r.RetentionJustification = &why }, []Flag{FlagRetentionLong}},
		{"36 months is fine", func(r *Request) { r.RetentionMonths = 36 }, nil},
		{"no url no document", func(r *Request) { r.LegalBasis.URL = "" }, []Flag{FlagLegalBasisUnsourced}},
		{"document only", func(r *Request) { r.LegalBasis.URL = ""; r.LegalBasis.Document = &doc }, nil},
		{"unknown scope", func(r *Request) { r.Scopes = append(r.Scopes, "dgfip_rfr") }, []Flag{FlagScopeUnknown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := base
			r.Scopes = append([]string(nil), base.Scopes...)
			tt.change(&r)
			if diff := cmp.Diff(tt.want, r.Flags(def)); diff != "" {
				t.Errorf("Flags() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPatchApplyDiff(t *testing.T) {
	r := Request{Version: 3, Definition: "api_particulier", RetentionMonths: 60, Scopes: []string{"a", "b"}}
	months, scopes, def := 24, []string{"a"}, "api_entreprise"
	diff := RequestPatch{RetentionMonths: &months, Scopes: &scopes, Definition: &def}.Apply(&r)
	want := Diff{"retention_months": {60, 24}, "scopes": {[]string{"a", "b"}, []string{"a"}}}
	if d := cmp.Diff(want, diff); d != "" {
		t.Errorf("Apply() diff mismatch (-want +got):\n%s", d)
	}
	if r.Definition != "api_particulier" {
		t.Errorf("Apply() changed the definition of an existing request to %q", r.Definition)
	}
}

func TestChainHash(t *testing.T) {
	e := Event{Seq: 1, RequestID: 1, Kind: KindCreate}
	h1, _ := ChainHash("", e)
	h2, _ := ChainHash("", e)
	e.Comment = "changed"
	h3, _ := ChainHash("", e)
	h4, _ := ChainHash(h1, e)
	if h1 != h2 || h1 == h3 || h3 == h4 || len(h1) != 64 {
		t.Errorf("ChainHash not deterministic or not sensitive: %s %s %s %s", h1, h2, h3, h4)
	}
}
