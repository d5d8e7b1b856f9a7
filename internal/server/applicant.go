package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// errNoChange is what an edit that changes nothing returns from its
// Apply, so that nothing is recorded.
var errNoChange = errors.New("the edit changes nothing")

// createRequest answers POST /requests: a new draft of the caller's.
func (s *Server) createRequest(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	p, err := decodePatch(r.Body)
	if err != nil {
		return malformed(err)
	}
	if err := s.checkCreate(u, p); err != nil {
		return err
	}
	if err := s.checkFiling(*p.Definition, p); err != nil {
		return err
	}
	req, err := s.store.Create(r.Context(), u.Actor(), filedBy(u, p), s.clock())
	if err != nil {
		return err
	}
	s.announceCreate(r.Context(), u, req)
	w.Header().Set("Location", api.BasePath+"/requests/"+req.ID)
	w.Header().Set(api.HeaderETag, etag(req.Version))
	writeJSON(w, http.StatusCreated, withEmptySlices(req))
	return nil
}

// checkCreate validates a new draft: a definition of the catalogue that
// the caller, if a reviewer, may see (an applicant always sees their
// own), and valid field values.
func (s *Server) checkCreate(u instruct.User, p instruct.RequestPatch) error {
	if p.Definition == nil || *p.Definition == "" {
		return instruct.Errorf(instruct.CodeInvalid, "definition is required: the API the request is for")
	}
	if _, ok := s.definition(*p.Definition); !ok {
		return instruct.Errorf(instruct.CodeInvalid, "definition %q is not in the catalogue", clip(*p.Definition, 60))
	}
	if u.IsReviewer() && !u.CanSee(*p.Definition) {
		return instruct.Errorf(instruct.CodeForbidden, "you hold no role on %s", *p.Definition)
	}
	return p.Check()
}

// announceCreate tells the event streams about a new request, at the seq
// of its create event.
func (s *Server) announceCreate(ctx context.Context, u instruct.User, req instruct.Request) {
	n, _ := instruct.ParseRequestID(req.ID)
	events, err := s.store.Events(ctx, n)
	if err != nil || len(events) == 0 {
		return
	}
	last := events[len(events)-1]
	s.hub.publish(change{seq: last.Seq, definition: req.Definition, createdBy: u.ID, kind: last.Kind})
}

// patchRequest answers PATCH /requests/{id}: the applicant edits their
// draft, or the request they were asked to change.
func (s *Server) patchRequest(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	ifMatch, key, err := preconditions(r)
	if err != nil {
		return err
	}
	p, err := decodePatch(r.Body)
	if err != nil {
		return malformed(err)
	}
	req, createdBy, err := s.editable(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	if err := checkPatch(req, p); err != nil {
		return err
	}
	if err := s.checkFiling(req.Definition, p); err != nil {
		return err
	}
	now := s.clock()
	m := s.mutation(u, r.Method, req, "", p, now)
	m.IfMatch, m.IdempotencyKey = ifMatch, key
	m.Apply = applyPatch(u, p, now)
	out, err := s.apply(r.Context(), u, m, createdBy)
	if errors.Is(err, errNoChange) {
		out.Request, _, err = s.visible(r.Context(), u, req.ID)
	}
	if err != nil {
		return err
	}
	writeRequest(w, http.StatusOK, out)
	return nil
}

// preconditions reads the headers of an applicant's change: If-Match,
// required, and Idempotency-Key, optional.
func preconditions(r *http.Request) (int64, string, error) {
	ifMatch, err := parseIfMatch(r.Header.Get(api.HeaderIfMatch))
	if err != nil {
		return 0, "", malformed(err)
	}
	h := r.Header.Get(api.HeaderIdempotencyKey)
	if h == "" {
		return ifMatch, "", nil
	}
	key, err := idempotencyKey(h)
	return ifMatch, key, malformed(err)
}

// checkPatch refuses an edit that would move the request to another
// definition or set invalid values.
func checkPatch(req instruct.Request, p instruct.RequestPatch) error {
	if p.Definition != nil && *p.Definition != req.Definition {
		return instruct.Errorf(instruct.CodeInvalid, "the definition of a request cannot be changed; create a new request")
	}
	return p.Check()
}

// editable loads request id for an edit by u: not found if u may not see
// it, forbidden unless u created it.
func (s *Server) editable(ctx context.Context, u instruct.User, id string) (instruct.Request, string, error) {
	req, createdBy, err := s.visible(ctx, u, id)
	if err == nil && createdBy != u.ID {
		err = instruct.Errorf(instruct.CodeForbidden, "only the applicant who created %s may change it", req.ID)
	}
	return req, createdBy, err
}

// applyPatch sets the patch's fields and records the diff, where the
// request may still be edited.
func applyPatch(u instruct.User, p instruct.RequestPatch, now time.Time) func(*instruct.Request) (instruct.Event, bool, error) {
	return func(r *instruct.Request) (instruct.Event, bool, error) {
		if _, err := instruct.Transition(r.Status, instruct.KindUpdate); err != nil {
			return instruct.Event{}, false, err
		}
		diff := p.Apply(r)
		if len(diff) == 0 {
			return instruct.Event{}, false, errNoChange
		}
		r.UpdatedAt = now
		return instruct.Event{RequestID: r.ID, Kind: instruct.KindUpdate, Actor: u.Actor(), Diff: diff, At: now}, true, nil
	}
}

// submitRequest answers POST /requests/{id}/submit: the applicant sends
// their draft, or their changes, to the reviewers.
func (s *Server) submitRequest(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	ifMatch, key, err := preconditions(r)
	if err != nil {
		return err
	}
	if err := decodeEmpty(r.Body); err != nil {
		return malformed(err)
	}
	req, createdBy, err := s.editable(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	diff, err := s.resubmissionDiff(r.Context(), req)
	if err != nil {
		return err
	}
	now := s.clock()
	m := s.mutation(u, r.Method, req, "submit", struct{}{}, now)
	m.IfMatch, m.IdempotencyKey = ifMatch, key
	m.Apply = applySubmit(u, diff, now)
	out, err := s.apply(r.Context(), u, m, createdBy)
	if err != nil {
		return err
	}
	writeRequest(w, http.StatusOK, out)
	return nil
}

// applySubmit moves the request to submitted once it passes the submit
// checks; on a resubmission the event carries what the applicant changed
// since the reviewer asked for changes.
func applySubmit(u instruct.User, diff instruct.Diff, now time.Time) func(*instruct.Request) (instruct.Event, bool, error) {
	return func(r *instruct.Request) (instruct.Event, bool, error) {
		to, err := instruct.Transition(r.Status, instruct.KindSubmit)
		if err != nil {
			return instruct.Event{}, false, err
		}
		if err := r.SubmitChecks(); err != nil {
			return instruct.Event{}, false, err
		}
		r.Status, r.SubmittedAt, r.UpdatedAt = to, &now, now
		return instruct.Event{RequestID: r.ID, Kind: instruct.KindSubmit, Actor: u.Actor(), Diff: diff, At: now}, true, nil
	}
}

// resubmissionDiff reads the history of req and returns what its updates
// changed since the last request for changes, or nil if there was none.
// The If-Match of the submission guarantees the history read holds
// every update up to the version submitted.
func (s *Server) resubmissionDiff(ctx context.Context, req instruct.Request) (instruct.Diff, error) {
	n, _ := instruct.ParseRequestID(req.ID)
	events, err := s.store.Events(ctx, n)
	if err != nil {
		return nil, err
	}
	return diffSinceChangesRequested(events), nil
}

// diffSinceChangesRequested merges the diffs of the updates after the
// last request_changes event: for each field, its value before the first
// update and after the last; fields changed back are left out.
func diffSinceChangesRequested(events []instruct.Event) instruct.Diff {
	start := -1
	for i, e := range events {
		if e.Kind == instruct.KindRequestChanges {
			start = i
		}
	}
	if start < 0 {
		return nil
	}
	merged := instruct.Diff{}
	for _, e := range events[start+1:] {
		if e.Kind != instruct.KindUpdate {
			continue
		}
		for field, change := range e.Diff {
			if first, ok := merged[field]; ok {
				change[0] = first[0]
			}
			merged[field] = change
		}
	}
	return withoutReverted(merged)
}

// withoutReverted drops the fields whose old and new values are equal.
func withoutReverted(d instruct.Diff) instruct.Diff {
	for field, change := range d {
		before, _ := json.Marshal(change[0])
		after, _ := json.Marshal(change[1])
		if string(before) == string(after) {
			delete(d, field)
		}
	}
	if len(d) == 0 {
		return nil
	}
	return d
}

// writeRequest answers with a request's new state and its ETag.
func writeRequest(w http.ResponseWriter, status int, out instruct.Outcome) {
	w.Header().Set(api.HeaderETag, etag(out.Request.Version))
	if out.Replayed {
		w.Header().Set(api.HeaderReplayed, "true")
	}
	writeJSON(w, status, withEmptySlices(out.Request))
}
