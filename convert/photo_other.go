//go:build !unix

package convert

// openNonblock is 0 where there are no FIFOs to wait on (see photo_unix.go).
const openNonblock = 0
