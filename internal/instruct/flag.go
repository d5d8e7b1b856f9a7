package instruct

// Flag is something about a request a reviewer must notice.
type Flag string

// The flags a review raises.
const (
	// FlagRetentionUnjustified: data kept over MaxRetentionMonths without
	// a justification.
	FlagRetentionUnjustified Flag = "retention_unjustified"
	// FlagRetentionLong: data kept over MaxRetentionMonths, justified.
	FlagRetentionLong Flag = "retention_long"
	// FlagLegalBasisUnsourced: a legal basis with neither URL nor document.
	FlagLegalBasisUnsourced Flag = "legal_basis_unsourced"
	// FlagScopeUnknown: a scope outside the definition's catalogue.
	FlagScopeUnknown Flag = "scope_unknown"
)

// MaxRetentionMonths is the retention past which a justification is
// required.
const MaxRetentionMonths = 36

// Flags returns what a reviewer must notice about r, checked against its
// definition d, in a stable order.
func (r Request) Flags(d Definition) []Flag {
	var flags []Flag
	if r.RetentionMonths > MaxRetentionMonths {
		if r.RetentionJustification == nil || IsBlank(*r.RetentionJustification) {
			flags = append(flags, FlagRetentionUnjustified)
		} else {
			flags = append(flags, FlagRetentionLong)
		}
	}
	if IsBlank(r.LegalBasis.URL) && (r.LegalBasis.Document == nil || IsBlank(*r.LegalBasis.Document)) {
		flags = append(flags, FlagLegalBasisUnsourced)
	}
	if len(r.UnknownScopes(d)) > 0 {
		flags = append(flags, FlagScopeUnknown)
	}
	return flags
}

// UnknownScopes returns the scopes of r that d's catalogue doesn't offer.
func (r Request) UnknownScopes(d Definition) []string {
	var unknown []string
	for _, id := range r.Scopes {
		if _, ok := d.Scope(id); !ok {
			unknown = append(unknown, id)
		}
	}
	return unknown
}
