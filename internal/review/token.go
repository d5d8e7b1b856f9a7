package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Provider is the actor of the events an API provider causes through its
// webhook: token_delivered.
var Provider = instruct.Actor{ID: instruct.ProviderActorID, Name: "Fournisseur de l'API"}

// RecordToken records that the provider of request id's API issued
// tokenID for habilitation hab (its webhook's answer to the approval):
// the habilitation's external_id is set and event token_delivered
// recorded, once — the same token reported again replays.
func (s *Service) RecordToken(ctx context.Context, id instruct.RequestID, hab instruct.HabilitationID, tokenID string) error {
	req, createdBy, err := s.store.Request(ctx, id)
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte(tokenID))
	key := "token:" + hab.String() + ":" + hex.EncodeToString(sum[:16])
	now := s.clock()
	m := instruct.Mutation{RequestID: req.ID, IdempotencyKey: key, Fingerprint: key, Now: now,
		Change: instruct.TokenDelivery{Actor: Provider, HabilitationID: hab, TokenID: tokenID, At: now}}
	_, err = s.apply(ctx, instruct.User{ID: Provider.ID, Name: Provider.Name}, m, createdBy)
	return err
}
