package server

import (
	"context"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// openAPIDoc is the part of the OpenAPI document the tests read.
type openAPIDoc struct {
	OpenAPI    string                                `json:"openapi"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		Schemas map[string]struct {
			Properties map[string]json.RawMessage `json:"properties"`
			Enum       []string                   `json:"enum"`
		} `json:"schemas"`
	} `json:"components"`
}

func readOpenAPI(t *testing.T, body []byte) openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi = %q, want 3.1.0", doc.OpenAPI)
	}
	return doc
}

// documentedOperations returns "METHOD /path" for every operation.
func documentedOperations(doc openAPIDoc) []string {
	var ops []string
	for path, item := range doc.Paths {
		for method := range item {
			if method != "parameters" {
				ops = append(ops, strings.ToUpper(method)+" "+path)
			}
		}
	}
	sort.Strings(ops)
	return ops
}

// TestOpenAPIMatchesRoutes: the served document lists exactly the
// routes the server registers.
func TestOpenAPIMatchesRoutes(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	res := c.reporter.do("GET", "/openapi.json", nil)
	doc := readOpenAPI(t, decodeAs[json.RawMessage](t, res, http.StatusOK))
	problem(t, (&caller{env: e}).do("GET", "/openapi.json", nil), http.StatusUnauthorized, instruct.CodeUnauthorized)
	var registered []string
	for _, rt := range e.server.routes() {
		registered = append(registered, rt.pattern())
	}
	sort.Strings(registered)
	if diff := cmp.Diff(registered, documentedOperations(doc)); diff != "" {
		t.Errorf("routes (-registered +documented):\n%s", diff)
	}
}

// TestOpenAPIOperationsAnswer: every documented operation reaches its
// handler (the mux neither 404s nor 405s it).
func TestOpenAPIOperationsAnswer(t *testing.T) {
	e := newEnv(t)
	c := newCast(e)
	r := c.applicant.submitted("api_particulier", "Cantine")
	approved := decodeAs[api.DecisionResult](t, c.instructor.decide(r.ID.String(), r.Version, instruct.KindApprove, ""), http.StatusCreated)
	file := c.applicant.attach(c.applicant.draft("api_particulier", "Pièces"), "délibération.pdf", textPDF("Délibération"))
	doc := readOpenAPI(t, openAPIDocument)
	for _, op := range documentedOperations(doc) {
		method, path, _ := strings.Cut(op, " ")
		id := r.ID.String()
		switch {
		case strings.HasPrefix(path, api.BasePath+"/habilitations/"):
			id = approved.Event.HabilitationID.String()
		case strings.HasPrefix(path, api.BasePath+"/documents/"):
			id = file.ID
		}
		path = strings.ReplaceAll(path, "{id}", id)
		path = strings.ReplaceAll(path, "{doc}", file.ID)
		req := e.newRequest(method, strings.TrimPrefix(path, api.BasePath), nil)
		if _, pattern := e.server.mux.Handler(req); pattern == "" {
			t.Errorf("%s: no route matches %s", op, path)
		}
		if status := answerStatus(t, e, c.admin, req); status == http.StatusNotFound || status == http.StatusMethodNotAllowed {
			t.Errorf("%s %s = %d, want its handler's answer", method, path, status)
		}
	}
}

// answerStatus sends req as c and returns the status, closing at once
// (the event stream never ends by itself).
func answerStatus(t *testing.T, e *testEnv, c *caller, req *http.Request) int {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req = req.WithContext(ctx)
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := e.http.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestOpenAPISchemas: each schema has exactly the JSON fields of the
// wire type it describes, and the problem codes are all documented.
func TestOpenAPISchemas(t *testing.T) {
	doc := readOpenAPI(t, openAPIDocument)
	types := map[string]any{
		"Request": instruct.Request{}, "RequestPatch": instruct.RequestPatch{}, "Organization": instruct.Organization{},
		"Person": instruct.Person{}, "Contact": instruct.Contact{}, "LegalBasis": instruct.LegalBasis{},
		"Event": instruct.Event{}, "Actor": instruct.Actor{}, "Definition": instruct.Definition{},
		"Scope": instruct.Scope{}, "Template": instruct.Template{}, "Grant": instruct.Grant{}, "Me": api.Me{}, "MePatch": api.MePatch{},
		"Delivery": instruct.Delivery{}, "DeliveryList": api.DeliveryList{},
		"FeedItem": instruct.FeedItem{}, "AuditEntry": instruct.AuditEntry{}, "Problem": api.Problem{},
		"Health": api.Health{}, "DefinitionList": api.DefinitionList{}, "RequestList": api.RequestList{},
		"EventList": api.EventList{}, "ChangesPage": api.ChangesPage{}, "StreamChange": api.StreamChange{},
		"DecisionInput": api.DecisionInput{}, "DecisionResult": api.DecisionResult{}, "NoteInput": api.NoteInput{},
		"NoteResult": api.NoteResult{}, "MessageInput": api.MessageInput{}, "AuditPage": api.AuditPage{},
		"Claim": instruct.Claim{}, "ClaimInput": api.ClaimInput{}, "ClaimResult": api.ClaimResult{},
		"Habilitation": instruct.Habilitation{}, "Check": instruct.Check{}, "HabilitationList": api.HabilitationList{},
		"RevokeInput": api.RevokeInput{}, "HabilitationResult": api.HabilitationResult{}, "TransferInput": api.TransferInput{},
		"Document": instruct.Document{}, "DocumentResult": api.DocumentResult{},
		"StatsReport": api.StatsReport{}, "StatsFigures": api.StatsFigures{}, "StatsPercentiles": api.StatsPercentiles{},
		"StatsWeek": api.StatsWeek{},
	}
	for name, v := range types {
		schema, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("schema %s is missing", name)
			continue
		}
		var props []string
		for p := range schema.Properties {
			props = append(props, p)
		}
		sort.Strings(props)
		if diff := cmp.Diff(jsonFields(reflect.TypeOf(v)), props); diff != "" {
			t.Errorf("schema %s (-Go fields +documented):\n%s", name, diff)
		}
	}
	codes := doc.Components.Schemas["Problem"].Properties["code"]
	for _, code := range []instruct.Code{"invalid", "unauthorized", "forbidden", "not_found", "in_flight", "cursor_expired",
		"stale_version", "too_large", "comment_required", "invalid_transition", "idempotency_key_reused",
		"precondition_required", "rate_limited", "internal", "unavailable", "claimed", "unsupported_media_type"} {
		if !strings.Contains(string(codes), `"`+string(code)+`"`) {
			t.Errorf("problem code %s is not documented", code)
		}
	}
	for _, s := range instruct.Statuses() {
		if !slices.Contains(doc.Components.Schemas["Status"].Enum, string(s)) {
			t.Errorf("status %s is not documented", s)
		}
	}
}

// jsonFields returns the sorted JSON names of a struct's fields.
func jsonFields(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if name != "-" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
