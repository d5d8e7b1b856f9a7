//go:build unix

package store

import "syscall"

// noRoomLeft reports whether the file system holding dir has no block
// left for this user, or no inode.
func noRoomLeft(dir string) bool {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return false
	}
	return st.Bavail == 0 || (st.Files > 0 && st.Ffree == 0)
}
