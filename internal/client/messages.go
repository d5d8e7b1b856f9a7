package client

import (
	"context"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// Message posts the applicant's message to the reviewers of request id,
// which the signed-in user filed; key is its Idempotency-Key, as for
// Decide.
func (c *Client) Message(ctx context.Context, key string, id instruct.RequestID, body string) (api.NoteResult, error) {
	k, err := postCall(requestPath(id)+"/messages", api.MessageInput{Body: body}, retrySafe)
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

// Deliveries returns the mails and webhook calls the server sends, or
// sent, because of the events of request id (reviewers only), never nil.
func (c *Client) Deliveries(ctx context.Context, id instruct.RequestID) ([]instruct.Delivery, error) {
	list, err := get[api.DeliveryList](ctx, c, requestPath(id)+"/deliveries", nil, smallAnswerLimit)
	if err != nil {
		return nil, err
	}
	if list.Deliveries == nil {
		list.Deliveries = []instruct.Delivery{}
	}
	return list.Deliveries, nil
}
