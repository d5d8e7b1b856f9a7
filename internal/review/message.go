package review

import (
	"context"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// messageAsked is the canonical body of an applicant's message,
// fingerprinted for idempotency; its JSON is the API's MessageInput.
type messageAsked struct {
	Body string `json:"body"`
}

// Message records the message u, the applicant who filed request id,
// writes to its reviewers, once per idempotency key: an event of kind
// message with u as its actor, which leaves the request's version as it
// is. Only the request's applicant may; the body must say something and
// hold at most instruct.MaxCommentLength characters.
func (s *Service) Message(ctx context.Context, u instruct.User, id instruct.RequestID, body, idempotencyKey string) (instruct.Outcome, error) {
	req, createdBy, err := s.Visible(ctx, u, id)
	if err != nil {
		return instruct.Outcome{}, err
	}
	if createdBy != u.ID {
		return instruct.Outcome{}, instruct.Errorf(instruct.CodeForbidden, "only the applicant who filed %s may answer on it; reviewers write with a note of kind message", req.ID)
	}
	if err := instruct.CheckMessage(body); err != nil {
		return instruct.Outcome{}, err
	}
	now := s.clock()
	m := s.mutation(u, "POST", req, "messages", messageAsked{Body: body})
	m.IdempotencyKey, m.Now = idempotencyKey, now
	m.Change = instruct.Note{Actor: u.Actor(), Kind: instruct.KindMessage, Comment: body, FromApplicant: true, At: now}
	return s.apply(ctx, u, m, createdBy)
}
