package ui

import (
	"context"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// noLife is a LifeCache of a cache without habilitations, for test
// caches that are about the queue alone.
type noLife struct{}

func (noLife) Habilitations(context.Context, instruct.HabilitationSearch) ([]instruct.Habilitation, error) {
	return nil, nil
}
func (noLife) HabilitationCounts(context.Context, instruct.HabilitationSearch) (map[instruct.HabilitationStatus]int, error) {
	return nil, nil
}
func (noLife) OrganizationRequests(context.Context, string) ([]instruct.QueueItem, error) {
	return nil, nil
}
func (noLife) RecordRevokeHabilitation(context.Context, instruct.HabilitationID, string) (instruct.Operation, error) {
	return instruct.Operation{}, errReadOnly
}
func (noLife) RecordTransfer(context.Context, instruct.RequestID, string, string) (instruct.Operation, error) {
	return instruct.Operation{}, errReadOnly
}
func (noLife) Emails(context.Context, string, int) ([]string, error) { return nil, nil }
