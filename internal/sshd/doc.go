// Package sshd serves the reviewer's screen over SSH, so support staff can
// investigate requests from any terminal without installing anything.
//
// Clients authenticate with a public key registered to a user; nothing
// else is accepted, and an unknown key is refused during the handshake,
// before any screen. The identity of a session is taken from the key the
// client proved, never from a key it merely offered (the CVE-2024-45337
// pattern): the authentication callback records the fingerprint of a
// registered key it accepts, and a session starts only when the key that
// actually authenticated the connection has that same fingerprint.
//
// Each session runs its own Bubble Tea program — its own window size,
// colour profile, background detection and language — over its view of
// one read model that every session shares: a cache of every request
// (internal/store), kept up to date in-process by a sync engine that
// follows the review service's change feed (Feed: no HTTP listener, no
// token), woken by the service's own changes, by the database's
// notifications of other instances' and by a poll. Memory per session
// does not grow with the data.
//
// A view shows only what its user may see, by the API's rules
// (instruct.Viewer, review.EventsFor): the requests of the definitions
// they hold a role on, filtered in the cache's in-memory queue, and not
// found otherwise. Decisions and notes go to the review service in the
// user's name, with the version the user saw as If-Match and a fresh
// Idempotency-Key; a conflict or a refusal shows as in the TUI, kept in
// memory on the user's desk (shared by their sessions) until discarded or
// decided again. The access check ends a session whose key or roles were
// taken away, and a change of roles changes its view.
//
// A session needs a PTY, ends after an idle timeout, and can't suspend
// the server with ctrl+z. Logins, logouts and refusals are logged with key
// fingerprints and user IDs only.
package sshd
