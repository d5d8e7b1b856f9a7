package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/cells"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// Health checks that the server answers /healthz with status ok.
func (c *Client) Health(ctx context.Context) error {
	ans, err := c.do(ctx, call{method: http.MethodGet, path: "/healthz", public: true})
	if err != nil {
		return err
	}
	h, err := decode[api.Health](ans.body)
	if err != nil {
		return err
	}
	if h.Status != "ok" {
		return instruct.Errorf(instruct.CodeUnavailable, "the server reports status %q", cells.Truncate(h.Status, 40))
	}
	return nil
}

// Me returns the signed-in user with their roles.
func (c *Client) Me(ctx context.Context) (instruct.User, error) {
	return get[instruct.User](ctx, c, "/me", nil, smallAnswerLimit)
}

// Definitions returns the API catalogue.
func (c *Client) Definitions(ctx context.Context) ([]instruct.Definition, error) {
	list, err := get[api.DefinitionList](ctx, c, "/definitions", nil, catalogueAnswerLimit)
	return list.Definitions, err
}

// Request returns request id ("D1042" or "1042").
func (c *Client) Request(ctx context.Context, id instruct.RequestID) (instruct.Request, error) {
	return get[instruct.Request](ctx, c, requestPath(id), nil, smallAnswerLimit)
}

// Events returns the history of request id, oldest first.
func (c *Client) Events(ctx context.Context, id instruct.RequestID) ([]instruct.Event, error) {
	list, err := get[api.EventList](ctx, c, requestPath(id)+"/events", nil, historyAnswerLimit)
	return list.Events, err
}

// RequestsQuery selects a page of GET /requests. Zero fields select
// everything; After is the Next of the previous page.
type RequestsQuery struct {
	Status     instruct.Status
	Definition string
	Text       string
	After      string
	Limit      int
}

func (q RequestsQuery) values() url.Values {
	v := url.Values{}
	setIf(v, "status", string(q.Status))
	setIf(v, "definition", q.Definition)
	setIf(v, "q", q.Text)
	setIf(v, "after", q.After)
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

func setIf(v url.Values, key, value string) {
	if value != "" {
		v.Set(key, value)
	}
}

// Requests returns a page of the requests the user may see.
func (c *Client) Requests(ctx context.Context, q RequestsQuery) (api.RequestList, error) {
	return get[api.RequestList](ctx, c, "/requests", q.values(), pageAnswerLimit)
}

// Changes returns the page of the change feed after cursor ("" for the
// start), at most limit items (0 lets the server choose). A cursor the
// server can no longer serve fails with code cursor_expired.
func (c *Client) Changes(ctx context.Context, cursor string, limit int) (api.ChangesPage, error) {
	q := url.Values{}
	setIf(q, "after", cursor)
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	ans, err := c.do(ctx, call{method: http.MethodGet, path: "/changes", query: q, limit: pageAnswerLimit})
	if err != nil {
		return api.ChangesPage{}, err
	}
	return decodeChangesPage(ans.body)
}

// Decide posts a decision on request id, based on version ifMatch. key is
// the Idempotency-Key: sending the same key and input again, also after a
// lost answer, returns the first result and applies nothing twice. A
// version mismatch fails with a *instruct.StaleError.
func (c *Client) Decide(ctx context.Context, key string, id instruct.RequestID, ifMatch int64, in api.DecisionInput) (api.DecisionResult, error) {
	k, err := postCall(requestPath(id)+"/decisions", in, retrySafe)
	if err != nil {
		return api.DecisionResult{}, err
	}
	k.header.Set(api.HeaderIdempotencyKey, key)
	k.header.Set(api.HeaderIfMatch, etag(ifMatch))
	ans, err := c.do(ctx, k)
	if err != nil {
		return api.DecisionResult{}, err
	}
	return decodeDecisionResult(ans.body)
}

// Note posts an internal note or a message to the applicant on request
// id; key is its Idempotency-Key, as for Decide.
func (c *Client) Note(ctx context.Context, key string, id instruct.RequestID, in api.NoteInput) (api.NoteResult, error) {
	k, err := postCall(requestPath(id)+"/notes", in, retrySafe)
	if err != nil {
		return api.NoteResult{}, err
	}
	k.header.Set(api.HeaderIdempotencyKey, key)
	ans, err := c.do(ctx, k)
	if err != nil {
		return api.NoteResult{}, err
	}
	return decode[api.NoteResult](ans.body)
}

// Claim takes request id (release false) or leaves it (release true);
// force takes or ends another reviewer's claim, as a manager. key is the
// Idempotency-Key, as for Decide. A claim another holds fails with a
// *instruct.ClaimedError naming it.
func (c *Client) Claim(ctx context.Context, key string, id instruct.RequestID, release, force bool) (api.ClaimResult, error) {
	k, err := postCall(requestPath(id)+"/claim", api.ClaimInput{Force: force}, retrySafe)
	if err != nil {
		return api.ClaimResult{}, err
	}
	if release {
		k.method = http.MethodDelete
	}
	k.header.Set(api.HeaderIdempotencyKey, key)
	ans, err := c.do(ctx, k)
	if err != nil {
		return api.ClaimResult{}, err
	}
	res, err := decode[api.ClaimResult](ans.body)
	if err == nil && res.Request.ID == 0 {
		err = instruct.Errorf(instruct.CodeInternal, "the server's answer to a claim lacks the request")
	}
	return res, err
}

// Create creates a draft from p. It is retried only when the server
// surely did not receive it, so it never creates two drafts.
func (c *Client) Create(ctx context.Context, p instruct.RequestPatch) (instruct.Request, error) {
	k, err := postCall("/requests", p, retryUnsent)
	if err != nil {
		return instruct.Request{}, err
	}
	return requestAnswer(ctx, c, k)
}

// Patch edits request id, based on version ifMatch. A retry after a lost
// answer is guarded by If-Match: if the first attempt was applied, the
// retry fails with a *instruct.StaleError whose Current shows the edit.
func (c *Client) Patch(ctx context.Context, id instruct.RequestID, ifMatch int64, p instruct.RequestPatch) (instruct.Request, error) {
	k, err := postCall(requestPath(id), p, retrySafe)
	if err != nil {
		return instruct.Request{}, err
	}
	k.method = http.MethodPatch
	k.header.Set(api.HeaderIfMatch, etag(ifMatch))
	return requestAnswer(ctx, c, k)
}

// Submit submits request id, based on version ifMatch; retries are
// guarded by If-Match as for Patch.
func (c *Client) Submit(ctx context.Context, id instruct.RequestID, ifMatch int64) (instruct.Request, error) {
	k := call{method: http.MethodPost, path: requestPath(id) + "/submit", retry: retrySafe,
		header: http.Header{}, limit: historyAnswerLimit}
	k.header.Set(api.HeaderIfMatch, etag(ifMatch))
	return requestAnswer(ctx, c, k)
}

func get[T any](ctx context.Context, c *Client, path string, q url.Values, limit int64) (T, error) {
	ans, err := c.do(ctx, call{method: http.MethodGet, path: path, query: q, limit: limit})
	if err != nil {
		var zero T
		return zero, err
	}
	return decode[T](ans.body)
}

func postCall(path string, body any, mode retryMode) (call, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return call{}, fmt.Errorf("encode body of %s: %w", path, err)
	}
	return call{method: http.MethodPost, path: path, body: b, retry: mode,
		header: http.Header{}, limit: historyAnswerLimit}, nil
}

func requestAnswer(ctx context.Context, c *Client, k call) (instruct.Request, error) {
	ans, err := c.do(ctx, k)
	if err != nil {
		return instruct.Request{}, err
	}
	return decode[instruct.Request](ans.body)
}

func requestPath(id instruct.RequestID) string { return "/requests/" + id.String() }

func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }
