//go:build unix

package convert_test

import (
	"syscall"
	"testing"
)

// mkfifo makes a FIFO (named pipe) at path.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}
