package instruct

// HabilitationSearch selects habilitations from the local cache. Zero
// fields select everything.
type HabilitationSearch struct {
	// Statuses keeps habilitations in one of these statuses; empty keeps
	// all.
	Statuses []HabilitationStatus
	// Definition keeps one API; SIRET one organisation; RequestID the
	// habilitations of one request.
	Definition string
	// Definitions, when not nil, keeps the habilitations of these APIs
	// alone (those a user may see); an empty list keeps none.
	Definitions []string
	SIRET       string
	RequestID   RequestID
	// Text searches the ID (H2041 and 2041), the request's ID, the
	// organisation, its SIRET, the applicant's e-mail, the API and the
	// scopes, matching word prefixes, every word.
	Text   string
	Offset int
	// Limit caps the rows; 0 means all.
	Limit int
}

// ActiveHabilitation returns the active habilitation among hs, the latest
// when there are several, and whether there is one.
func ActiveHabilitation(hs []Habilitation) (Habilitation, bool) {
	var found Habilitation
	ok := false
	for _, h := range hs {
		if h.Status == HabilitationActive && (!ok || h.ID > found.ID) {
			found, ok = h, true
		}
	}
	return found, ok
}
