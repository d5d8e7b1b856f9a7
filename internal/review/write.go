package review

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"

	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// basePath is the API's path prefix, part of what an idempotency
// fingerprint covers: the same call made over HTTP or in-process has the
// same fingerprint.
const basePath = "/api/v1"

// Precondition is what a write is based on: IfMatch, the version the
// caller saw (0: none), and IdempotencyKey, which makes a retry a replay
// ("" : none).
type Precondition struct {
	IfMatch        int64
	IdempotencyKey string
}

// asked is the canonical body of a decision or a note, fingerprinted for
// idempotency; its JSON is the API's DecisionInput and NoteInput.
type asked struct {
	Kind    instruct.Kind `json:"kind"`
	Comment string        `json:"comment"`
}

// Decide records u's decision of kind k on request id, with its comment,
// on the version pre names, once per idempotency key.
func (s *Service) Decide(ctx context.Context, u instruct.User, id instruct.RequestID, k instruct.Kind, comment string, pre Precondition) (instruct.Outcome, error) {
	if !k.IsDecision() {
		return instruct.Outcome{}, instruct.Errorf(instruct.CodeInvalid, "kind must be one of approve, refuse, request_changes, revoke, archive")
	}
	req, createdBy, err := s.reviewable(ctx, u, id, k, comment)
	if err != nil {
		return instruct.Outcome{}, err
	}
	now := s.clock()
	m := s.mutation(u, "POST", req, "decisions", asked{Kind: k, Comment: comment})
	m.IfMatch, m.IdempotencyKey, m.Now = pre.IfMatch, pre.IdempotencyKey, now
	m.Change = instruct.Decide(u.Actor(), k, comment, now)
	return s.apply(ctx, u, m, createdBy)
}

// Note records u's internal note or message to the applicant on request
// id, once per idempotency key; it leaves the request's version as is.
func (s *Service) Note(ctx context.Context, u instruct.User, id instruct.RequestID, k instruct.Kind, comment, idempotencyKey string) (instruct.Outcome, error) {
	if !k.IsNote() {
		return instruct.Outcome{}, instruct.Errorf(instruct.CodeInvalid, "kind must be note or message")
	}
	req, createdBy, err := s.reviewable(ctx, u, id, k, comment)
	if err != nil {
		return instruct.Outcome{}, err
	}
	now := s.clock()
	m := s.mutation(u, "POST", req, "notes", asked{Kind: k, Comment: comment})
	m.IdempotencyKey, m.Now = idempotencyKey, now
	m.Change = instruct.Note{Actor: u.Actor(), Kind: k, Comment: comment, At: now}
	return s.apply(ctx, u, m, createdBy)
}

// Create stores a new draft of u's for a definition of the catalogue that
// u, if a reviewer, may see (an applicant always sees their own).
func (s *Service) Create(ctx context.Context, u instruct.User, p instruct.RequestPatch) (instruct.Request, error) {
	if err := s.checkCreate(u, p); err != nil {
		return instruct.Request{}, err
	}
	if err := s.checkFiling(*p.Definition, p); err != nil {
		return instruct.Request{}, err
	}
	if err := p.Check(); err != nil {
		return instruct.Request{}, err
	}
	req, err := s.store.Create(ctx, u.Actor(), filedBy(u, p), s.clock())
	if err != nil {
		return instruct.Request{}, err
	}
	s.announceCreate(ctx, u, req)
	return s.checked(ctx, req), nil
}

// checkCreate validates a new draft's definition: one of the catalogue
// that the caller, if a reviewer, may see.
func (s *Service) checkCreate(u instruct.User, p instruct.RequestPatch) error {
	if p.Definition == nil || *p.Definition == "" {
		return instruct.Errorf(instruct.CodeInvalid, "definition is required: the API the request is for")
	}
	if _, ok := s.Definition(*p.Definition); !ok {
		return instruct.Errorf(instruct.CodeInvalid, "definition %q is not in the catalogue", cells.Truncate(*p.Definition, 60))
	}
	if u.IsReviewer() && !u.CanSee(*p.Definition) {
		return instruct.Errorf(instruct.CodeForbidden, "you hold no role on %s", *p.Definition)
	}
	return nil
}

// announceCreate tells the subscribers about a new request, at the seq of
// its create event.
func (s *Service) announceCreate(ctx context.Context, u instruct.User, req instruct.Request) {
	events, err := s.store.Events(ctx, req.ID)
	if err != nil || len(events) == 0 {
		return
	}
	last := events[len(events)-1]
	s.hub.publish(change{seq: last.Seq, definition: req.Definition, createdBy: u.ID, kind: last.Kind})
}

// Edit sets the fields of p on request id, which only its applicant may
// change while it is editable. An edit that changes nothing records
// nothing and returns the request as it is.
func (s *Service) Edit(ctx context.Context, u instruct.User, id instruct.RequestID, p instruct.RequestPatch, pre Precondition) (instruct.Outcome, error) {
	req, createdBy, err := s.editable(ctx, u, id)
	if err != nil {
		return instruct.Outcome{}, err
	}
	if err := checkPatch(req, p); err != nil {
		return instruct.Outcome{}, err
	}
	if err := s.checkFiling(req.Definition, p); err != nil {
		return instruct.Outcome{}, err
	}
	if err := p.Check(); err != nil {
		return instruct.Outcome{}, err
	}
	now := s.clock()
	m := s.mutation(u, "PATCH", req, "", p)
	m.IfMatch, m.IdempotencyKey, m.Now = pre.IfMatch, pre.IdempotencyKey, now
	m.Change = instruct.Edit{Actor: u.Actor(), Patch: p, At: now}
	out, err := s.apply(ctx, u, m, createdBy)
	if errors.Is(err, instruct.ErrNoChange) {
		out.Request, _, err = s.Visible(ctx, u, req.ID)
	}
	return out, err
}

// checkPatch refuses an edit that would move the request to another
// definition.
func checkPatch(req instruct.Request, p instruct.RequestPatch) error {
	if p.Definition != nil && *p.Definition != req.Definition {
		return instruct.Errorf(instruct.CodeInvalid, "the definition of a request cannot be changed; create a new request")
	}
	return nil
}

// Submit sends request id, a draft or the changes asked for, to the
// reviewers; only its applicant may.
func (s *Service) Submit(ctx context.Context, u instruct.User, id instruct.RequestID, pre Precondition) (instruct.Outcome, error) {
	req, createdBy, err := s.editable(ctx, u, id)
	if err != nil {
		return instruct.Outcome{}, err
	}
	diff, err := s.resubmissionDiff(ctx, req)
	if err != nil {
		return instruct.Outcome{}, err
	}
	now := s.clock()
	m := s.mutation(u, "POST", req, "submit", struct{}{})
	m.IfMatch, m.IdempotencyKey, m.Now = pre.IfMatch, pre.IdempotencyKey, now
	m.Change = instruct.Submission{Actor: u.Actor(), Diff: diff, At: now}
	return s.apply(ctx, u, m, createdBy)
}

// mutation starts the mutation of req by u: the call method on the
// request's API path followed by action ("" for the request itself),
// with the given body, fingerprinted for idempotency.
func (s *Service) mutation(u instruct.User, method string, req instruct.Request, action string, body any) instruct.Mutation {
	path := basePath + "/requests/" + req.ID.String()
	if action != "" {
		path += "/" + action
	}
	return instruct.Mutation{RequestID: req.ID, Fingerprint: fingerprint(u.ID, method, path, body)}
}

// fingerprint identifies what a mutation asked: SHA-256 of the caller,
// the method, the canonical path (the request's D-form ID) and the
// canonical JSON of the body, so that a retry matches whatever the
// spacing or key order of its body, and another user's key doesn't.
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
// process, and publishes the change to the subscribers.
func (s *Service) apply(ctx context.Context, u instruct.User, m instruct.Mutation, createdBy string) (instruct.Outcome, error) {
	return s.applyWith(ctx, u, m, createdBy, func(ctx context.Context) (instruct.Outcome, error) { return s.store.Apply(ctx, m) })
}

// applyWith is apply with run in place of the storage's Apply, for
// changes that write more than the request and its event.
func (s *Service) applyWith(ctx context.Context, u instruct.User, m instruct.Mutation, createdBy string, run func(ctx context.Context) (instruct.Outcome, error)) (instruct.Outcome, error) {
	if m.IdempotencyKey != "" {
		if !s.inflight.acquire(m.IdempotencyKey) {
			return instruct.Outcome{}, instruct.Errorf(instruct.CodeInFlight, "a call with this Idempotency-Key is being processed; retry later")
		}
		defer s.inflight.release(m.IdempotencyKey)
	}
	out, err := run(ctx)
	if err != nil {
		return out, s.staleFor(ctx, u, err)
	}
	out.Request = RequestFor(u, s.checked(ctx, out.Request))
	if !out.Replayed {
		former, _ := out.Event.TransferredApplicants()
		s.hub.publish(change{seq: out.Event.Seq, definition: out.Request.Definition, createdBy: createdBy, kind: out.Event.Kind,
			formerApplicant: former})
	}
	return out, nil
}

// checked returns r, which a write has just committed, with its checks
// as a read would compute them, so that a client keeping the answer
// keeps its flags. A failure to read them leaves the write as answered,
// without checks: it is done, and the next read brings them.
func (s *Service) checked(ctx context.Context, r instruct.Request) instruct.Request {
	if withChecks, err := s.withCheck(ctx, r); err == nil {
		return withChecks
	}
	return r
}

// staleFor gives the current request of a stale_version error its
// checks, and strips internal notes and claims from it for an applicant.
func (s *Service) staleFor(ctx context.Context, u instruct.User, err error) error {
	var stale *instruct.StaleError
	if !errors.As(err, &stale) {
		return err
	}
	current := s.checked(ctx, stale.Current)
	if u.IsReviewer() {
		return &instruct.StaleError{Current: current, EventsSince: stale.EventsSince}
	}
	return &instruct.StaleError{Current: RequestFor(u, current), EventsSince: EventsFor(u, stale.EventsSince)}
}
