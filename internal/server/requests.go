package server

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// Page sizes of GET /requests.
const (
	defaultListLimit = 100
	maxListLimit     = 1000
)

// getRequest answers GET /requests/{id} with the request and its ETag;
// a matching If-None-Match gets 304.
func (s *Server) getRequest(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	req, _, err := s.review.Visible(r.Context(), u, id)
	if err != nil {
		return err
	}
	tag := etag(req.Version)
	w.Header().Set(api.HeaderETag, tag)
	if strings.TrimPrefix(r.Header.Get("If-None-Match"), "W/") == tag {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	writeJSON(w, http.StatusOK, withEmptySlices(req))
	return nil
}

// requestEvents answers GET /requests/{id}/events, oldest first, without
// internal notes for applicants.
func (s *Server) requestEvents(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	events, err := s.review.Events(r.Context(), u, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.EventList{Events: events})
	return nil
}

// pathRequestID reads the {id} of a request's path as a person may type
// it (D1042 or 1042); anything else is not_found.
func pathRequestID(r *http.Request) (instruct.RequestID, error) {
	return instruct.ParseRequestIDInput(r.PathValue("id"))
}

// listRequests answers GET /requests: a keyset page of what u may see.
func (s *Server) listRequests(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	q, err := listQuery(r.URL.Query())
	if err != nil {
		return malformed(err)
	}
	limit := q.Limit
	q.Limit++
	reqs, err := s.review.List(r.Context(), u, q)
	if err != nil {
		return err
	}
	shown := make([]instruct.Request, 0, min(len(reqs), limit))
	for _, req := range reqs[:min(len(reqs), limit)] {
		shown = append(shown, withEmptySlices(req))
	}
	return writeKeysetPage(w, "requests", shown, len(reqs),
		func(r instruct.Request) int64 { return int64(r.ID) })
}

// listQuery reads the query of GET /requests; status and definition may
// be repeated or comma-separated.
func listQuery(v url.Values) (instruct.ListQuery, error) {
	var q instruct.ListQuery
	for _, s := range splitValues(v["status"]) {
		if !instruct.Status(s).Valid() {
			return q, instruct.Errorf(instruct.CodeInvalid, "status %q is not a known status", cells.Truncate(s, 40))
		}
		q.Statuses = append(q.Statuses, instruct.Status(s))
	}
	q.Definitions = splitValues(v["definition"])
	q.Text = strings.TrimSpace(v.Get("q"))
	if len(q.Text) > 200 {
		return q, instruct.Errorf(instruct.CodeInvalid, "q is over 200 characters")
	}
	var err error
	if q.After, err = parseSeq(v.Get("after")); err != nil {
		return q, err
	}
	q.Limit, err = parseLimit(v.Get("limit"), defaultListLimit, maxListLimit)
	return q, err
}

func splitValues(vs []string) []string {
	var out []string
	for _, v := range vs {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// withEmptySlices makes nil lists of req encode as [] rather than null.
func withEmptySlices(req instruct.Request) instruct.Request {
	if req.Contacts == nil {
		req.Contacts = []instruct.Contact{}
	}
	if req.Scopes == nil {
		req.Scopes = []string{}
	}
	if req.Documents == nil {
		req.Documents = []instruct.Document{}
	}
	return req
}
