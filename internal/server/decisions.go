package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
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
	req, createdBy, err := s.reviewable(r.Context(), u, r.PathValue("id"), in.Kind, in.Comment)
	if err != nil {
		return err
	}
	now := s.clock()
	m := s.mutation(u, r.Method, req, "decisions", in, now)
	m.IfMatch, m.IdempotencyKey = ifMatch, key
	m.Apply = applyDecision(u, in, now)
	out, err := s.apply(r.Context(), u, m, createdBy)
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
	req, createdBy, err := s.reviewable(r.Context(), u, r.PathValue("id"), in.Kind, in.Comment)
	if err != nil {
		return err
	}
	now := s.clock()
	m := s.mutation(u, r.Method, req, "notes", in, now)
	m.IdempotencyKey = key
	m.Apply = applyNote(u, in, now)
	out, err := s.apply(r.Context(), u, m, createdBy)
	if err != nil {
		return err
	}
	writeCreated(w, out.Replayed, api.NoteResult{Event: out.Event})
	return nil
}

// reviewable loads request id for a reviewer's event of kind k: not
// found if u may not see it, forbidden if u may see it but not decide or
// filed it (for a decision), and the comment checked.
func (s *Server) reviewable(ctx context.Context, u instruct.User, id string, k instruct.Kind, comment string) (instruct.Request, string, error) {
	req, createdBy, err := s.visible(ctx, u, id)
	if err != nil {
		return req, createdBy, err
	}
	if !u.CanDecide(req.Definition) {
		return req, createdBy, instruct.Errorf(instruct.CodeForbidden, "your role on %s does not allow you to %s", req.Definition, k)
	}
	if err := checkNotOwn(u, req, createdBy, k); err != nil {
		return req, createdBy, err
	}
	return req, createdBy, instruct.CheckComment(k, comment)
}

// applyDecision moves the request along the transition of the decision.
func applyDecision(u instruct.User, in api.DecisionInput, now time.Time) func(*instruct.Request) (instruct.Event, bool, error) {
	return func(r *instruct.Request) (instruct.Event, bool, error) {
		to, err := instruct.Transition(r.Status, in.Kind)
		if err != nil {
			return instruct.Event{}, false, err
		}
		r.Status, r.UpdatedAt = to, now
		if closesReview(in.Kind) {
			r.DecidedAt = &now
		}
		return instruct.Event{RequestID: r.ID, Kind: in.Kind, Actor: u.Actor(), Comment: in.Comment, At: now}, true, nil
	}
}

// closesReview reports whether a decision of kind k dates the request's
// decided_at: approvals, refusals and revocations.
func closesReview(k instruct.Kind) bool {
	return k == instruct.KindApprove || k == instruct.KindRefuse || k == instruct.KindRevoke
}

// applyNote records a note or message, leaving the request as it is.
func applyNote(u instruct.User, in api.NoteInput, now time.Time) func(*instruct.Request) (instruct.Event, bool, error) {
	return func(r *instruct.Request) (instruct.Event, bool, error) {
		return instruct.Event{RequestID: r.ID, Kind: in.Kind, Actor: u.Actor(), Comment: in.Comment, At: now}, false, nil
	}
}

// mutation starts the mutation of req by u: the call method on the
// request's path followed by action ("" for the request itself), with
// the given body, fingerprinted for idempotency.
func (s *Server) mutation(u instruct.User, method string, req instruct.Request, action string, body any, now time.Time) instruct.Mutation {
	n, _ := instruct.ParseRequestID(req.ID)
	path := api.BasePath + "/requests/" + req.ID
	if action != "" {
		path += "/" + action
	}
	return instruct.Mutation{RequestID: n, Fingerprint: fingerprint(u.ID, method, path, body), Now: now}
}

// fingerprint identifies what a mutation asked: SHA-256 of the caller,
// the method, the canonical path (the request's D-form ID) and the
// canonical JSON of the decoded body, so that a retry matches whatever
// the spacing or key order of its body, and another user's key doesn't.
func fingerprint(userID, method, path string, body any) string {
	b, _ := json.Marshal(body)
	h := sha256.New()
	for _, part := range [][]byte{[]byte(userID), []byte(method), []byte(path), b} {
		h.Write(part)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// apply runs m in the storage, refusing a key already in flight in this
// process, and announces the change to the event streams.
func (s *Server) apply(ctx context.Context, u instruct.User, m instruct.Mutation, createdBy string) (instruct.Outcome, error) {
	if m.IdempotencyKey != "" {
		if !s.inflight.acquire(m.IdempotencyKey) {
			return instruct.Outcome{}, instruct.Errorf(instruct.CodeInFlight, "a call with this Idempotency-Key is being processed; retry later")
		}
		defer s.inflight.release(m.IdempotencyKey)
	}
	out, err := s.store.Apply(ctx, m)
	if err != nil {
		return out, staleFor(u, err)
	}
	if !out.Replayed {
		s.hub.publish(change{seq: out.Event.Seq, definition: out.Request.Definition, createdBy: createdBy, kind: out.Event.Kind})
	}
	return out, nil
}

// staleFor strips internal notes from the events of a stale_version error
// answered to an applicant.
func staleFor(u instruct.User, err error) error {
	var stale *instruct.StaleError
	if !errors.As(err, &stale) || u.IsReviewer() {
		return err
	}
	return &instruct.StaleError{Current: stale.Current, EventsSince: eventsFor(u, stale.EventsSince)}
}

// writeCreated writes a 201 answer, marked when it replays the answer of
// an earlier identical call.
func writeCreated(w http.ResponseWriter, replayed bool, v any) {
	if replayed {
		w.Header().Set(api.HeaderReplayed, "true")
	}
	writeJSON(w, http.StatusCreated, v)
}

// clock returns the server's time, in UTC to the microsecond, the
// precision every storage keeps, so that a replayed answer equals the
// first.
func (s *Server) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }
