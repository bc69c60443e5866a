package convert

import "testing"

// SetMaxPending lowers, for one test, how many problems found before the
// output folder exists wait in memory (the rest wait in a temporary file).
func SetMaxPending(t testing.TB, n int) {
	old := maxPending
	maxPending = n
	t.Cleanup(func() { maxPending = old })
}
