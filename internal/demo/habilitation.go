package demo

import (
	"math/rand/v2"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// FirstHabilitationNumber is the number of the first demo habilitation:
// those History(i) issues are H(FirstHabilitationNumber + 2i) and the one
// after, so that each history numbers its own without knowing the others.
const FirstHabilitationNumber = 2000

// The definitions of the prerequisite the demo shows: API Impôt
// Particulier needs FranceConnect.
const (
	franceConnect    = "france_connect"
	impotParticulier = "api_impot_particulier"
	// connectedCommunes is how many communes (the first ones) sign their
	// users in with FranceConnect: every FranceConnect request, and half
	// of the API Impôt Particulier ones, come from them, so that some
	// organisations hold several habilitations and some Impôt Particulier
	// requests lack their prerequisite.
	connectedCommunes = 8
)

// streamLife separates the random draws of what happens to a request
// after its review (reopenings) and of the connected communes from the
// story's own, which stay as they were before habilitations existed.
const streamLife = 0x6861626c696665

// life returns the random sequence of the story's habilitations.
func (s *story) life() *rand.Rand {
	if s.lifeRand == nil {
		s.lifeRand = rand.New(rand.NewPCG(s.g.seed^streamLife, uint64(s.id)))
	}
	return s.lifeRand
}

// connected moves the story's organisation to a connected commune: every
// FranceConnect request, half of the API Impôt Particulier ones.
func (s *story) connected() {
	communes := s.g.orgs[kindCommune]
	switch {
	case len(communes) == 0:
		return
	case s.uc.definition == franceConnect, s.uc.definition == impotParticulier && s.life().IntN(2) == 0:
		s.org = communes[s.life().IntN(min(connectedCommunes, len(communes)))]
		s.applicant, s.person = applicant(s.org, s.life().IntN(applicantSlots))
	}
}

// habilitationID returns the ID of the n-th habilitation of the story.
func (s *story) habilitationID(n int) instruct.HabilitationID {
	return instruct.HabilitationID(FirstHabilitationNumber + 2*int(s.id-FirstRequestNumber) + n)
}

// issue gives h the habilitations its approvals issued (frozen copies of
// the request, which does not change after them) and revokes them at its
// revocation; the events name them.
func (s *story) issue(h *instruct.History) {
	for i := range h.Events {
		switch e := &h.Events[i]; e.Kind {
		case instruct.KindApprove:
			s.freeze(h, e)
		case instruct.KindRevoke:
			for j := range h.Habilitations {
				if hab := &h.Habilitations[j]; hab.Status == instruct.HabilitationActive {
					hab.Status, hab.Version, hab.RevokedAt = instruct.HabilitationRevoked, hab.Version+1, &e.At
					e.HabilitationID = hab.ID
				}
			}
		}
	}
}

// freeze issues the habilitation of approval e of h's request as it is,
// making the active one obsolete.
func (s *story) freeze(h *instruct.History, e *instruct.Event) {
	for j := range h.Habilitations {
		if hab := &h.Habilitations[j]; hab.Status == instruct.HabilitationActive {
			hab.Status, hab.Version = instruct.HabilitationObsolete, hab.Version+1
		}
	}
	hab := instruct.FreezeHabilitation(h.Request, e.Actor, e.Comment, e.At)
	hab.ID, hab.RequestID = s.habilitationID(len(h.Habilitations)), s.id
	e.HabilitationID = hab.ID
	h.Habilitations = append(h.Habilitations, hab)
	h.Request.HabilitationIDs = append(h.Request.HabilitationIDs, hab.ID)
}

// reopening has the holder of a validated request ask to change its
// scopes, some time after its approval: one validated request in twenty
// has a reopening waiting for a reviewer (submitted days ago), one in
// eleven had one approved, which issued a second habilitation.
func (s *story) reopening(h *instruct.History) {
	last := h.Events[len(h.Events)-1].At
	room := s.g.now.Sub(last)
	if h.Request.Status != instruct.StatusValidated || room < 4*day {
		return
	}
	n := s.life().IntN(100)
	if n >= 14 {
		return
	}
	scopes, ok := s.changedScopes(h.Request.Scopes)
	if !ok {
		return
	}
	at := func(f float64) time.Time { return last.Add(time.Duration(float64(room) * f)).Truncate(time.Second) }
	submitted := at(0.45)
	if n < 5 { // waiting: submitted days ago, as other requests wait
		submitted = s.g.now.Add(-room / 2 * time.Duration(1+s.life().IntN(20)) / 100).Truncate(time.Second)
	}
	r := &h.Request
	s.record(h, instruct.Event{Kind: instruct.KindReopen, Actor: s.applicant, At: last.Add(submitted.Sub(last) * 2 / 3).Truncate(time.Second)})
	r.Status, r.Reopening = instruct.StatusDraft, true
	diff := instruct.RequestPatch{Scopes: &scopes}.Apply(r)
	s.record(h, instruct.Event{Kind: instruct.KindUpdate, Actor: s.applicant, Diff: diff, At: last.Add(submitted.Sub(last) * 5 / 6).Truncate(time.Second)})
	s.record(h, instruct.Event{Kind: instruct.KindSubmit, Actor: s.applicant, At: submitted})
	r.Status, r.SubmittedAt, r.DecidedAt = instruct.StatusSubmitted, &submitted, nil
	if n < 5 {
		return
	}
	approved := at(0.7)
	e := instruct.Event{Kind: instruct.KindApprove, Actor: s.reviewer, Reopening: true, At: approved}
	r.Status, r.Reopening, r.DecidedAt = instruct.StatusValidated, false, &approved
	s.freeze(h, &e)
	s.record(h, e)
}

// record appends e, which changes the request's version, to h.
func (s *story) record(h *instruct.History, e instruct.Event) {
	e.RequestID = s.id
	h.Events = append(h.Events, e)
	h.Request.Version++
	h.Request.UpdatedAt = e.At
}

// changedScopes returns what a reopening asks: one more scope of the
// catalogue, or one fewer; ok is false when the request holds a scope
// the catalogue no longer lists (the applicant could not send it again)
// or there is nothing to change.
func (s *story) changedScopes(current []string) ([]string, bool) {
	held := map[string]bool{}
	for _, id := range current {
		if _, ok := s.def.Scope(id); !ok {
			return nil, false
		}
		held[id] = true
	}
	var more []string
	for _, sc := range s.def.Scopes {
		if !held[sc.ID] {
			more = append(more, sc.ID)
		}
	}
	switch {
	case len(more) > 0 && (len(current) < 2 || s.life().IntN(100) < 70):
		return append(append([]string{}, current...), more[s.life().IntN(len(more))]), true
	case len(current) > 1:
		drop := s.life().IntN(len(current))
		return append(append([]string{}, current[:drop]...), current[drop+1:]...), true
	}
	return nil, false
}
