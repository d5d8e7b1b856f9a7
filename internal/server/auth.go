package server

import (
	"crypto/sha256"
	"net/http"
	"strings"

	"github.com/instruct-dev/instruct/internal/api"
	"github.com/instruct-dev/instruct/internal/instruct"
)

// maxBodyBytes is the largest body a request may carry.
const maxBodyBytes = api.MaxBodyBytes

// maxTokenLength bounds the bearer tokens the server hashes.
const maxTokenLength = 512

// admit authenticates the caller of a non-public route and applies the
// per-token rate limit, which runs before the database is asked so that
// a flood of guesses costs it nothing.
func (s *Server) admit(r *http.Request, public bool) (instruct.User, error) {
	if public {
		return instruct.User{}, nil
	}
	token, ok := bearerToken(r.Header.Get("Authorization"))
	if !ok {
		return instruct.User{}, instruct.Errorf(instruct.CodeUnauthorized, "a bearer token is required")
	}
	hash := sha256.Sum256([]byte(token))
	if err := s.limiter.allow(hash); err != nil {
		return instruct.User{}, err
	}
	u, err := s.store.UserByTokenHash(r.Context(), hash[:])
	if instruct.ErrorCode(err) == instruct.CodeNotFound {
		return instruct.User{}, instruct.Errorf(instruct.CodeUnauthorized, "the token is not valid")
	}
	if err != nil {
		return instruct.User{}, err
	}
	exchangeOf(r.Context()).userID = u.ID
	return u, nil
}

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header.
func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != "" && len(token) <= maxTokenLength
}

// rateLimitedError is a rate_limited error that knows when to retry.
type rateLimitedError struct {
	err        *instruct.Error
	retryAfter int
}

func (e *rateLimitedError) Error() string { return e.err.Error() }
func (e *rateLimitedError) Unwrap() error { return e.err }
