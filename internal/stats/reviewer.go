package stats

import (
	"cmp"
	"math"
	"slices"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Decided returns how many decisions (approve, refuse, request changes,
// revoke, archive) actor made within [from, to), in Unix microseconds,
// on the requests of hs whose definition keep accepts (nil: all).
func Decided(hs []History, actor string, from, to int64, keep func(def string) bool) int {
	n := 0
	for i := range hs {
		if keep != nil && !keep(hs[i].Definition) {
			continue
		}
		for _, m := range hs[i].Marks {
			if m.Actor == actor && m.Kind.IsDecision() && m.At >= from && m.At < to {
				n++
			}
		}
	}
	return n
}

// Wait is a request waiting for a reviewer, since its last submission.
type Wait struct {
	Request    instruct.RequestID
	Definition string
	// Since is when it was submitted, in Unix microseconds.
	Since int64
}

// Longest returns, longest first, the n requests of hs that wait for a
// reviewer the longest (since the submission that put them in the
// backlog), among those whose definition keep accepts (nil: all). Ties
// go to the lower request number.
func Longest(hs []History, n int, keep func(def string) bool) []Wait {
	var top []Wait
	for i := range hs {
		h := &hs[i]
		if keep != nil && !keep(h.Definition) {
			continue
		}
		eachWait(h.Marks, func(in, out int64) {
			if out == math.MaxInt64 {
				top = insertWait(top, Wait{Request: h.Request, Definition: h.Definition, Since: in}, n)
			}
		})
	}
	return top
}

// insertWait puts w in top, kept sorted longest first and at most n long.
func insertWait(top []Wait, w Wait, n int) []Wait {
	if n <= 0 || (len(top) == n && !waitsLonger(w, top[n-1])) {
		return top
	}
	i, _ := slices.BinarySearchFunc(top, w, func(a, b Wait) int {
		if waitsLonger(a, b) {
			return -1
		}
		return 1
	})
	top = slices.Insert(top, i, w)
	return top[:min(len(top), n)]
}

func waitsLonger(a, b Wait) bool {
	if c := cmp.Compare(a.Since, b.Since); c != 0 {
		return c < 0
	}
	return a.Request < b.Request
}
