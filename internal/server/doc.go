// Package server is the HTTP API v1 of design/API.md: routing, bearer-token
// authentication, visibility and roles checked on every object,
// problem+json errors, body limits and per-token rate limits. It reaches
// its database through the Storage interface it declares.
package server
