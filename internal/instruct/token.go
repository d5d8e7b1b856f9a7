package instruct

import "time"

// TokenDelivery records that the API provider issued the token of a
// habilitation: its webhook answered the approval with the token's ID,
// which becomes the habilitation's external_id (event token_delivered,
// which leaves the request and its version as they are).
type TokenDelivery struct {
	Actor          Actor
	HabilitationID HabilitationID
	TokenID        string
	At             time.Time
}

// Apply refuses: a token belongs to a habilitation.
func (t TokenDelivery) Apply(*Request) (Event, bool, error) {
	return Event{}, false, errNeedsHolding(KindTokenDelivered)
}

// ApplyHolding sets the habilitation's external_id, one version on.
func (t TokenDelivery) ApplyHolding(h *Holding) (Event, bool, error) {
	i := h.index(t.HabilitationID)
	if i < 0 {
		return Event{}, false, Errorf(CodeNotFound, "no habilitation %s on %s", t.HabilitationID, h.Request.ID)
	}
	if t.TokenID == "" {
		return Event{}, false, Errorf(CodeInvalid, "a token delivery needs the token's ID")
	}
	hab := &h.Habilitations[i]
	id := t.TokenID
	hab.ExternalID = &id
	hab.Version++
	return Event{RequestID: h.Request.ID, Kind: KindTokenDelivered, Actor: t.Actor, HabilitationID: t.HabilitationID, At: t.At}, false, nil
}
