//go:build !(linux || darwin || freebsd)

package ledger

// freeSpace cannot tell the free space on this system.
func freeSpace(string) (uint64, bool) { return 0, false }
