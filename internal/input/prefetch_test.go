package input

import (
	"errors"
	"fmt"
	"testing"
)

// sliceRows is a Rows over generated rows that reuses its Cells slice, as
// the real readers do, and can fail after a number of rows.
type sliceRows struct {
	n, failAt int
	i         int
	row       Row
	closed    int
}

func (s *sliceRows) Next() bool {
	if s.i >= s.n || s.i == s.failAt {
		return false
	}
	s.i++
	s.row.Number = s.i
	s.row.Cells = append(s.row.Cells[:0], Cell{Type: Text, Text: fmt.Sprint("L", s.i)}, Cell{Type: Number, Text: fmt.Sprint(s.i)})
	return true
}
func (s *sliceRows) Row() *Row { return &s.row }
func (s *sliceRows) Err() error {
	if s.i == s.failAt {
		return errors.New("boom")
	}
	return nil
}
func (s *sliceRows) Close() error { s.closed++; return nil }

func TestPrefetchKeepsOrderAndErrors(t *testing.T) {
	for _, tc := range []struct{ n, failAt int }{{0, -1}, {1, -1}, {255, -1}, {256, -1}, {257, -1}, {5000, -1}, {1000, 700}} {
		src := &sliceRows{n: tc.n, failAt: tc.failAt}
		rs := Prefetch(src)
		got := 0
		for rs.Next() {
			got++
			r := rs.Row()
			if r.Number != got || r.Cells[0].Text != fmt.Sprint("L", got) || r.Cells[1].Text != fmt.Sprint(got) {
				t.Fatalf("n=%d: row %d = %+v", tc.n, got, r)
			}
		}
		want := tc.n
		if tc.failAt >= 0 {
			want = tc.failAt
		}
		if got != want {
			t.Errorf("n=%d: %d rows, want %d", tc.n, got, want)
		}
		if err := rs.Err(); (err != nil) != (tc.failAt >= 0) {
			t.Errorf("n=%d: Err = %v", tc.n, err)
		}
		rs.Close()
		rs.Close()
		if src.closed != 1 {
			t.Errorf("source closed %d times", src.closed)
		}
	}
}

// Closing before the end stops the goroutine (the race detector and the
// test's own exit would report a leak or a race otherwise).
func TestPrefetchCloseEarly(t *testing.T) {
	src := &sliceRows{n: 100000, failAt: -1}
	rs := Prefetch(src)
	for i := 0; i < 10 && rs.Next(); i++ {
	}
	if err := rs.Close(); err != nil {
		t.Fatal(err)
	}
	if rs.Err() != nil {
		t.Error("Err after early Close")
	}
}
