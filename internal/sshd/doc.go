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
// colour profile, background detection and language — over the user's
// desk: the local cache and the sync engine that the user's sessions
// share, opened with the first session and closed with the last. A
// session needs a PTY, ends after an idle timeout, and can't suspend the
// server with ctrl+z. Logins, logouts and refusals are logged with key
// fingerprints and user IDs only.
package sshd
