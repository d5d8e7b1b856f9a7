package server

import (
	"net/http"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// requestDeliveries answers GET /requests/{id}/deliveries: the mails and
// webhook calls of the request, for its reviewers.
func (s *Server) requestDeliveries(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	id, err := pathRequestID(r)
	if err != nil {
		return err
	}
	ds, err := s.review.Deliveries(r.Context(), u, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.DeliveryList{Deliveries: ds})
	return nil
}

// patchMe answers PATCH /me: records the caller's choice of mails and
// answers as GET /me does.
func (s *Server) patchMe(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	in, err := decodeJSON[api.MePatch](r.Body)
	if err != nil {
		return err
	}
	choices, err := s.review.SetNotifications(r.Context(), u, in.Notifications)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, meOf(u, choices))
	return nil
}

// meOf returns the answer of /me for u with their choices of mails.
func meOf(u instruct.User, choices map[string]bool) api.Me {
	if u.Roles == nil {
		u.Roles = []instruct.Grant{}
	}
	return api.Me{ID: u.ID, Name: u.Name, Email: u.Email, Roles: u.Roles, Notifications: choices}
}
