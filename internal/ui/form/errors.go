package form

import (
	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/ui/i18n"
)

// ErrorText says in plain words why a decision of kind k was refused,
// matching err by its code; status is the request's status as the reviewer
// sees it, for invalid transitions. The error's own text is never shown:
// it is in English, and may quote what the server sent; the log has it.
func ErrorText(msgs *i18n.Messages, k instruct.Kind, err error, status instruct.Status) string {
	switch instruct.ErrorCode(err) {
	case instruct.CodeCommentRequired:
		return msgs.ErrComment(k)
	case instruct.CodeInvalidTransition:
		if _, terr := instruct.Transition(status, k); status != "" && terr != nil {
			return msgs.ErrTransition(k, status)
		}
	case instruct.CodeNotFound:
		return msgs.ErrNotFound
	}
	switch f := instruct.FaultOf(err); f {
	case instruct.FaultDiskFull:
		return msgs.ErrOther(msgs.Fault(f))
	case instruct.FaultCacheDamaged:
		return msgs.ErrOther(msgs.CacheRepairing)
	}
	return msgs.ErrOther(msgs.ErrCode(instruct.ErrorCode(err)))
}
