package server

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// Page sizes of GET /requests.
const (
	defaultListLimit = 100
	maxListLimit     = 1000
)

// visible loads request id as u may see it, with its creator: not_found
// when it doesn't exist or u may not see it, the same answer either way.
func (s *Server) visible(ctx context.Context, u instruct.User, id string) (instruct.Request, string, error) {
	n, err := instruct.ParseRequestID(id)
	if err != nil {
		return instruct.Request{}, "", err
	}
	req, createdBy, err := s.store.Request(ctx, n)
	if instruct.ErrorCode(err) == instruct.CodeNotFound || (err == nil && !u.Viewer().Sees(req, createdBy)) {
		return instruct.Request{}, "", notFound(id)
	}
	return req, createdBy, err
}

func notFound(id string) error {
	return instruct.Errorf(instruct.CodeNotFound, "no request %s", clip(id, 40))
}

// getRequest answers GET /requests/{id} with the request and its ETag;
// a matching If-None-Match gets 304.
func (s *Server) getRequest(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	req, _, err := s.visible(r.Context(), u, r.PathValue("id"))
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
	req, _, err := s.visible(r.Context(), u, r.PathValue("id"))
	if err != nil {
		return err
	}
	n, _ := instruct.ParseRequestID(req.ID)
	events, err := s.store.Events(r.Context(), n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.EventList{Events: eventsFor(u, events)})
	return nil
}

// eventsFor returns the events u may read: all for reviewers, all but
// internal notes for applicants; never nil.
func eventsFor(u instruct.User, events []instruct.Event) []instruct.Event {
	out := make([]instruct.Event, 0, len(events))
	for _, e := range events {
		if e.Kind != instruct.KindNote || u.IsReviewer() {
			out = append(out, e)
		}
	}
	return out
}

// listRequests answers GET /requests: a keyset page of what u may see.
func (s *Server) listRequests(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	q, err := listQuery(r.URL.Query())
	if err != nil {
		return malformed(err)
	}
	q.Viewer = u.Viewer()
	limit := q.Limit
	q.Limit++
	reqs, err := s.store.Requests(r.Context(), q)
	if err != nil {
		return err
	}
	page := api.RequestList{Requests: make([]instruct.Request, 0, min(len(reqs), limit))}
	for _, req := range reqs[:min(len(reqs), limit)] {
		page.Requests = append(page.Requests, withEmptySlices(req))
	}
	if len(reqs) > limit {
		n, _ := instruct.ParseRequestID(page.Requests[limit-1].ID)
		next := strconv.FormatInt(n, 10)
		page.Next = &next
	}
	writeJSON(w, http.StatusOK, page)
	return nil
}

// listQuery reads the query of GET /requests; status and definition may
// be repeated or comma-separated.
func listQuery(v url.Values) (instruct.ListQuery, error) {
	var q instruct.ListQuery
	for _, s := range splitValues(v["status"]) {
		if !instruct.Status(s).Valid() {
			return q, instruct.Errorf(instruct.CodeInvalid, "status %q is not a known status", clip(s, 40))
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
	return req
}
