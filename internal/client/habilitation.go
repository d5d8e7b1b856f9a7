package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// HabilitationsQuery selects a page of GET /habilitations. Zero fields
// select everything; After is the Next of the previous page.
type HabilitationsQuery struct {
	Definition string
	Status     instruct.HabilitationStatus
	SIRET      string
	After      string
	Limit      int
}

func (q HabilitationsQuery) values() url.Values {
	v := url.Values{}
	setIf(v, "definition", q.Definition)
	setIf(v, "status", string(q.Status))
	setIf(v, "siret", q.SIRET)
	setIf(v, "after", q.After)
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	return v
}

// Habilitations returns a page of the habilitations the user may see.
func (c *Client) Habilitations(ctx context.Context, q HabilitationsQuery) (api.HabilitationList, error) {
	return get[api.HabilitationList](ctx, c, "/habilitations", q.values(), pageAnswerLimit)
}

// Habilitation returns habilitation id.
func (c *Client) Habilitation(ctx context.Context, id instruct.HabilitationID) (instruct.Habilitation, error) {
	return get[instruct.Habilitation](ctx, c, habilitationPath(id), nil, smallAnswerLimit)
}

// lifeResult is what the server answers a revocation or a transfer: the
// event it recorded and, as far as it sends them, the request and the
// habilitation as they now are.
type lifeResult struct {
	Request      instruct.Request       `json:"request"`
	Habilitation *instruct.Habilitation `json:"habilitation,omitempty"`
	Event        instruct.Event         `json:"event"`
}

// RevokeHabilitation revokes habilitation id, based on its version
// ifMatch, with comment; key is the Idempotency-Key, as for Decide. A
// version mismatch fails with code stale_version.
func (c *Client) RevokeHabilitation(ctx context.Context, key string, id instruct.HabilitationID, ifMatch int64, comment string) (api.DecisionResult, error) {
	return c.postLife(ctx, key, habilitationPath(id)+"/revoke", ifMatch, api.RevokeInput{Comment: comment})
}

// Transfer makes the user with e-mail in.To the applicant of request id
// and its habilitations, based on version ifMatch; key is the
// Idempotency-Key. An unknown e-mail fails with code invalid.
func (c *Client) Transfer(ctx context.Context, key string, id instruct.RequestID, ifMatch int64, in api.TransferInput) (api.DecisionResult, error) {
	return c.postLife(ctx, key, requestPath(id)+"/transfer", ifMatch, in)
}

func (c *Client) postLife(ctx context.Context, key, path string, ifMatch int64, body any) (api.DecisionResult, error) {
	k, err := postCall(path, body, retrySafe)
	if err != nil {
		return api.DecisionResult{}, err
	}
	k.header.Set(api.HeaderIdempotencyKey, key)
	k.header.Set(api.HeaderIfMatch, etag(ifMatch))
	ans, err := c.do(ctx, k)
	if err != nil {
		return api.DecisionResult{}, err
	}
	res, err := decode[lifeResult](ans.body)
	if err != nil {
		return api.DecisionResult{}, err
	}
	if res.Event.Kind == "" {
		return api.DecisionResult{}, instruct.Errorf(instruct.CodeInternal, "the server's answer to %s lacks the event", path)
	}
	return api.DecisionResult{Request: res.Request, Event: res.Event}, nil
}

func habilitationPath(id instruct.HabilitationID) string { return "/habilitations/" + id.String() }

// Reopen asks, as the applicant, to change validated request id, based
// on version ifMatch: it becomes a draft in reopening. Retries are
// guarded by If-Match as for Submit.
func (c *Client) Reopen(ctx context.Context, id instruct.RequestID, ifMatch int64) (instruct.Request, error) {
	return c.applicantStep(ctx, id, "/reopen", ifMatch)
}

// CancelReopening gives up, as the applicant, the reopening of request
// id, based on version ifMatch: it is validated again as its active
// habilitation has it.
func (c *Client) CancelReopening(ctx context.Context, id instruct.RequestID, ifMatch int64) (instruct.Request, error) {
	return c.applicantStep(ctx, id, "/cancel_reopening", ifMatch)
}

func (c *Client) applicantStep(ctx context.Context, id instruct.RequestID, step string, ifMatch int64) (instruct.Request, error) {
	k := call{method: http.MethodPost, path: requestPath(id) + step, retry: retrySafe,
		header: http.Header{}, limit: historyAnswerLimit}
	k.header.Set(api.HeaderIfMatch, etag(ifMatch))
	return requestAnswer(ctx, c, k)
}
