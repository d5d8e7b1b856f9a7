package sshd

import (
	"context"
	"fmt"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/review"
	"github.com/instruct-dev/instruct/internal/store"
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
	if vw := v.me().Viewer(); !vw.All {
		q.Definitions = []string{}
		if !vw.ApplicantOnly {
			q.Definitions = append(q.Definitions, vw.Definitions...)
		}
	}
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

// RecordRevokeHabilitation revokes habilitation id through the review
// service in the user's name, on the version the read model holds
// (If-Match) and with a fresh Idempotency-Key, after the checks the TUI's
// cache makes; a refusal is kept as a conflicted or rejected operation,
// as for decisions.
func (v *view) RecordRevokeHabilitation(ctx context.Context, id instruct.HabilitationID, comment string) (instruct.Operation, error) {
	u := v.me()
	h, err := v.habilitation(ctx, id)
	if err != nil {
		return instruct.Operation{}, err
	}
	if !u.CanDecide(h.Definition) {
		return instruct.Operation{}, instruct.Errorf(instruct.CodeForbidden, "your role on %s does not allow revocations", h.Definition)
	}
	if err := instruct.CheckComment(instruct.KindRevoke, comment); err != nil {
		return instruct.Operation{}, err
	}
	if h.Status != instruct.HabilitationActive {
		return instruct.Operation{}, instruct.Errorf(instruct.CodeInvalidTransition, "%s is %s: only an active habilitation can be revoked", h.ID, h.Status)
	}
	op := instruct.Operation{RequestID: h.RequestID, Kind: instruct.KindRevoke, HabilitationID: h.ID, Comment: comment,
		BaseVersion: h.Version, State: instruct.OpAccepted, CreatedAt: v.now().UTC()}
	a := attempt{requestID: h.RequestID, kind: instruct.Kind("revoke " + h.ID.String()), comment: comment, version: h.Version}
	return v.sendLife(ctx, op, a, func(pre review.Precondition) (instruct.Outcome, error) {
		return v.reviews.RevokeHabilitation(ctx, u, h.ID, comment, pre)
	})
}

// RecordTransfer transfers request id to the user with e-mail to through
// the review service in the user's name, like RecordRevokeHabilitation.
func (v *view) RecordTransfer(ctx context.Context, id instruct.RequestID, to, comment string) (instruct.Operation, error) {
	u := v.me()
	r, err := v.Request(ctx, id)
	if err != nil {
		return instruct.Operation{}, err
	}
	if !u.CanDecide(r.Definition) {
		return instruct.Operation{}, instruct.Errorf(instruct.CodeForbidden, "your role on %s does not allow transfers", r.Definition)
	}
	if err := store.CheckEmail(to); err != nil {
		return instruct.Operation{}, err
	}
	if err := instruct.CheckComment(instruct.KindTransfer, comment); err != nil {
		return instruct.Operation{}, err
	}
	op := instruct.Operation{RequestID: r.ID, Kind: instruct.KindTransfer, To: to, Comment: comment,
		BaseVersion: r.Version, State: instruct.OpAccepted, CreatedAt: v.now().UTC()}
	a := attempt{requestID: r.ID, kind: instruct.Kind("transfer " + to), comment: comment, version: r.Version}
	return v.sendLife(ctx, op, a, func(pre review.Precondition) (instruct.Outcome, error) {
		return v.reviews.Transfer(ctx, u, r.ID, to, comment, pre)
	})
}

// sendLife sends op by call with the Idempotency-Key of attempt a, as
// Record sends a decision.
func (v *view) sendLife(ctx context.Context, op instruct.Operation, a attempt, call func(review.Precondition) (instruct.Outcome, error)) (instruct.Operation, error) {
	var err error
	if op.ID, err = v.key(a); err != nil {
		return instruct.Operation{}, err
	}
	out, err := call(review.Precondition{IfMatch: op.BaseVersion, IdempotencyKey: op.ID})
	if err != nil && mayPass(ctx, err) {
		return instruct.Operation{}, fmt.Errorf("record %s on %s: %w", op.Kind, op.RequestID, err)
	}
	v.forget(a)
	op.UpdatedAt = v.now().UTC()
	if err != nil {
		return v.refused(op, err), nil
	}
	v.model.caughtUp(ctx, out.Event.Seq)
	return op, nil
}

// habilitation returns habilitation id if the user may see it; not_found
// otherwise, as when it doesn't exist.
func (v *view) habilitation(ctx context.Context, id instruct.HabilitationID) (instruct.Habilitation, error) {
	h, err := v.model.cache.Habilitation(ctx, id)
	if err == nil && !v.sees(h.Definition) {
		err = instruct.Errorf(instruct.CodeNotFound, "no habilitation %s", id)
	}
	return h, err
}
