package instruct

// Status is where a request stands in its review.
type Status string

// The statuses of a request.
const (
	StatusDraft            Status = "draft"
	StatusSubmitted        Status = "submitted"
	StatusChangesRequested Status = "changes_requested"
	StatusValidated        Status = "validated"
	StatusRefused          Status = "refused"
	StatusRevoked          Status = "revoked"
	StatusArchived         Status = "archived"
)

// Statuses returns every status, in the order of the review.
func Statuses() []Status {
	return []Status{StatusDraft, StatusSubmitted, StatusChangesRequested,
		StatusValidated, StatusRefused, StatusRevoked, StatusArchived}
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, known := range Statuses() {
		if s == known {
			return true
		}
	}
	return false
}

// Kind is the kind of an event in a request's history. Decision kinds are
// the subset a reviewer applies with POST …/decisions.
type Kind string

// The kinds of events.
const (
	KindCreate         Kind = "create"
	KindUpdate         Kind = "update"
	KindSubmit         Kind = "submit"
	KindApprove        Kind = "approve"
	KindRefuse         Kind = "refuse"
	KindRequestChanges Kind = "request_changes"
	KindRevoke         Kind = "revoke"
	KindArchive        Kind = "archive"
	KindNote           Kind = "note"
	KindMessage        Kind = "message"
	KindClaim          Kind = "claim"
	KindRelease        Kind = "release"
	// KindReopen: the holder of a validated request asks to change it; the
	// request becomes a draft again, with Reopening set.
	KindReopen Kind = "reopen"
	// KindCancelReopening: the applicant gives the reopening up; the
	// request returns to validated as its active habilitation has it.
	KindCancelReopening Kind = "cancel_reopening"
	// KindTransfer: a reviewer makes another user the applicant of the
	// request and of its habilitations.
	KindTransfer Kind = "transfer"
	// KindTokenDelivered: the API provider issued the token of a
	// habilitation (its webhook answered with a token ID).
	KindTokenDelivered Kind = "token_delivered"
)

// Kinds returns every event kind.
func Kinds() []Kind {
	return []Kind{KindCreate, KindUpdate, KindSubmit, KindApprove, KindRefuse,
		KindRequestChanges, KindRevoke, KindArchive, KindNote, KindMessage, KindClaim, KindRelease,
		KindReopen, KindCancelReopening, KindTransfer, KindTokenDelivered}
}

// DecisionKinds returns the kinds a reviewer may post as a decision.
func DecisionKinds() []Kind {
	return []Kind{KindApprove, KindRefuse, KindRequestChanges, KindRevoke, KindArchive}
}

// IsDecision reports whether k is a decision kind.
func (k Kind) IsDecision() bool {
	for _, d := range DecisionKinds() {
		if k == d {
			return true
		}
	}
	return false
}

// IsNote reports whether k is an internal note or a message to the applicant.
func (k Kind) IsNote() bool { return k == KindNote || k == KindMessage }

// IsClaim reports whether k takes or releases a request (see Claim).
func (k Kind) IsClaim() bool { return k == KindClaim || k == KindRelease }

// ChangesVersion reports whether an event of kind k moves the request's
// version: everything but notes, messages, claims, releases and token
// deliveries (which change a habilitation, not the request).
func (k Kind) ChangesVersion() bool {
	return !k.IsNote() && !k.IsClaim() && k != KindTokenDelivered
}

// NeedsComment reports whether an event of kind k must carry a non-blank
// comment: refusals, requests for changes and revocations become the
// message sent to the applicant; notes and messages are nothing else.
func (k Kind) NeedsComment() bool {
	switch k {
	case KindRefuse, KindRequestChanges, KindRevoke, KindNote, KindMessage, KindTransfer:
		return true
	}
	return false
}

// transitions maps a status-changing kind to the statuses it applies from
// and the status it leads to.
var transitions = map[Kind]struct {
	from []Status
	to   Status
}{
	KindSubmit:         {[]Status{StatusDraft, StatusChangesRequested}, StatusSubmitted},
	KindApprove:        {[]Status{StatusSubmitted, StatusChangesRequested}, StatusValidated},
	KindRefuse:         {[]Status{StatusSubmitted, StatusChangesRequested}, StatusRefused},
	KindRequestChanges: {[]Status{StatusSubmitted}, StatusChangesRequested},
	KindRevoke:         {[]Status{StatusValidated}, StatusRevoked},
	KindArchive:        {[]Status{StatusDraft, StatusRefused, StatusRevoked}, StatusArchived},
	KindReopen:         {[]Status{StatusValidated}, StatusDraft},
	// A cancelled reopening returns to validated; only a request with
	// Reopening set may be (the change checks it).
	KindCancelReopening: {[]Status{StatusDraft, StatusSubmitted, StatusChangesRequested}, StatusValidated},
}

// Transition returns the status a request in status from reaches when an
// event of kind k is applied, or an invalid_transition error. Kinds that
// don't change the status (notes, messages, claims, updates) return from unchanged,
// updates only where the applicant may still edit.
func Transition(from Status, k Kind) (Status, error) {
	switch k {
	case KindNote, KindMessage, KindClaim, KindRelease, KindTokenDelivered:
		return from, nil
	case KindTransfer:
		if from == StatusArchived {
			return "", Errorf(CodeInvalidTransition, "an archived request cannot be transferred")
		}
		return from, nil
	case KindUpdate:
		if from == StatusDraft || from == StatusChangesRequested {
			return from, nil
		}
		return "", Errorf(CodeInvalidTransition, "a request can be edited only as a draft or when changes are requested, not when %s", from)
	}
	t, ok := transitions[k]
	if !ok {
		return "", Errorf(CodeInvalidTransition, "%q cannot be applied to a request", k)
	}
	for _, s := range t.from {
		if s == from {
			return t.to, nil
		}
	}
	return "", Errorf(CodeInvalidTransition, "cannot %s a request that is %s", k, from)
}

// MaxCommentLength is the longest comment accepted, in characters.
const MaxCommentLength = 10000

// CheckComment validates the comment of an event of kind k: required and
// not blank (IsBlank) where NeedsComment says so, never longer than
// MaxCommentLength.
func CheckComment(k Kind, comment string) error {
	if k.NeedsComment() && IsBlank(comment) {
		return Errorf(CodeCommentRequired, "a comment is required to %s; one made only of spaces or invisible characters is none", k)
	}
	if n := len([]rune(comment)); n > MaxCommentLength {
		return Errorf(CodeInvalid, "the comment is %d characters long, the limit is %d", n, MaxCommentLength)
	}
	return nil
}
