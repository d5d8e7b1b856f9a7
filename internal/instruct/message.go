package instruct

import "unicode/utf8"

// MaxApplicantMessages bounds what an applicant may write on one
// request: they may add a message while it holds fewer messages (theirs
// and the reviewers') than this, so that reviewers keep room in its
// history (MaxEventsPerRequest) for their decisions, notes and messages,
// which this bound never stops.
const MaxApplicantMessages = 100

// CheckMessage validates the body of an applicant's message: it must say
// something (not IsBlank: comment_required) and hold at most
// MaxCommentLength characters (too_large, as every text an applicant
// sends past its bound).
func CheckMessage(body string) error {
	if IsBlank(body) {
		return Errorf(CodeCommentRequired, "a message must say something; one made only of spaces or invisible characters is none")
	}
	if n := utf8.RuneCountInString(body); n > MaxCommentLength {
		return Errorf(CodeTooLarge, "the message is %d characters long, the limit is %d", n, MaxCommentLength)
	}
	return nil
}

// ReviewersOnly reports whether events of kind k are the reviewers' own
// business, which applicants never read nor hear of, not even when they
// happen: internal notes, claims and releases.
func (k Kind) ReviewersOnly() bool { return k == KindNote || k.IsClaim() }

// ReviewersOnlyKinds returns the kinds for which ReviewersOnly is true.
func ReviewersOnlyKinds() []Kind { return []Kind{KindNote, KindClaim, KindRelease} }
