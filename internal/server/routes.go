package server

import (
	"cmp"
	"net/http"

	"github.com/instruct-dev/instruct/internal/api"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// handlerFunc serves one authenticated endpoint for user u; an error it
// returns is answered as a problem.
type handlerFunc func(w http.ResponseWriter, r *http.Request, u instruct.User) error

// route is one endpoint: its ServeMux pattern, whether it needs no token,
// and its handler.
type route struct {
	method  string
	path    string
	public  bool
	handler handlerFunc
	// maxBody bounds the request's body; 0 means maxBodyBytes.
	maxBody int64
}

// pattern returns the ServeMux pattern of the route.
func (rt route) pattern() string { return rt.method + " " + rt.path }

// routes is the one table of every endpoint, which the mux registers and
// the OpenAPI test checks against openapi.json.
func (s *Server) routes() []route {
	const v1 = "/api/v1"
	return []route{
		{method: "GET", path: "/healthz", public: true, handler: s.health},
		{method: "GET", path: v1 + "/openapi.json", handler: s.openAPI},
		{method: "GET", path: v1 + "/me", handler: s.me},
		{method: "PATCH", path: v1 + "/me", handler: s.patchMe},
		{method: "GET", path: v1 + "/definitions", handler: s.definitions},
		{method: "GET", path: v1 + "/requests", handler: s.listRequests},
		{method: "POST", path: v1 + "/requests", handler: s.createRequest},
		{method: "GET", path: v1 + "/requests/{id}", handler: s.getRequest},
		{method: "PATCH", path: v1 + "/requests/{id}", handler: s.patchRequest},
		{method: "POST", path: v1 + "/requests/{id}/submit", handler: s.submitRequest},
		{method: "GET", path: v1 + "/requests/{id}/events", handler: s.requestEvents},
		{method: "GET", path: v1 + "/requests/{id}/deliveries", handler: s.requestDeliveries},
		{method: "POST", path: v1 + "/requests/{id}/decisions", handler: s.decide},
		{method: "POST", path: v1 + "/requests/{id}/notes", handler: s.note},
		{method: "POST", path: v1 + "/requests/{id}/messages", handler: s.message},
		{method: "POST", path: v1 + "/requests/{id}/claim", handler: s.claim},
		{method: "DELETE", path: v1 + "/requests/{id}/claim", handler: s.release},
		{method: "POST", path: v1 + "/requests/{id}/reopen", handler: s.reopenRequest},
		{method: "POST", path: v1 + "/requests/{id}/cancel_reopening", handler: s.cancelReopening},
		{method: "POST", path: v1 + "/requests/{id}/transfer", handler: s.transferRequest},
		{method: "GET", path: v1 + "/habilitations", handler: s.listHabilitations},
		{method: "GET", path: v1 + "/habilitations/{id}", handler: s.getHabilitation},
		{method: "POST", path: v1 + "/habilitations/{id}/revoke", handler: s.revokeHabilitation},
		{method: "POST", path: v1 + "/requests/{id}/documents", handler: s.uploadDocument, maxBody: api.MaxUploadBytes},
		{method: "DELETE", path: v1 + "/requests/{id}/documents/{doc}", handler: s.deleteDocument},
		{method: "GET", path: v1 + "/documents/{id}", handler: s.getDocument},
		{method: "GET", path: v1 + "/documents/{id}/text", handler: s.getDocumentText},
		{method: "GET", path: v1 + "/changes", handler: s.changes},
		{method: "GET", path: v1 + "/stream", handler: s.stream},
		{method: "GET", path: v1 + "/audit", handler: s.audit},
		{method: "GET", path: v1 + "/stats", handler: s.stats},
	}
}

// newMux registers every route, each wrapped by endpoint.
func (s *Server) newMux() *http.ServeMux {
	mux := http.NewServeMux()
	for _, rt := range s.routes() {
		mux.Handle(rt.pattern(), s.endpoint(rt))
	}
	return mux
}

// endpoint wraps a route's handler: it records the route for the log,
// bounds the body, authenticates, applies the rate limit, and answers
// the handler's error as a problem.
func (s *Server) endpoint(rt route) http.Handler {
	pattern := rt.pattern()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		exchangeOf(r.Context()).route = pattern
		r.Body = http.MaxBytesReader(w, r.Body, cmp.Or(rt.maxBody, maxBodyBytes))
		u, err := s.admit(r, rt.public)
		if err == nil {
			err = rt.handler(w, r, u)
		}
		if err != nil {
			s.fail(w, r, err)
		}
	})
}
