package api

import "github.com/instruct-dev/instruct/internal/instruct"

// HabilitationList is the answer of GET /habilitations; Next is the
// opaque position of the next page, or nil on the last one.
type HabilitationList struct {
	Habilitations []instruct.Habilitation `json:"habilitations"`
	Next          *string                 `json:"next"`
}

// RevokeInput is the body of POST /habilitations/{id}/revoke: why the
// habilitation is revoked (required).
type RevokeInput struct {
	Comment string `json:"comment"`
}

// HabilitationResult is the answer to the revocation of a habilitation:
// the habilitation as it now stands, its request (revoked too when it
// held no other active habilitation), and the event recorded.
type HabilitationResult struct {
	Habilitation instruct.Habilitation `json:"habilitation"`
	Request      instruct.Request      `json:"request"`
	Event        instruct.Event        `json:"event"`
}

// TransferInput is the body of POST /requests/{id}/transfer: the e-mail
// of the user who becomes the applicant, and why (required).
type TransferInput struct {
	To      string `json:"to"`
	Comment string `json:"comment"`
}
