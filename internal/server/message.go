package server

import (
	"net/http"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// message answers POST /requests/{id}/messages: the applicant who filed
// the request answers its reviewers, once per Idempotency-Key.
func (s *Server) message(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	key, err := idempotencyKey(r.Header.Get(api.HeaderIdempotencyKey))
	if err != nil {
		return malformed(err)
	}
	in, err := decodeJSON[api.MessageInput](r.Body)
	if err != nil {
		return malformed(err)
	}
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	out, err := s.review.Message(r.Context(), u, id, in.Body, key)
	if err != nil {
		return err
	}
	writeCreated(w, out.Replayed, api.NoteResult{Event: out.Event})
	return nil
}
