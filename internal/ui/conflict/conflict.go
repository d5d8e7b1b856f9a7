// Package conflict draws what the reviewer must know about a decision the
// server did not apply: in a conflict, what happened to the request first
// (who decided what, with their comment); when rejected, why, in the
// reviewer's words from the server's error code. Both say how to discard
// the decision or decide again.
package conflict

import (
	"strings"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/frame"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
	"github.com/instruct-dev/instruct/internal/ui/theme"
	"github.com/instruct-dev/instruct/internal/ui/timeline"
)

// maxCommentLines caps each comment shown, so the box leaves room for the
// request.
const maxCommentLines = 3

// Needs reports whether op is one the reviewer must look at here: a
// rejection, or a decision in conflict (a claim another reviewer took
// first is a question C asks instead).
func Needs(op instruct.Operation) bool {
	return (op.State == instruct.OpConflict && !op.Kind.IsClaim()) || op.State == instruct.OpRejected
}

// View draws op in a box w cells wide and at most maxH lines high. op and
// its conflict are already sanitised.
func View(op instruct.Operation, msgs *i18n.Messages, th *theme.Theme, w, maxH int) []string {
	body := Body(op, msgs, th, w-2)
	title := "! " + msgs.ConflictTitle + " · " + msgs.ZoneNote(msgs.Zone)
	if op.State == instruct.OpRejected {
		title = "✗ " + msgs.RejectedTitle
	}
	h := min(len(body)+2, maxH)
	st := th.Box(true)
	st.Line, st.Title = th.Conflict, th.Conflict
	if h < len(body)+2 && h >= 3 {
		body = append(body[:h-3], body[len(body)-1])
	}
	return frame.Box(st, title, "", body, w, h)
}

// Body returns the lines inside the box, wrapped to w cells.
func Body(op instruct.Operation, msgs *i18n.Messages, th *theme.Theme, w int) []string {
	var lines []string
	if op.State == instruct.OpRejected {
		why := msgs.RejectedWhy(op.ReasonCode, op.RequestID.String())
		if op.Kind == instruct.KindTransfer && op.ReasonCode == instruct.CodeInvalid {
			why = msgs.Life(nil).UnknownEmail(op.To)
		}
		lines = frame.Wrap(why, w)
		return append(lines, th.Key.Paint(frame.Fit(msgs.RejectedHint, w)))
	}
	lines = frame.Wrap(msgs.YourDecision(op.Kind), w)
	if op.Conflict != nil {
		for _, e := range op.Conflict.EventsSince {
			lines = append(lines, event(e, msgs, th, w)...)
		}
	}
	return append(lines, th.Key.Paint(frame.Fit(msgs.ConflictHint, w)))
}

// event draws one thing that happened first: who did it, when, and the
// start of their comment.
func event(e instruct.Event, msgs *i18n.Messages, th *theme.Theme, w int) []string {
	head := msgs.Happened(msgs.Who(e.Actor), e.Kind, msgs.Stamp(e.At))
	lines := []string{th.Title.Paint(frame.Fit("• "+head, w))}
	if strings.TrimSpace(e.Comment) == "" && e.Kind != instruct.KindNote {
		return lines
	}
	comment := frame.Indent("  ", msgs.Quote(e.Comment), w)
	if e.Kind == instruct.KindNote {
		comment = timeline.Internal(e.Comment, msgs, th, w)
	}
	if len(comment) > maxCommentLines {
		comment = append(comment[:maxCommentLines-1], frame.Fit(comment[maxCommentLines-1], w-1)+frame.Ellipsis)
	}
	return append(lines, comment...)
}
