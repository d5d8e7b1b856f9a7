package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/review"
)

// getHabilitation answers GET /habilitations/{id} with the habilitation
// and its ETag (its version); a matching If-None-Match gets 304.
func (s *Server) getHabilitation(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	id, err := instruct.ParseHabilitationIDInput(r.PathValue("id"))
	if err != nil {
		return err
	}
	h, err := s.review.Habilitation(r.Context(), u, id)
	if err != nil {
		return err
	}
	tag := etag(h.Version)
	w.Header().Set(api.HeaderETag, tag)
	if strings.TrimPrefix(r.Header.Get("If-None-Match"), "W/") == tag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	writeJSON(w, http.StatusOK, h)
	return nil
}

// listHabilitations answers GET /habilitations: a keyset page of those u
// may see.
func (s *Server) listHabilitations(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	q, err := habilitationQuery(r.URL.Query())
	if err != nil {
		return malformed(err)
	}
	limit := q.Limit
	q.Limit++
	habs, err := s.review.Habilitations(r.Context(), u, q)
	if err != nil {
		return err
	}
	return writeKeysetPage(w, "habilitations", habs[:min(len(habs), limit)], len(habs),
		func(h instruct.Habilitation) int64 { return int64(h.ID) })
}

// habilitationQuery reads the query of GET /habilitations.
func habilitationQuery(v url.Values) (instruct.HabilitationQuery, error) {
	q := instruct.HabilitationQuery{Definition: strings.TrimSpace(v.Get("definition")), SIRET: strings.TrimSpace(v.Get("siret"))}
	if st := v.Get("status"); st != "" {
		if !instruct.HabilitationStatus(st).Valid() {
			return q, instruct.Errorf(instruct.CodeInvalid, "status %q is not a habilitation status (active, obsolete, revoked)", cells.Truncate(st, 40))
		}
		q.Status = instruct.HabilitationStatus(st)
	}
	if len(q.Definition) > 200 || len(q.SIRET) > 200 {
		return q, instruct.Errorf(instruct.CodeInvalid, "definition and siret are at most 200 characters")
	}
	var err error
	if q.After, err = parseSeq(v.Get("after")); err != nil {
		return q, err
	}
	q.Limit, err = parseLimit(v.Get("limit"), defaultListLimit, maxListLimit)
	return q, err
}

// revokeHabilitation answers POST /habilitations/{id}/revoke: a
// reviewer revokes one habilitation, on the version it saw of it, once
// per Idempotency-Key.
func (s *Server) revokeHabilitation(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	pre, err := reviewerPreconditions(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[api.RevokeInput](r.Body)
	if err != nil {
		return malformed(err)
	}
	id, err := instruct.ParseHabilitationIDInput(r.PathValue("id"))
	if err != nil {
		return err
	}
	out, err := s.review.RevokeHabilitation(r.Context(), u, id, in.Comment, pre)
	if err != nil {
		return err
	}
	if out.Habilitation == nil {
		return instruct.Errorf(instruct.CodeInternal, "the revocation of %s names no habilitation", id)
	}
	w.Header().Set(api.HeaderETag, etag(out.Habilitation.Version))
	writeCreated(w, out.Replayed, api.HabilitationResult{Habilitation: *out.Habilitation,
		Request: withEmptySlices(out.Request), Event: out.Event})
	return nil
}

// transferRequest answers POST /requests/{id}/transfer: a reviewer makes
// another user the applicant of a request and of its habilitations.
func (s *Server) transferRequest(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	pre, err := reviewerPreconditions(r)
	if err != nil {
		return err
	}
	in, err := decodeJSON[api.TransferInput](r.Body)
	if err != nil {
		return malformed(err)
	}
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	out, err := s.review.Transfer(r.Context(), u, id, in.To, in.Comment, pre)
	if err != nil {
		return err
	}
	w.Header().Set(api.HeaderETag, etag(out.Request.Version))
	writeCreated(w, out.Replayed, api.DecisionResult{Request: withEmptySlices(out.Request), Event: out.Event})
	return nil
}

// reopenRequest answers POST /requests/{id}/reopen: the applicant asks
// to change their validated request.
func (s *Server) reopenRequest(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	return s.applicantStep(w, r, u, s.review.Reopen)
}

// cancelReopening answers POST /requests/{id}/cancel_reopening: the
// applicant gives their reopening up.
func (s *Server) cancelReopening(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	return s.applicantStep(w, r, u, s.review.CancelReopening)
}

// applicantStep answers an applicant's body-less change of their request
// (If-Match required, Idempotency-Key optional) with the request's new
// state, as submit does.
func (s *Server) applicantStep(w http.ResponseWriter, r *http.Request, u instruct.User,
	step func(ctx context.Context, u instruct.User, id instruct.RequestID, pre review.Precondition) (instruct.Outcome, error)) error {
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
	out, err := step(r.Context(), u, id, pre)
	if err != nil {
		return err
	}
	writeRequest(w, http.StatusOK, out)
	return nil
}

// reviewerPreconditions reads the headers of a reviewer's change: both
// Idempotency-Key and If-Match required.
func reviewerPreconditions(r *http.Request) (review.Precondition, error) {
	key, err := idempotencyKey(r.Header.Get(api.HeaderIdempotencyKey))
	if err != nil {
		return review.Precondition{}, malformed(err)
	}
	ifMatch, err := parseIfMatch(r.Header.Get(api.HeaderIfMatch))
	if err != nil {
		return review.Precondition{}, malformed(err)
	}
	return review.Precondition{IfMatch: ifMatch, IdempotencyKey: key}, nil
}
