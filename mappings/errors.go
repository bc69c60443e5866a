package mappings

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Error is a problem in a mapping file, at a position in it.
type Error struct {
	Source string // the file, as given to Parse or Load
	Line   int    // 1-based
	Column int    // 1-based, in characters
	Msg    string
}

func (e *Error) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Source, e.Line, e.Column, e.Msg)
}

// ErrorList is every problem found in one mapping file, in file order.
// Parse and Load return one (never empty) when the file is not valid; each
// element is an *Error.
type ErrorList []*Error

// Error prints one problem per line.
func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Unwrap lets errors.As find the individual *Error values.
func (l ErrorList) Unwrap() []error {
	out := make([]error, len(l))
	for i, e := range l {
		out[i] = e
	}
	return out
}

func (l ErrorList) sort() {
	slices.SortStableFunc(l, func(a, b *Error) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
}
