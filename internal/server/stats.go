package server

import (
	"net/http"

	"github.com/instruct-dev/instruct/internal/instruct"
	"github.com/instruct-dev/instruct/internal/review"
)

// stats answers GET /stats?definition=&from=&to=: DataPass's statistics
// of the definitions the caller sees (reviewers only).
func (s *Server) stats(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	v := r.URL.Query()
	report, err := s.review.Stats(r.Context(), u, review.StatsQuery{
		Definition: v.Get("definition"), From: v.Get("from"), To: v.Get("to"),
	})
	if err != nil {
		return malformed(err)
	}
	writeJSON(w, http.StatusOK, report)
	return nil
}
