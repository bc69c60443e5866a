package convert

import (
	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/kiva"
)

// Issue is one problem found in the input, located at a cell.
type Issue struct {
	Severity kiva.Severity
	Pos      input.Pos
	Column   string // header text of the source column ("Amount"); "" when none
	Field    string // Kiva field: mapping key ("amount") or JSON path ("entreps[1].gender")
	Value    string // the cell's value as stored, for the user to find it
	Message  string
	Hint     string
	Record   string // the loan id of the record the issue belongs to, when known
}

// Text is the one-line form: position, message and hint.
func (i Issue) Text() string {
	s := i.Pos.String() + ": " + i.Severity.String() + ": "
	switch {
	case i.Column != "":
		s += i.Column + ": "
	case i.Field != "":
		s += i.Field + ": "
	}
	s += i.Message
	if i.Hint != "" {
		s += " (" + i.Hint + ")"
	}
	return s
}

// Total is the exact sum of amounts in one currency.
type Total = batch.Total
