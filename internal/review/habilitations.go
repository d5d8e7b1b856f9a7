package review

import (
	"context"
	"slices"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Habilitation returns habilitation id as u may see it, with its request:
// not_found when it doesn't exist or u may not see its request, the same
// answer either way.
func (s *Service) Habilitation(ctx context.Context, u instruct.User, id instruct.HabilitationID) (instruct.Habilitation, error) {
	h, createdBy, err := s.store.Habilitation(ctx, id)
	if instruct.ErrorCode(err) == instruct.CodeNotFound || (err == nil && !seesHabilitation(u.Viewer(), h, createdBy)) {
		return instruct.Habilitation{}, habilitationNotFound(id)
	}
	return h, err
}

// seesHabilitation reports whether v may see habilitation h, whose
// request the account createdBy files: as it may see that request.
func seesHabilitation(v instruct.Viewer, h instruct.Habilitation, createdBy string) bool {
	return v.Sees(instruct.Request{Definition: h.Definition}, createdBy)
}

func habilitationNotFound(id instruct.HabilitationID) error {
	return instruct.Errorf(instruct.CodeNotFound, "no habilitation %s", id)
}

// Habilitations returns the habilitations q selects among those u may
// see, ordered by number, at most q.Limit.
func (s *Service) Habilitations(ctx context.Context, u instruct.User, q instruct.HabilitationQuery) ([]instruct.Habilitation, error) {
	q.Viewer = u.Viewer()
	return s.store.Habilitations(ctx, q)
}

// Reopen asks, for u who filed request id, to change it while it is
// validated with an active habilitation: it becomes a draft in
// reopening, which u edits and submits as usual.
func (s *Service) Reopen(ctx context.Context, u instruct.User, id instruct.RequestID, pre Precondition) (instruct.Outcome, error) {
	req, createdBy, err := s.owned(ctx, u, id)
	if err != nil {
		return instruct.Outcome{}, err
	}
	now := s.clock()
	m := s.mutation(u, "POST", req, "reopen", struct{}{})
	m.IfMatch, m.IdempotencyKey, m.Now = pre.IfMatch, pre.IdempotencyKey, now
	m.Change = instruct.Reopen{Actor: u.Actor(), At: now}
	return s.apply(ctx, u, m, createdBy)
}

// CancelReopening gives up u's reopening of request id: it returns to
// validated, its fields as its active habilitation has them.
func (s *Service) CancelReopening(ctx context.Context, u instruct.User, id instruct.RequestID, pre Precondition) (instruct.Outcome, error) {
	req, createdBy, err := s.owned(ctx, u, id)
	if err != nil {
		return instruct.Outcome{}, err
	}
	now := s.clock()
	m := s.mutation(u, "POST", req, "cancel_reopening", struct{}{})
	m.IfMatch, m.IdempotencyKey, m.Now = pre.IfMatch, pre.IdempotencyKey, now
	m.Change = instruct.CancelReopening{Actor: u.Actor(), At: now}
	return s.apply(ctx, u, m, createdBy)
}

// owned loads request id for a change only the account that files it may
// make: not found if u may not see it, forbidden unless u files it.
func (s *Service) owned(ctx context.Context, u instruct.User, id instruct.RequestID) (instruct.Request, string, error) {
	req, createdBy, err := s.Visible(ctx, u, id)
	if err == nil && createdBy != u.ID {
		err = instruct.Errorf(instruct.CodeForbidden, "only the applicant of %s may reopen it or cancel its reopening", req.ID)
	}
	return req, createdBy, err
}

// RevokeHabilitation revokes habilitation id, on the version pre names,
// once per idempotency key; its request is revoked too when it holds no
// other active habilitation. Only an instructor of its definition who
// did not file it may, with a comment.
func (s *Service) RevokeHabilitation(ctx context.Context, u instruct.User, id instruct.HabilitationID, comment string, pre Precondition) (instruct.Outcome, error) {
	h, err := s.Habilitation(ctx, u, id)
	if err != nil {
		return instruct.Outcome{}, err
	}
	req, createdBy, err := s.reviewable(ctx, u, h.RequestID, instruct.KindRevoke, comment)
	if err != nil {
		return instruct.Outcome{}, err
	}
	now := s.clock()
	m := instruct.Mutation{RequestID: req.ID, HabilitationID: id, IfMatch: pre.IfMatch, IdempotencyKey: pre.IdempotencyKey, Now: now,
		Fingerprint: fingerprint(u.ID, "POST", basePath+"/habilitations/"+id.String()+"/revoke", asked{Kind: instruct.KindRevoke, Comment: comment})}
	m.Change = instruct.RevokeHabilitation{Actor: u.Actor(), ID: id, Comment: comment, At: now}
	return s.apply(ctx, u, m, createdBy)
}

// transferred is the canonical body of a transfer, fingerprinted for
// idempotency; its JSON is the API's TransferInput.
type transferred struct {
	To      string `json:"to"`
	Comment string `json:"comment"`
}

// Transfer makes the user whose e-mail is to the applicant of request id
// and of its habilitations, who files it from then on. Only an
// instructor of its definition may, with a comment; an e-mail no user
// has is invalid.
func (s *Service) Transfer(ctx context.Context, u instruct.User, id instruct.RequestID, to, comment string, pre Precondition) (instruct.Outcome, error) {
	req, _, err := s.reviewable(ctx, u, id, instruct.KindTransfer, comment)
	if err != nil {
		return instruct.Outcome{}, err
	}
	target, err := s.store.UserByEmail(ctx, to)
	if instruct.ErrorCode(err) == instruct.CodeNotFound {
		return instruct.Outcome{}, instruct.Errorf(instruct.CodeInvalid, "no user has the e-mail given in \"to\": the new applicant must have an account")
	}
	if err != nil {
		return instruct.Outcome{}, err
	}
	now := s.clock()
	m := s.mutation(u, "POST", req, "transfer", transferred{To: target.Email, Comment: comment})
	m.IfMatch, m.IdempotencyKey, m.Now = pre.IfMatch, pre.IdempotencyKey, now
	m.Change = instruct.Transfer{Actor: u.Actor(), To: target, Comment: comment, At: now}
	return s.apply(ctx, u, m, target.ID)
}

// withChecks sets the checks of reqs: a missing_prerequisite for each
// prerequisite of a request's definition that its organisation (same
// SIRET) holds no active habilitation of. It reads the storage once.
func (s *Service) withChecks(ctx context.Context, reqs []*instruct.Request) error {
	var sirets []string
	seen := map[string]bool{}
	for _, r := range reqs {
		r.Checks = nil
		if d, ok := s.Definition(r.Definition); ok && len(d.Prerequisites) > 0 && !seen[r.Organization.SIRET] {
			seen[r.Organization.SIRET] = true
			sirets = append(sirets, r.Organization.SIRET)
		}
	}
	if len(sirets) == 0 {
		return nil
	}
	held, err := s.store.ActiveDefinitions(ctx, sirets)
	if err != nil {
		return err
	}
	for _, r := range reqs {
		d, _ := s.Definition(r.Definition)
		for _, pre := range d.Prerequisites {
			if !slices.Contains(held[r.Organization.SIRET], pre) {
				r.Checks = append(r.Checks, instruct.Check{Code: instruct.CheckMissingPrerequisite, Definition: pre})
			}
		}
	}
	return nil
}

// withCheck sets the checks of one request (see withChecks).
func (s *Service) withCheck(ctx context.Context, r instruct.Request) (instruct.Request, error) {
	err := s.withChecks(ctx, []*instruct.Request{&r})
	return r, err
}
