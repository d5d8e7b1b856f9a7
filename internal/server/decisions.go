package server

import (
	"net/http"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/review"
)

// decide answers POST /requests/{id}/decisions: a reviewer's decision,
// applied once per Idempotency-Key and only on the version it was based
// on.
func (s *Server) decide(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	key, err := idempotencyKey(r.Header.Get(api.HeaderIdempotencyKey))
	if err != nil {
		return malformed(err)
	}
	ifMatch, err := parseIfMatch(r.Header.Get(api.HeaderIfMatch))
	if err != nil {
		return malformed(err)
	}
	in, err := decodeDecision(r.Body)
	if err != nil {
		return malformed(err)
	}
	pre := review.Precondition{IfMatch: ifMatch, IdempotencyKey: key}
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	out, err := s.review.Decide(r.Context(), u, id, in.Kind, in.Comment, pre)
	if err != nil {
		return err
	}
	w.Header().Set(api.HeaderETag, etag(out.Request.Version))
	writeCreated(w, out.Replayed, api.DecisionResult{Request: withEmptySlices(out.Request), Event: out.Event})
	return nil
}

// note answers POST /requests/{id}/notes: an internal note or a message
// to the applicant, which doesn't change the request's version.
func (s *Server) note(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	key, err := idempotencyKey(r.Header.Get(api.HeaderIdempotencyKey))
	if err != nil {
		return malformed(err)
	}
	in, err := decodeNote(r.Body)
	if err != nil {
		return malformed(err)
	}
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	out, err := s.review.Note(r.Context(), u, id, in.Kind, in.Comment, key)
	if err != nil {
		return err
	}
	writeCreated(w, out.Replayed, api.NoteResult{Event: out.Event})
	return nil
}

// writeCreated writes a 201 answer, marked when it replays the answer of
// an earlier identical call.
func writeCreated(w http.ResponseWriter, replayed bool, v any) {
	if replayed {
		w.Header().Set(api.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusCreated, v)
}
