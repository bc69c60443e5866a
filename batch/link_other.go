//go:build !unix

package batch

import "io/fs"

// reuseFiles: here a file's hard links cannot be counted, so a previous
// conversion's batch files are replaced, never rewritten in place.
const reuseFiles = false

// singleLink reports whether the file has no other hard link; where that
// cannot be told, files are never reused.
func singleLink(fs.FileInfo) bool { return false }

// openNoFollow: no such flag here (files are not reused here anyway).
const openNoFollow = 0
