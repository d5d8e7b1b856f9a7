package ledger

import "github.com/instruct-dev/instruct/internal/server"

// The ledger is the server's storage.
var _ server.Storage = (*Ledger)(nil)
