//go:build unix

package batch

import (
	"io/fs"
	"syscall"
)

// reuseFiles: a previous conversion's batch files are rewritten in place
// (see flusher.takeOverOld) where a file's links can be counted.
const reuseFiles = true

// singleLink reports whether the file has no other hard link.
func singleLink(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Nlink == 1
}

// openNoFollow makes an open fail on a symbolic link.
const openNoFollow = syscall.O_NOFOLLOW
