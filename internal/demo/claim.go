package demo

import (
	"time"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// afterwards adds what happens after a story's last step, so that the
// queue's marks show in the demo: a reviewer of the API has taken about a
// third of the requests waiting for a decision, and the applicant has
// answered about a third of the requests for changes by a message. Both
// leave the version as it is.
func (s *story) afterwards(h *instruct.History) {
	last := h.Events[len(h.Events)-1].At
	at := last.Add(s.between(0, max(s.tail, time.Minute)) / 2).Truncate(time.Minute)
	if !at.After(last) || at.After(s.g.now) {
		at = last.Add(time.Second)
	}
	if at.After(s.g.now) {
		return // the story ends now: nothing after it
	}
	switch h.Request.Status {
	case instruct.StatusSubmitted:
		if s.chance(30) {
			holder := s.pickReviewer()
			h.Events = append(h.Events, instruct.Event{RequestID: s.id, Kind: instruct.KindClaim, Actor: holder, At: at})
			h.Request.Claim = &instruct.Claim{User: holder, At: at}
		}
	case instruct.StatusChangesRequested:
		if s.chance(35) {
			answers := s.g.texts.answers
			h.Events = append(h.Events, instruct.Event{RequestID: s.id, Kind: instruct.KindMessage,
				Actor: s.applicant, Comment: answers[s.r.IntN(len(answers))], FromApplicant: true, At: at})
		}
	}
}
