package values_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/kiva-partners/kivaconv/internal/hinttest"
	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/values"
)

// TestDateHintsWorkbookFirst: every date hint says first what to do in the
// workbook (make it an Excel date, write 2026-11-15), then, after
// values.ForMapping, what to change in the mapping.
func TestDateHintsWorkbookFirst(t *testing.T) {
	check := func(what string, err error) {
		t.Helper()
		var e *values.Error
		if !errors.As(err, &e) {
			t.Errorf("%s: %v (%T) is not a *values.Error", what, err, err)
			return
		}
		if err := hinttest.Check(e.Hint); err != nil {
			t.Errorf("%s: %v", what, err)
		}
	}
	text := func(s string) input.Cell { return input.Cell{Type: input.Text, Text: s} }
	num := func(s, format string) input.Cell { return input.Cell{Type: input.Number, Text: s, Format: format} }
	for _, fs := range [][]string{nil, {"DD/MM/YYYY"}, {"DD/MM/YYYY", "MM/DD/YYYY"}, {"DD-MMM-YYYY", "YYYYMMDD"}} {
		for _, in := range []string{"05/01/2024", "13/01/2024", "01/13/2024", "31/02/2026", "29/02/2026", "05-Jan-24",
			"20240105", "45296", "hello", "32/13/2024", "2024-02-30", "0000-01-01", "05.01.2024", "2024-01-05 garbage",
			"", "05/01/24", "31 Feb 2024"} {
			_, err := values.Date(text(in), fs, false)
			if err == nil {
				continue // a declared format reads it
			}
			check(fmt.Sprintf("Date(%q, %v)", in, fs), err)
		}
	}
	for _, c := range []input.Cell{num("45296", "General"), num("0.5", "h:mm"), num("60", "yyyy-mm-dd"),
		num("0", "yyyy-mm-dd"), num("0.5", "yyyy-mm-dd"), num("-1", "yyyy-mm-dd"), num("abc", "yyyy-mm-dd"),
		{Type: input.Date, Text: "2023-02-29"}, {Type: input.Date, Text: "junk"}, {Type: input.Blank},
		{Type: input.Bool, Text: "1"}, {Type: input.Error, Text: "#N/A"}} {
		_, err := values.Date(c, nil, false)
		check(fmt.Sprintf("Date(%v %q)", c.Type, c.Text), err)
	}
	for _, in := range []string{"11/15/2026", "31/02/2026", "03/04/2026x"} {
		_, err := values.DateInOrder(text(in), values.DayFirst, false)
		check(fmt.Sprintf("DateInOrder(%q)", in), err)
	}
	_, err := values.DateInOrder(text("03/04/2026"), values.EitherOrder, false)
	check("DateInOrder(03/04/2026, either order)", err)
}
