package server

import (
	"net/http"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/review"
)

// createRequest answers POST /requests: a new draft of the caller's.
func (s *Server) createRequest(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	p, err := decodePatch(r.Body)
	if err != nil {
		return malformed(err)
	}
	req, err := s.review.Create(r.Context(), u, p)
	if err != nil {
		return err
	}
	w.Header().Set("Location", api.BasePath+"/requests/"+req.ID.String())
	w.Header().Set(api.HeaderETag, etag(req.Version))
	writeJSON(w, http.StatusCreated, withEmptySlices(req))
	return nil
}

// patchRequest answers PATCH /requests/{id}: the applicant edits their
// draft, or the request they were asked to change.
func (s *Server) patchRequest(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	pre, err := preconditions(r)
	if err != nil {
		return err
	}
	p, err := decodePatch(r.Body)
	if err != nil {
		return malformed(err)
	}
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	out, err := s.review.Edit(r.Context(), u, id, p, pre)
	if err != nil {
		return err
	}
	writeRequest(w, http.StatusOK, out)
	return nil
}

// submitRequest answers POST /requests/{id}/submit: the applicant sends
// their draft, or their changes, to the reviewers.
func (s *Server) submitRequest(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	pre, err := preconditions(r)
	if err != nil {
		return err
	}
	if err := decodeEmpty(r.Body); err != nil {
		return malformed(err)
	}
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	out, err := s.review.Submit(r.Context(), u, id, pre)
	if err != nil {
		return err
	}
	writeRequest(w, http.StatusOK, out)
	return nil
}

// preconditions reads the headers of an applicant's change: If-Match,
// required, and Idempotency-Key, optional.
func preconditions(r *http.Request) (review.Precondition, error) {
	ifMatch, err := parseIfMatch(r.Header.Get(api.HeaderIfMatch))
	if err != nil {
		return review.Precondition{}, malformed(err)
	}
	h := r.Header.Get(api.HeaderIdempotencyKey)
	if h == "" {
		return review.Precondition{IfMatch: ifMatch}, nil
	}
	key, err := idempotencyKey(h)
	return review.Precondition{IfMatch: ifMatch, IdempotencyKey: key}, malformed(err)
}

// writeRequest answers with a request's new state and its ETag.
func writeRequest(w http.ResponseWriter, status int, out instruct.Outcome) {
	w.Header().Set(api.HeaderETag, etag(out.Request.Version))
	if out.Replayed {
		w.Header().Set(api.HeaderReplayed, "true")
	}
	writeJSON(w, status, withEmptySlices(out.Request))
}
