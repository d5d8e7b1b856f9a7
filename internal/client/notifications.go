package client

import (
	"context"
	"net/http"

	"github.com/instruct-dev/instruct/internal/api"
)

// SetNotifications records whether the signed-in reviewer receives the
// mails of each definition named (PATCH /me), and returns every choice
// they made, by definition. It sets values, so a retry is harmless.
func (c *Client) SetNotifications(ctx context.Context, choices map[string]bool) (map[string]bool, error) {
	k, err := postCall("/me", api.MePatch{Notifications: choices}, retrySafe)
	if err != nil {
		return nil, err
	}
	k.method, k.limit = http.MethodPatch, smallAnswerLimit
	ans, err := c.do(ctx, k)
	if err != nil {
		return nil, err
	}
	me, err := decode[api.Me](ans.body)
	return me.Notifications, err
}
