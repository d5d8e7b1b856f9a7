package sshd

import (
	"context"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// The habilitations of a session follow the rules of its requests: a
// user sees the habilitations of the requests they may see, and the
// requests of an organisation among those.

// sees reports whether the session's user may see the habilitations of
// requests of definition.
func (v *view) sees(definition string) bool {
	return v.me().Viewer().Sees(instruct.Request{Definition: definition}, "")
}

// visibleHabilitations returns the habilitations q selects that the user
// may see, without q's offset and limit.
func (v *view) visibleHabilitations(ctx context.Context, q instruct.HabilitationSearch) ([]instruct.Habilitation, error) {
	q.Offset, q.Limit = 0, 0
	all, err := v.model.cache.Habilitations(ctx, q)
	if err != nil {
		return nil, err
	}
	var out []instruct.Habilitation
	for _, h := range all {
		if v.sees(h.Definition) {
			out = append(out, h)
		}
	}
	return out, nil
}

// Habilitations returns the habilitations q selects among those the user
// may see.
func (v *view) Habilitations(ctx context.Context, q instruct.HabilitationSearch) ([]instruct.Habilitation, error) {
	hs, err := v.visibleHabilitations(ctx, q)
	if err != nil {
		return nil, err
	}
	hs = hs[min(q.Offset, len(hs)):]
	if q.Limit > 0 && len(hs) > q.Limit {
		hs = hs[:q.Limit]
	}
	return hs, nil
}

// HabilitationCounts counts by status the habilitations q selects (but
// for its statuses) among those the user may see.
func (v *view) HabilitationCounts(ctx context.Context, q instruct.HabilitationSearch) (map[instruct.HabilitationStatus]int, error) {
	q.Statuses = nil
	hs, err := v.visibleHabilitations(ctx, q)
	if err != nil {
		return nil, err
	}
	counts := map[instruct.HabilitationStatus]int{}
	for _, h := range hs {
		counts[h.Status]++
	}
	return counts, nil
}

// OrganizationRequests returns the organisation's requests the user may
// see.
func (v *view) OrganizationRequests(ctx context.Context, siret string) ([]instruct.QueueItem, error) {
	items, err := v.model.cache.OrganizationRequests(ctx, siret)
	if err != nil {
		return nil, err
	}
	var out []instruct.QueueItem
	for _, it := range items {
		if v.sees(it.Definition) {
			out = append(out, it)
		}
	}
	return out, nil
}

// Emails returns the e-mails of the applicants of the requests the user
// may see that start with prefix, at most limit: never another API's.
func (v *view) Emails(ctx context.Context, prefix string, limit int) ([]string, error) {
	items, err := v.model.cache.QueueFor(ctx, v.me().Viewer(), instruct.QueueQuery{Text: prefix, Limit: 200})
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []string
	for _, it := range items {
		r, err := v.model.cache.Request(ctx, it.ID)
		if err != nil || seen[r.Applicant.Email] || len(r.Applicant.Email) < len(prefix) || r.Applicant.Email[:len(prefix)] != prefix {
			continue
		}
		seen[r.Applicant.Email] = true
		out = append(out, r.Applicant.Email)
		if len(out) == limit {
			break
		}
	}
	return out, nil
}

// errNotOverSSH refuses what the SSH front does not carry yet.
func errNotOverSSH(what string) error {
	return instruct.Errorf(instruct.CodeInvalid, "%s is done in the instruct program (instruct tui or instruct decide), not over SSH", what)
}

// RecordRevokeHabilitation is refused over SSH: revocations of one
// habilitation are made in the instruct program.
func (v *view) RecordRevokeHabilitation(context.Context, instruct.HabilitationID, string) (instruct.Operation, error) {
	return instruct.Operation{}, errNotOverSSH("revoking a habilitation")
}

// RecordTransfer is refused over SSH: transfers are made in the instruct
// program.
func (v *view) RecordTransfer(context.Context, instruct.RequestID, string, string) (instruct.Operation, error) {
	return instruct.Operation{}, errNotOverSSH("transferring a request")
}
