//go:build !unix

package store

// cacheLocks does nothing where flock is missing: processes sharing one
// cache are then not guarded against each other's repairs.
type cacheLocks struct{}

// lockForOpen reports every Open as alone.
func lockForOpen(string) (*cacheLocks, bool) { return &cacheLocks{}, true }

func (*cacheLocks) opened()  {}
func (*cacheLocks) release() {}
