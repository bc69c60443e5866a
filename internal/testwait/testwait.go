// Package testwait lets a test wait for something another goroutine or
// process does: it polls a condition until it holds or a deadline passes,
// so tests neither sleep a fixed time (slow, and flaky on a busy machine)
// nor spin forever when the thing never happens.
package testwait

import (
	"testing"
	"time"
)

// Poll is how often the condition is checked.
const Poll = 5 * time.Millisecond

// Until calls cond every Poll until it returns true; after timeout the
// test fails, naming what it waited for.
func Until(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", timeout, what)
		}
		time.Sleep(Poll)
	}
}
