package server

import (
	"bytes"
	"context"
	"io"
	"net/http"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// claimFunc is Service.Claim or Service.Release.
type claimFunc func(ctx context.Context, u instruct.User, id instruct.RequestID, force bool, key string) (instruct.Outcome, error)

// claim answers POST /requests/{id}/claim: the caller takes the request.
func (s *Server) claim(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	return s.claimChange(w, r, u, s.review.Claim)
}

// release answers DELETE /requests/{id}/claim: the caller leaves it.
func (s *Server) release(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	return s.claimChange(w, r, u, s.review.Release)
}

// claimChange reads the key and the optional body of a claim or a
// release and answers 200 with the request and the event, if any.
func (s *Server) claimChange(w http.ResponseWriter, r *http.Request, u instruct.User, do claimFunc) error {
	key, err := idempotencyKey(r.Header.Get(api.HeaderIdempotencyKey))
	if err != nil {
		return malformed(err)
	}
	in, err := decodeClaim(r.Body)
	if err != nil {
		return malformed(err)
	}
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	out, err := do(r.Context(), u, id, in.Force, key)
	if err != nil {
		return err
	}
	res := api.ClaimResult{Request: withEmptySlices(out.Request)}
	if out.Event.Seq > 0 {
		res.Event = &out.Event
	}
	if out.Replayed {
		w.Header().Set(api.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// decodeClaim reads the body of a claim or a release, which may be empty.
func decodeClaim(body io.Reader) (api.ClaimInput, error) {
	b, err := io.ReadAll(body)
	if err != nil {
		return api.ClaimInput{}, jsonError(err)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return api.ClaimInput{}, nil
	}
	return decodeJSON[api.ClaimInput](bytes.NewReader(b))
}
