package server

import (
	"context"
	_ "embed"
	"net/http"
	"time"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// openAPIDocument is the hand-written OpenAPI 3.1 description of the API,
// served at /api/v1/openapi.json to authenticated callers like every
// other endpoint but /healthz (API.md).
//
//go:embed openapi.json
var openAPIDocument []byte

// healthTimeout bounds the database check of /healthz.
const healthTimeout = 2 * time.Second

// health answers /healthz: ok when the database answers and can write
// (as far as the storage can tell), else unavailable with the reason.
func (s *Server) health(w http.ResponseWriter, r *http.Request, _ instruct.User) error {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	if _, err := s.store.LastSeq(ctx); err != nil {
		s.log.ErrorContext(ctx, "health check", "request_id", exchangeOf(ctx).id, "error", err.Error())
		return instruct.Errorf(instruct.CodeUnavailable, "the database does not answer")
	}
	if wc, ok := s.store.(WriteChecker); ok {
		if err := wc.CanWrite(ctx); err != nil {
			return instruct.Errorf(instruct.CodeUnavailable, "the server cannot write: %s", instruct.ErrorMessage(err))
		}
	}
	writeJSON(w, http.StatusOK, api.Health{Status: "ok"})
	return nil
}

// openAPI serves the OpenAPI description.
func (s *Server) openAPI(w http.ResponseWriter, _ *http.Request, _ instruct.User) error {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPIDocument)
	return nil
}

// me answers who the caller is, with their roles and their choice of
// mails.
func (s *Server) me(w http.ResponseWriter, r *http.Request, u instruct.User) error {
	choices, err := s.review.Notifications(r.Context(), u)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, meOf(u, choices))
	return nil
}

// definitions serves the API catalogue.
func (s *Server) definitions(w http.ResponseWriter, _ *http.Request, _ instruct.User) error {
	defs := make([]instruct.Definition, len(s.catalogue))
	for i, d := range s.catalogue {
		defs[i] = withEmptyLists(d)
	}
	writeJSON(w, http.StatusOK, api.DefinitionList{Definitions: defs})
	return nil
}

// withEmptyLists makes nil lists of d encode as [] rather than null.
func withEmptyLists(d instruct.Definition) instruct.Definition {
	if d.Scopes == nil {
		d.Scopes = []instruct.Scope{}
	}
	if d.Templates == nil {
		d.Templates = []instruct.Template{}
	}
	return d
}
