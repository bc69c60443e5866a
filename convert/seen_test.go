package convert

import (
	"strconv"
	"testing"
)

func TestSeenIDs(t *testing.T) {
	var s seenIDs
	const n = 100000
	for i := 0; i < n; i++ {
		if _, dup := s.first("L"+strconv.Itoa(i), i+2); dup {
			t.Fatalf("L%d reported as a duplicate", i)
		}
	}
	for _, i := range []int{0, 1, 777, n - 1} {
		row, dup := s.first("L"+strconv.Itoa(i), 999999)
		if !dup || row != i+2 {
			t.Errorf("L%d: first = %d, %v; want row %d", i, row, dup, i+2)
		}
	}
	if s.n != n {
		t.Errorf("n = %d", s.n)
	}
}
