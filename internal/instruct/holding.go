package instruct

import "time"

// Holding is a request with its habilitations, oldest first, and the user
// ID of the account that files it (which sees it as its applicant): what
// a HoldingChange reads and changes.
type Holding struct {
	Request       Request
	Habilitations []Habilitation
	CreatedBy     string
}

// HoldingChange is a Change that also reads or changes the request's
// habilitations or its filing account: approvals issue a habilitation,
// revocations revoke them, a refused or cancelled reopening restores the
// request from its active one, a transfer changes the applicant. The
// storage runs ApplyHolding rather than Apply, numbers the habilitations
// appended with a zero ID (appending their IDs to the request's
// HabilitationIDs and naming the first in the event when it names none),
// and stores those that changed.
type HoldingChange interface {
	Change
	ApplyHolding(h *Holding) (Event, bool, error)
}

// Active returns the index of the holding's active habilitations.
func (h *Holding) Active() []int {
	var out []int
	for i, hab := range h.Habilitations {
		if hab.Status == HabilitationActive {
			out = append(out, i)
		}
	}
	return out
}

// retire moves habilitation i to status to at t (obsolete or revoked),
// one version on.
func (h *Holding) retire(i int, to HabilitationStatus, t time.Time) {
	hab := &h.Habilitations[i]
	hab.Status = to
	hab.Version++
	if to == HabilitationRevoked {
		hab.RevokedAt = &t
	}
}

// restore sets the request's reviewed fields back to those of its active
// habilitation, status validated, ending the reopening: what a refused or
// cancelled reopening leaves. Without an active habilitation there is
// nothing to return to: invalid_transition.
func (h *Holding) restore(t time.Time) error {
	active := h.Active()
	if len(active) == 0 {
		return Errorf(CodeInvalidTransition, "%s has no active habilitation to return to", h.Request.ID)
	}
	hab := h.Habilitations[active[len(active)-1]]
	r := &h.Request
	r.Organization, r.LegalBasis = hab.Organization, hab.LegalBasis
	r.Contacts = append([]Contact{}, hab.Contacts...)
	r.Scopes = append([]string{}, hab.Scopes...)
	r.DataRecipients, r.RetentionMonths = hab.DataRecipients, hab.RetentionMonths
	r.Status, r.Reopening, r.UpdatedAt, r.Claim = StatusValidated, false, t, nil
	return nil
}

// ApplyHolding applies the decision to the request and its habilitations:
// an approval issues a habilitation (making those of an approved
// reopening obsolete), the refusal of a reopening returns the request to
// validated as its active habilitation has it, a revocation revokes every
// active habilitation.
func (d Decision) ApplyHolding(h *Holding) (Event, bool, error) {
	r := &h.Request
	reopening := r.Reopening
	if d.Kind == KindArchive && reopening {
		return Event{}, false, Errorf(CodeInvalidTransition, "%s is being reopened while it holds an active habilitation: refuse the reopening, or revoke, rather than archive it", r.ID)
	}
	if d.Kind == KindRefuse && reopening {
		if _, err := Transition(r.Status, d.Kind); err != nil {
			return Event{}, false, err
		}
		if err := h.restore(d.At); err != nil {
			return Event{}, false, err
		}
		return Event{RequestID: r.ID, Kind: d.Kind, Actor: d.Actor, Comment: d.Comment, Reopening: true, At: d.At}, true, nil
	}
	e, bump, err := d.Apply(r)
	if err != nil {
		return Event{}, false, err
	}
	switch d.Kind {
	case KindApprove:
		for _, i := range h.Active() {
			h.retire(i, HabilitationObsolete, d.At)
		}
		r.Reopening, e.Reopening = false, reopening
		h.Habilitations = append(h.Habilitations, FreezeHabilitation(*r, d.Actor, d.Comment, d.At))
	case KindRevoke:
		active := h.Active()
		for _, i := range active {
			h.retire(i, HabilitationRevoked, d.At)
		}
		if len(active) == 1 {
			e.HabilitationID = h.Habilitations[active[0]].ID
		}
	}
	return e, bump, nil
}

// Reopen is the applicant's asking to change a validated request that
// holds an active habilitation: it becomes a draft again, with Reopening
// set, until its next approval, refusal or cancel.
type Reopen struct {
	Actor Actor
	At    time.Time
}

// Apply refuses: a reopening needs the request's habilitations.
func (o Reopen) Apply(*Request) (Event, bool, error) {
	return Event{}, false, errNeedsHolding(KindReopen)
}

// ApplyHolding makes the validated request a draft in reopening.
func (o Reopen) ApplyHolding(h *Holding) (Event, bool, error) {
	r := &h.Request
	to, err := Transition(r.Status, KindReopen)
	if err != nil {
		return Event{}, false, err
	}
	if len(h.Active()) == 0 {
		return Event{}, false, Errorf(CodeInvalidTransition, "%s holds no active habilitation to reopen", r.ID)
	}
	r.Status, r.Reopening, r.UpdatedAt, r.Claim = to, true, o.At, nil
	return Event{RequestID: r.ID, Kind: KindReopen, Actor: o.Actor, At: o.At}, true, nil
}

// CancelReopening is the applicant's giving a reopening up: the request
// returns to validated, its fields as its active habilitation has them.
type CancelReopening struct {
	Actor Actor
	At    time.Time
}

// Apply refuses: a cancel needs the request's habilitations.
func (c CancelReopening) Apply(*Request) (Event, bool, error) {
	return Event{}, false, errNeedsHolding(KindCancelReopening)
}

// ApplyHolding restores the request from its active habilitation.
func (c CancelReopening) ApplyHolding(h *Holding) (Event, bool, error) {
	r := &h.Request
	if !r.Reopening {
		return Event{}, false, Errorf(CodeInvalidTransition, "%s is not being reopened", r.ID)
	}
	if _, err := Transition(r.Status, KindCancelReopening); err != nil {
		return Event{}, false, err
	}
	if err := h.restore(c.At); err != nil {
		return Event{}, false, err
	}
	return Event{RequestID: r.ID, Kind: KindCancelReopening, Actor: c.Actor, At: c.At}, true, nil
}

// RevokeHabilitation is a reviewer's revocation of one habilitation of
// the request; when none is left active, the request is revoked too.
type RevokeHabilitation struct {
	Actor   Actor
	ID      HabilitationID
	Comment string
	At      time.Time
}

// Apply refuses: a revocation of a habilitation needs the habilitations.
func (v RevokeHabilitation) Apply(*Request) (Event, bool, error) {
	return Event{}, false, errNeedsHolding(KindRevoke)
}

// ApplyHolding revokes the habilitation, and the request with its last
// active one.
func (v RevokeHabilitation) ApplyHolding(h *Holding) (Event, bool, error) {
	i := h.index(v.ID)
	if i < 0 {
		return Event{}, false, Errorf(CodeNotFound, "no habilitation %s on %s", v.ID, h.Request.ID)
	}
	if s := h.Habilitations[i].Status; s != HabilitationActive {
		return Event{}, false, Errorf(CodeInvalidTransition, "cannot revoke %s: it is %s", v.ID, s)
	}
	h.retire(i, HabilitationRevoked, v.At)
	r := &h.Request
	if len(h.Active()) == 0 && r.Status != StatusRevoked && r.Status != StatusArchived {
		r.Status, r.Reopening, r.DecidedAt, r.Claim = StatusRevoked, false, &v.At, nil
	}
	r.UpdatedAt = v.At
	return Event{RequestID: r.ID, Kind: KindRevoke, Actor: v.Actor, Comment: v.Comment, HabilitationID: v.ID, At: v.At}, true, nil
}

// index returns the position of habilitation id in the holding, or -1.
func (h *Holding) index(id HabilitationID) int {
	for i, hab := range h.Habilitations {
		if hab.ID == id {
			return i
		}
	}
	return -1
}

// Transfer is a reviewer's making another user the applicant of the
// request and of its habilitations: To is that user, who files the
// request from then on.
type Transfer struct {
	Actor   Actor
	To      User
	Comment string
	At      time.Time
}

// Apply refuses: a transfer changes the filing account too.
func (t Transfer) Apply(*Request) (Event, bool, error) {
	return Event{}, false, errNeedsHolding(KindTransfer)
}

// ApplyHolding sets the new applicant on the request and its
// habilitations; the event's diff is the applicant, old and new, and
// their user IDs (Event.TransferredApplicants).
func (t Transfer) ApplyHolding(h *Holding) (Event, bool, error) {
	r := &h.Request
	if _, err := Transition(r.Status, KindTransfer); err != nil {
		return Event{}, false, err
	}
	if h.CreatedBy == t.To.ID {
		return Event{}, false, Errorf(CodeInvalid, "%s is already the applicant of %s", t.To.Email, r.ID)
	}
	to := Person{Name: t.To.Name, Email: t.To.Email}
	diff := Diff{"applicant": {r.Applicant, to}, DiffApplicantID: {h.CreatedBy, t.To.ID}}
	r.Applicant, r.UpdatedAt, h.CreatedBy = to, t.At, t.To.ID
	for i := range h.Habilitations {
		h.Habilitations[i].Applicant = to
		h.Habilitations[i].Version++
	}
	return Event{RequestID: r.ID, Kind: KindTransfer, Actor: t.Actor, Comment: t.Comment, Diff: diff, At: t.At}, true, nil
}

// errNeedsHolding is the error of a HoldingChange applied without the
// request's habilitations, which a storage must not do.
func errNeedsHolding(k Kind) error {
	return Errorf(CodeInternal, "%s needs the request's habilitations: apply it with ApplyHolding", k)
}
