//go:build unix

package convert

import "syscall"

// openNonblock is added to the flags a photo is opened with: opening a
// FIFO (named pipe) that has no writer then returns at once instead of
// waiting for one. The opened file is refused anyway when it is not a
// regular file; for a regular file the flag changes nothing.
const openNonblock = syscall.O_NONBLOCK
