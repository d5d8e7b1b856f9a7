package client

import (
	"encoding/json"
	"fmt"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// decode reads a successful answer's JSON body into a T. Unknown fields
// are ignored, so that a newer server stays readable.
func decode[T any](body []byte) (T, error) {
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		return v, fmt.Errorf("read the server's answer: %w", err)
	}
	return v, nil
}

// decodeChangesPage reads a page of the change feed and checks what the
// sync engine relies on: a cursor, and items that each carry a request.
func decodeChangesPage(body []byte) (api.ChangesPage, error) {
	page, err := decode[api.ChangesPage](body)
	if err != nil {
		return page, err
	}
	if page.Cursor == "" {
		return page, instruct.Errorf(instruct.CodeInternal, "the server sent a change page without a cursor")
	}
	for _, item := range page.Changes {
		if item.Request.ID == 0 {
			return page, instruct.Errorf(instruct.CodeInternal, "the server sent a change of seq %d without its request", item.Seq)
		}
	}
	return page, nil
}

// decodeDecisionResult reads the answer to a decision, which must name
// the decided request.
func decodeDecisionResult(body []byte) (api.DecisionResult, error) {
	res, err := decode[api.DecisionResult](body)
	if err != nil {
		return res, err
	}
	if res.Request.ID == 0 || res.Event.Kind == "" {
		return res, instruct.Errorf(instruct.CodeInternal, "the server's answer to a decision lacks the request or the event")
	}
	return res, nil
}
