//go:build !unix

package store

// noRoomLeft can't tell where statfs is missing.
func noRoomLeft(string) bool { return false }
