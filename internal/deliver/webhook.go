package deliver

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/instruct-dev/instruct/internal/instruct"
)

// Headers of a webhook call.
const (
	// HeaderSignature carries "sha256=" and the hex HMAC-SHA256 of the
	// raw body with the webhook's secret.
	HeaderSignature = "X-Hub-Signature-256"
	// HeaderEnvironment is "production", or "demo" for a demo server.
	HeaderEnvironment = "X-App-Environment"
	// HeaderDelivery is the delivery's ID, the same on every retry.
	HeaderDelivery = "X-Instruct-Delivery"
)

// ModelType is the model_type of every webhook call.
const ModelType = "authorization_request"

// Payload is the JSON body of a webhook call, in DataPass's format.
type Payload struct {
	Event     string      `json:"event"`
	FiredAt   time.Time   `json:"fired_at"`
	ModelType string      `json:"model_type"`
	ModelID   int64       `json:"model_id"`
	Data      PayloadData `json:"data"`
}

// PayloadData is what a webhook call is about: the request as it stands,
// the habilitation the event concerns (null when none) and the request's
// organisation.
type PayloadData struct {
	Request      *instruct.Request      `json:"request"`
	Habilitation *instruct.Habilitation `json:"habilitation"`
	Organization *instruct.Organization `json:"organization"`
}

// NewPayload returns the payload of event e of request r, which concerns
// habilitation h (nil when none). Who holds the request is left out: it
// is the reviewers' business.
func NewPayload(e instruct.Event, r instruct.Request, h *instruct.Habilitation) Payload {
	r.Claim = nil
	org := r.Organization
	return Payload{Event: string(e.Kind), FiredAt: e.At.UTC(), ModelType: ModelType, ModelID: int64(r.ID),
		Data: PayloadData{Request: &r, Habilitation: h, Organization: &org}}
}

// Sign returns the X-Hub-Signature-256 of body with secret.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether signature is the X-Hub-Signature-256 of body
// with secret, compared in constant time: what a receiver checks.
func Verify(secret string, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(signature))
}

// maxReply bounds what is read of a receiver's answer.
const maxReply = 64 << 10

// reply is a receiver's answer to a webhook call.
type reply struct {
	status int
	body   []byte
}

// delivered reports whether the answer delivers the call: 200, 201, 204.
func (r reply) delivered() bool {
	return r.status == http.StatusOK || r.status == http.StatusCreated || r.status == http.StatusNoContent
}

// post sends body, signed with secret, to url as delivery id, and returns
// the answer.
func post(ctx context.Context, c *http.Client, url, secret, id, environment string, body []byte) (reply, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return reply{}, fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "instruct-webhook")
	req.Header.Set(HeaderSignature, Sign(secret, body))
	req.Header.Set(HeaderEnvironment, environment)
	req.Header.Set(HeaderDelivery, id)
	resp, err := c.Do(req)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	if err != nil {
		return reply{status: resp.StatusCode}, fmt.Errorf("read the answer: %w", err)
	}
	return reply{status: resp.StatusCode, body: b}, nil
}

// maxTokenID bounds the token ID a provider answers with.
const maxTokenID = 200

// tokenID returns the token_id of a receiver's answer to an approval,
// "" when it has none; a token ID too long or with control characters
// is refused.
func tokenID(body []byte) (string, error) {
	var answer struct {
		TokenID *string `json:"token_id"`
	}
	if json.Unmarshal(body, &answer) != nil || answer.TokenID == nil {
		return "", nil
	}
	id := strings.TrimSpace(*answer.TokenID)
	if len(id) > maxTokenID || strings.IndexFunc(id, unicode.IsControl) >= 0 {
		return "", fmt.Errorf("the answer's token_id is not a token ID (%d bytes)", len(id))
	}
	return id, nil
}

// Ping makes a test call of the webhook at url, signed with secret, as
// delivery id: event "test", about no request. It returns the status
// the receiver answered, and an error unless it is one that delivers.
func Ping(ctx context.Context, url, secret, id, environment string, timeout time.Duration) (int, error) {
	p := Payload{Event: "test", FiredAt: time.Now().UTC(), ModelType: ModelType}
	body, err := json.Marshal(p)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c := &http.Client{Timeout: timeout, CheckRedirect: noRedirect}
	ans, err := post(ctx, c, url, secret, id, environment, body)
	if err == nil && !ans.delivered() {
		err = fmt.Errorf("the receiver answered %d", ans.status)
	}
	return ans.status, err
}
