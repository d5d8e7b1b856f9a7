// Package instruct is the domain of the reviewer's workstation: requests for
// access to government APIs ("demandes d'habilitation"), their statuses and
// transitions, the events that trace them, the API catalogue, roles, and
// errors with stable codes. It imports only the standard library; every
// other package is an adapter around it.
package instruct
