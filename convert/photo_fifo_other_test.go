//go:build !unix

package convert_test

import "testing"

// mkfifo skips the test: there are no FIFOs to make here (Windows).
func mkfifo(t *testing.T, path string) {
	t.Helper()
	t.Skip("no FIFOs on this system")
}
