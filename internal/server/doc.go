// Package server is the HTTP API v1 of design/API.md: routing, bearer-token
// authentication, problem+json errors, body limits and per-token rate
// limits, over the review service (internal/review), which holds the
// rules: visibility and roles checked on every object, transitions,
// comments, idempotency. A handler decodes, calls the service and
// encodes; the server reads the service's Storage directly only for what
// is not a rule (tokens, health, the audit log, the streams' polls).
//
// Every endpoint is a row of one route table (routes.go), which the mux
// registers and the tests hold against the embedded OpenAPI 3.1 document
// (openapi.json). That document is served at /api/v1/openapi.json to
// authenticated callers, like every endpoint but /healthz, as API.md
// says.
//
// Choices the contract leaves open:
//   - A caller who may not see a request gets 404 not_found, whatever
//     they asked of it; one who may see it but lacks the role, 403.
//   - Malformed input (JSON, headers, query values) is 400 invalid; a
//     well-formed call the rules refuse is 422 with its code. A path
//     without the method asked is 405 with code invalid and Allow.
//   - The fingerprint that ties an Idempotency-Key to its call (computed
//     by the service) is the SHA-256 of the caller's user ID, the method,
//     the canonical path (D-form ID) and the canonical JSON of the decoded
//     body: a retry matches whatever its spacing, and another user's reuse
//     of a key is refused instead of replayed.
//   - Change-feed cursors are opaque: "<seq>.<roles fingerprint>" between
//     pulls, "<seq>.<base>.<fingerprint>" part-way through one, where base
//     is the seq the pull began at, so that every page brings all the
//     events after it of the requests it holds.
//   - The event stream announces writes made through this process's
//     review service at once (SSH sessions sharing it included). Those
//     of other instances sharing a PostgreSQL database arrive through the
//     storage's ChangeNotifier (LISTEN/NOTIFY), with a poll of the last
//     seq (Config.StreamPoll) as the fallback; Close ends every stream,
//     for a clean Shutdown.
//   - Applicants never read internal notes: not in histories, the feed,
//     stale answers or the stream.
package server
