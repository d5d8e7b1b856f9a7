package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// purpose is what a step of a story does, which decides its patch or
// comment once the request's content is known.
type purpose int

const (
	purposeCreate purpose = iota
	purposeDetails
	purposeDeclarations
	purposeSubmit
	purposeRequestChanges
	purposeFix
	purposeReschedule
	// purposeAcknowledge is a message to the applicant after a submission,
	// purposeRemind one after a request for changes.
	purposeAcknowledge
	purposeRemind
	purposeNote
	purposeApprove
	purposeRefuse
	purposeRevoke
	purposeArchive
)

// step is one event of a story before it is replayed.
type step struct {
	purpose purpose
	kind    instruct.Kind
	gap     time.Duration // since the previous step
	round   int           // the defect a request for changes or fix is about
	patch   *instruct.RequestPatch
	comment string
}

// story builds the history of one request: a skeleton of steps for the
// status it ends in, a schedule, the content, then the replay.
type story struct {
	g         *Generator
	r         *rand.Rand
	id        instruct.RequestID
	uc        *useCase
	def       instruct.Definition
	org       organization
	applicant instruct.Actor
	person    instruct.Person
	reviewer  instruct.Actor
	status    instruct.Status
	steps     []step
	tail      time.Duration // from the last event to now
	times     []time.Time   // of the steps, once scheduled
	created   time.Time
	defects   []defect
	// lifeRand draws what happens after the review (see life).
	lifeRand *rand.Rand
}

// day is a day, for durations.
const day = 24 * time.Hour

// Bounds of a request's age.
const (
	maxAge = 535 * day
	minAge = 2 * day
)

// newStory picks the use case, organisation, applicant and reviewer of
// request id; about one request in thirty is the demo applicant's.
func (g *Generator) newStory(r *rand.Rand, id instruct.RequestID) *story {
	s := &story{g: g, r: r, id: id}
	demo := r.IntN(100) < 3
	s.uc = g.useCase(r)
	if demo {
		s.uc = s.communeUseCase()
	}
	s.def = g.catalogue[s.uc.definition]
	kind := s.uc.kinds[r.IntN(len(s.uc.kinds))]
	s.org = g.orgs[kind][r.IntN(len(g.orgs[kind]))]
	s.applicant, s.person = applicant(s.org, r.IntN(applicantSlots))
	if demo {
		s.org = g.home
		s.applicant = g.demoUser.Actor()
		s.person = instruct.Person{Name: g.demoUser.Name, Email: g.demoUser.Email}
	}
	if !demo {
		s.connected()
	}
	s.reviewer = s.pickReviewer()
	return s
}

// communeUseCase picks a use case a commune files, for the demo
// applicant, who works for one.
func (s *story) communeUseCase() *useCase {
	for range 20 {
		uc := s.g.useCase(s.r)
		for _, k := range uc.kinds {
			if k == kindCommune {
				return uc
			}
		}
	}
	return s.uc
}

// pickReviewer picks who decides on the request: an instructor of its
// definition, or an administrator when none holds it.
func (s *story) pickReviewer() instruct.Actor {
	candidates := s.g.reviewers[s.uc.definition]
	if len(candidates) == 0 {
		candidates = s.g.admins
	}
	if len(candidates) == 0 {
		return instruct.Actor{ID: AdminID, Name: "Administrateur"}
	}
	return candidates[s.r.IntN(len(candidates))]
}

// history plans, schedules, fills and replays the story.
func (s *story) history() instruct.History {
	s.status = s.pickStatus()
	s.skeleton()
	s.schedule()
	s.fill()
	h := s.replay()
	s.issue(&h)
	s.reopening(&h)
	s.afterwards(&h)
	return h
}

// pickStatus draws the status the request ends in.
func (s *story) pickStatus() instruct.Status {
	n := s.r.IntN(100)
	for _, w := range []struct {
		status instruct.Status
		weight int
	}{
		{instruct.StatusDraft, 4}, {instruct.StatusSubmitted, 20}, {instruct.StatusChangesRequested, 5},
		{instruct.StatusValidated, 55}, {instruct.StatusRefused, 10}, {instruct.StatusRevoked, 3},
	} {
		if n < w.weight {
			return w.status
		}
		n -= w.weight
	}
	return instruct.StatusArchived
}

// add appends a step.
func (s *story) add(p purpose, kind instruct.Kind, gap time.Duration) {
	s.steps = append(s.steps, step{purpose: p, kind: kind, gap: gap})
}

// between returns a duration in [lo, hi), to the second.
func (s *story) between(lo, hi time.Duration) time.Duration {
	return (lo + time.Duration(s.r.Int64N(int64(hi-lo)))).Truncate(time.Second)
}

// chance reports true with probability percent/100.
func (s *story) chance(percent int) bool { return s.r.IntN(100) < percent }

// skeleton lays out the steps leading to the story's status.
func (s *story) skeleton() {
	archive := s.archivePath()
	s.draft()
	if s.status == instruct.StatusDraft || archive == instruct.StatusDraft {
		s.endDraft(archive)
		return
	}
	s.add(purposeSubmit, instruct.KindSubmit, s.between(time.Hour, 10*day))
	s.maybe(10, purposeAcknowledge, instruct.KindMessage, s.between(2*time.Hour, 4*day))
	s.rounds()
	if s.status == instruct.StatusSubmitted {
		s.maybe(20, purposeNote, instruct.KindNote, s.between(time.Hour, 4*day))
		s.tail = s.wait()
		return
	}
	if s.status == instruct.StatusChangesRequested {
		s.requestChanges(0)
		s.tail = s.between(time.Hour, 60*day)
		return
	}
	s.maybe(20, purposeNote, instruct.KindNote, s.between(time.Hour, 4*day))
	s.decide(archive)
	s.tail = s.between(time.Hour, 400*day)
}

// archivePath returns, for an archived request, the status it was
// archived from.
func (s *story) archivePath() instruct.Status {
	if s.status != instruct.StatusArchived {
		return ""
	}
	switch n := s.r.IntN(10); {
	case n < 4:
		return instruct.StatusDraft
	case n < 8:
		return instruct.StatusRefused
	}
	return instruct.StatusRevoked
}

// draft lays out the creation and the edits before the first submission.
func (s *story) draft() {
	s.add(purposeCreate, instruct.KindCreate, 0)
	complete := s.status != instruct.StatusDraft && s.chance(50)
	if complete {
		return
	}
	s.add(purposeDetails, instruct.KindUpdate, s.between(10*time.Minute, 6*day))
	if s.status != instruct.StatusDraft || s.chance(50) {
		s.add(purposeDeclarations, instruct.KindUpdate, s.between(10*time.Minute, 3*day))
	}
}

// endDraft ends a story that never left the draft: it stays a draft, or
// a reviewer archives it after months without activity.
func (s *story) endDraft(archive instruct.Status) {
	if archive == instruct.StatusDraft {
		s.add(purposeArchive, instruct.KindArchive, s.between(90*day, 200*day))
		s.tail = s.between(time.Hour, 200*day)
		return
	}
	s.tail = s.between(time.Hour, 45*day)
	if s.chance(20) {
		s.tail = s.between(45*day, 200*day)
	}
}

// rounds lays out the requests for changes the applicant answered: about
// one request in nine that reached a decision went through one, a few
// through two.
func (s *story) rounds() {
	if s.status == instruct.StatusChangesRequested || !s.chance(11) {
		return
	}
	n := 1
	if s.chance(15) {
		n = 2
	}
	for k := range n {
		s.requestChanges(k)
		s.add(purposeFix, instruct.KindUpdate, s.between(day, 25*day))
		s.steps[len(s.steps)-1].round = k
		if s.chance(25) {
			s.add(purposeReschedule, instruct.KindUpdate, s.between(10*time.Minute, 2*day))
		}
		s.add(purposeSubmit, instruct.KindSubmit, s.between(10*time.Minute, 3*day))
	}
}

// requestChanges adds a request for changes about defect k, sometimes
// followed by a message.
func (s *story) requestChanges(k int) {
	s.add(purposeRequestChanges, instruct.KindRequestChanges, s.instruction())
	s.steps[len(s.steps)-1].round = k
	s.maybe(25, purposeRemind, instruct.KindMessage, s.between(2*time.Hour, 10*day))
}

// decide lays out the decision and what follows it.
func (s *story) decide(archive instruct.Status) {
	switch {
	case s.status == instruct.StatusRefused || archive == instruct.StatusRefused:
		s.add(purposeRefuse, instruct.KindRefuse, s.instruction())
	default:
		s.add(purposeApprove, instruct.KindApprove, s.instruction())
		s.maybe(10, purposeNote, instruct.KindNote, s.between(time.Hour, 10*day))
	}
	if s.status == instruct.StatusRevoked || archive == instruct.StatusRevoked {
		s.add(purposeRevoke, instruct.KindRevoke, s.between(30*day, 300*day))
	}
	if archive != "" {
		s.add(purposeArchive, instruct.KindArchive, s.between(30*day, 150*day))
	}
}

// maybe adds a step with probability percent/100.
func (s *story) maybe(percent int, p purpose, kind instruct.Kind, gap time.Duration) {
	if s.chance(percent) {
		s.add(p, kind, gap)
	}
}

// instruction returns how long a reviewer took to decide.
func (s *story) instruction() time.Duration {
	switch n := s.r.IntN(100); {
	case n < 70:
		return s.between(4*time.Hour, 20*day)
	case n < 95:
		return s.between(20*day, 45*day)
	}
	return s.between(45*day, 90*day)
}

// wait returns how long a submitted request has been waiting: mostly
// days, one in eight more than 40 days.
func (s *story) wait() time.Duration {
	switch n := s.r.IntN(100); {
	case n < 55:
		return s.between(time.Hour, 14*day)
	case n < 80:
		return s.between(14*day, 30*day)
	case n < 88:
		return s.between(30*day, 40*day)
	}
	return s.between(40*day, 120*day)
}

// schedule dates the steps between a creation date and now: the age is
// the sum of the gaps and the tail, kept between two days and 18 months
// (a submitted request keeps its waiting time), then each event moves to
// office hours of its day, in order.
func (s *story) schedule() {
	var sum time.Duration
	for _, st := range s.steps {
		sum += st.gap
	}
	if age := sum + s.tail; age > maxAge {
		f := float64(maxAge) / float64(age)
		if s.status == instruct.StatusSubmitted {
			f = float64(maxAge-s.tail) / float64(sum)
		} else {
			s.tail = time.Duration(float64(s.tail) * f).Truncate(time.Second)
		}
		sum = s.scale(f)
	}
	if sum+s.tail < minAge {
		s.tail += minAge - (sum + s.tail) + s.between(time.Minute, 12*time.Hour)
	}
	at := s.g.now.Add(-(sum + s.tail))
	s.times = make([]time.Time, len(s.steps))
	for i, st := range s.steps {
		at = at.Add(st.gap)
		s.times[i] = at
	}
	s.officeHours()
	s.created = s.times[0]
}

// scale multiplies every gap by f, keeping at least a minute, and returns
// their new sum.
func (s *story) scale(f float64) time.Duration {
	var sum time.Duration
	for i := range s.steps {
		if i > 0 {
			s.steps[i].gap = max(time.Minute, time.Duration(float64(s.steps[i].gap)*f).Truncate(time.Second))
		}
		sum += s.steps[i].gap
	}
	return sum
}

// officeHours moves each event to between 7:00 and 18:00 UTC of its day
// (reviewers' events to the next Monday when they fall on a weekend),
// keeping the events in order and before now.
func (s *story) officeHours() {
	for i, t := range s.times {
		day := time.Date(t.Year(), t.Month(), t.Day(), 7, 0, 0, 0, time.UTC)
		if s.actor(s.steps[i].kind).ID != s.applicant.ID {
			switch t.Weekday() {
			case time.Saturday:
				day = day.AddDate(0, 0, 2)
			case time.Sunday:
				day = day.AddDate(0, 0, 1)
			}
		}
		moved := day.Add(s.between(0, 11*time.Hour))
		if i > 0 && !moved.After(s.times[i-1]) {
			moved = s.times[i-1].Add(s.between(2*time.Minute, 2*time.Hour))
		}
		if i > 0 && moved.After(s.g.now) {
			moved = s.times[i-1].Add(s.g.now.Sub(s.times[i-1]) / 2).Truncate(time.Second)
		}
		s.times[i] = moved
	}
}

// replay applies the steps to an empty request and records the events:
// statuses follow instruct.Transition, versions count the changes, and a
// submission after a request for changes carries the diff since.
func (s *story) replay() instruct.History {
	req := instruct.Request{ID: s.id}
	events := make([]instruct.Event, 0, len(s.steps))
	var since instruct.Diff
	for i, st := range s.steps {
		at := s.times[i]
		e := instruct.Event{RequestID: s.id, Kind: st.kind, Actor: s.actor(st.kind), Comment: st.comment, At: at}
		since = s.apply(&req, st, &e, since)
		if i > 0 {
			next, err := instruct.Transition(req.Status, st.kind)
			if err != nil {
				panic(fmt.Sprintf("demo: %s: invalid story step %s: %v", s.id, st.kind, err))
			}
			req.Status = next
		}
		if st.kind.ChangesVersion() {
			req.Version++
		}
		events = append(events, e)
	}
	req.UpdatedAt = s.times[len(s.times)-1]
	return instruct.History{Request: req, CreatedBy: s.applicant.ID, Events: events}
}

// apply changes req for step st, fills the diff of event e, and returns
// the diff accumulated since the last request for changes (nil outside a
// round of changes).
func (s *story) apply(req *instruct.Request, st step, e *instruct.Event, since instruct.Diff) instruct.Diff {
	switch st.kind {
	case instruct.KindCreate:
		st.patch.Apply(req)
		req.Status, req.CreatedAt = instruct.StatusDraft, e.At
	case instruct.KindUpdate:
		e.Diff = st.patch.Apply(req)
		if since != nil {
			merge(since, e.Diff)
		}
	case instruct.KindSubmit:
		if len(since) > 0 {
			e.Diff = since
		}
		req.SubmittedAt, req.DecidedAt = &e.At, nil
		return nil
	case instruct.KindRequestChanges:
		since = instruct.Diff{}
	}
	if st.kind.IsDecision() {
		req.DecidedAt = &e.At
	}
	return since
}

// merge adds the changes of d to acc: a field keeps its oldest value and
// takes its newest, and leaves acc when it is back where it was.
func merge(acc, d instruct.Diff) {
	for field, change := range d {
		if prev, ok := acc[field]; ok {
			change[0] = prev[0]
		}
		if equalValues(change[0], change[1]) {
			delete(acc, field)
			continue
		}
		acc[field] = change
	}
}

// actor returns who does a step of kind k: the applicant creates, edits
// and submits; the reviewer does everything else.
func (s *story) actor(k instruct.Kind) instruct.Actor {
	switch k {
	case instruct.KindCreate, instruct.KindUpdate, instruct.KindSubmit:
		return s.applicant
	}
	return s.reviewer
}
