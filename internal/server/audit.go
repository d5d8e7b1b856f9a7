package server

import (
	"net/http"
	"strconv"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// Page sizes of the audit log.
const (
	defaultAuditLimit = 100
	maxAuditLimit     = 1000
)

// audit answers GET /audit, for administrators: a page of the
// hash-chained event log after seq `after`.
func (s *Server) audit(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	if !u.IsAdmin() {
		return instruct.Errorf(instruct.CodeForbidden, "the audit log is for administrators")
	}
	q := r.URL.Query()
	after, err := parseSeq(q.Get("after"))
	if err != nil {
		return malformed(err)
	}
	limit, err := parseLimit(q.Get("limit"), defaultAuditLimit, maxAuditLimit)
	if err != nil {
		return malformed(err)
	}
	entries, err := s.store.Audit(r.Context(), after, limit+1)
	if err != nil {
		return err
	}
	page := api.AuditPage{Entries: entries[:min(len(entries), limit)]}
	if len(entries) > limit {
		next := strconv.FormatInt(page.Entries[limit-1].Seq, 10)
		page.Next = &next
	}
	if page.Entries == nil {
		page.Entries = []instruct.AuditEntry{}
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}
