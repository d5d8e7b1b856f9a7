// Package review is the review service: the server's rules with no
// transport. It says who may see, create, edit, submit and decide what,
// checks comments, guards an Idempotency-Key in flight, fingerprints what
// a call asked so that a retry replays it, runs the domain's named
// changes (instruct.Decide, instruct.Edit…) through the storage, and
// publishes every change to the subscribers that may see it.
//
// Every front uses it alike: the HTTP API (internal/server) decodes,
// calls and encodes; SSH sessions (internal/sshd) call it in-process with
// the user their key belongs to. The lifecycle to come (habilitations,
// reopening, transfer, claims, deliveries; design/LIFECYCLE.md) is
// written here once.
package review
