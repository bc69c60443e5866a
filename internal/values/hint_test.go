package values_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/internal/hinttest"
	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/values"
)

// TestHintsWorkbookFirst: every hint of a representative problem says
// first what to change in the workbook, and mapping (or setup) advice only
// after values.ForMapping (or values.ForSetup). (Dates are checked where
// their hints are written; NewLocale's errors concern the mapping file
// alone.)
func TestHintsWorkbookFirst(t *testing.T) {
	text := func(s string) input.Cell { return input.Cell{Type: input.Text, Text: s} }
	dot := values.Locale{}
	dotComma := values.Locale{Decimal: '.', Thousands: ","}
	commaDot := values.Locale{Decimal: ',', Thousands: "."}
	dec := func(c input.Cell, loc values.Locale) func() error {
		return func() error { _, err := values.Decimal(c, loc); return err }
	}
	integer := func(c input.Cell) func() error {
		return func() error { _, err := values.Integer(c, dot); return err }
	}
	id := func(c input.Cell) func() error { return func() error { _, err := values.ID(c); return err } }
	txt := func(c input.Cell) func() error { return func() error { _, err := values.Text(c); return err } }
	boolean := func(c input.Cell, words map[string]bool) func() error {
		return func() error { _, err := values.Bool(c, words); return err }
	}
	enum := func(c input.Cell, m map[string]string, allowed []string) func() error {
		return func() error { _, err := values.Enum(c, m, allowed); return err }
	}
	allowed := []string{"female", "male"}
	for _, tc := range []struct {
		name    string
		f       func() error
		mapping bool // the hint has advice for whoever maintains the mapping
	}{
		{"currency mark", dec(text("KSh 1,200"), dotComma), true},
		{"currency code after", dec(text("500 KES"), dot), true},
		{"percent", dec(text("12%"), dot), false},
		{"undeclared comma", dec(text("1,234"), dot), true},
		{"undeclared space", dec(text("1 234"), dot), true},
		{"undeclared apostrophe", dec(text("1'234"), dot), true},
		{"two decimal separators", dec(text("1.234.567"), dot), true},
		{"thousands after decimals", dec(text("1.234,5"), dotComma), true},
		{"misplaced grouping", dec(text("1,23,4"), dotComma), true},
		{"decimal comma read as thousands", dec(text("12,50"), dotComma), true},
		{"swapped separators", dec(text("1,234.5"), commaDot), true},
		{"letters", dec(text("abc"), dot), false},
		{"empty text", dec(text(" "), dot), false},
		{"boolean cell", dec(input.Cell{Type: input.Bool, Text: "1"}, dot), true},
		{"date cell", dec(input.Cell{Type: input.Date, Text: "2026-11-15"}, dot), true},
		{"error cell", dec(input.Cell{Type: input.Error, Text: "#REF!"}, dot), false},
		{"blank cell", dec(input.Cell{Type: input.Blank}, dot), false},
		{"huge exponent", dec(text("1E99999"), dot), false},
		{"not whole", integer(text("3.5")), false},
		{"too large", integer(text("99999999999999999999")), false},
		{"id lost digits", id(input.Cell{Type: input.Number, Text: "1.23456789012345E+19"}), false},
		{"id scientific text", id(text("1.23457E+15")), false},
		{"id negative", id(input.Cell{Type: input.Number, Text: "-5"}), true},
		{"id not whole", id(input.Cell{Type: input.Number, Text: "5.5"}), true},
		{"id date formatted", id(input.Cell{Type: input.Number, Text: "45000", Format: "yyyy-mm-dd"}), true},
		{"id boolean", id(input.Cell{Type: input.Bool, Text: "1"}), true},
		{"id empty", id(text("\u200b")), false},
		{"invalid UTF-8", txt(text("Caf\xe9")), false},
		{"replacement character", txt(text("Caf\ufffd")), false},
		{"C1 control", txt(text("\u0093x\u0094")), false},
		{"mojibake", txt(text("CafÃ©")), false},
		{"control character", txt(text("a\x01b")), false},
		{"not yes/no", boolean(text("maybe"), nil), true},
		{"not yes/no, with words", boolean(text("maybe"), map[string]bool{"signé": true}), true},
		{"yes/no conflict", boolean(text("si"), map[string]bool{"Sí": true, "si": false}), true},
		{"yes/no date", boolean(input.Cell{Type: input.Date, Text: "2026-11-15"}, nil), true},
		{"enum unknown", enum(text("Autre"), map[string]string{"Femme": "female"}, allowed), true},
		{"enum mapped wrong", enum(text("Femme"), map[string]string{"Femme": "femal"}, allowed), true},
		{"enum conflict", enum(text("femme"), map[string]string{"Femme": "female", "FEMME": "male"}, allowed), true},
		{"enum ambiguous", enum(text("fe-male"), nil, []string{"Fe Male", "FEMALE"}), false},
		{"enum empty", enum(text(" "), nil, allowed), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.f()
			var ve *values.Error
			if !errors.As(err, &ve) {
				t.Fatalf("error %v (%T), want a *values.Error", err, err)
			}
			t.Log(ve.Msg, "//", ve.Hint)
			if err := hinttest.Check(ve.Hint); err != nil {
				t.Error(err)
			}
			if got := strings.Contains(ve.Hint, values.ForMapping); got != tc.mapping {
				t.Errorf("hint %q: has mapping advice = %v, want %v", ve.Hint, got, tc.mapping)
			}
		})
	}
}

// TestSplitHint: the workbook part ends where the advice for the mapping
// or the setup begins.
func TestSplitHint(t *testing.T) {
	for _, tc := range []struct{ hint, workbook string }{
		{values.OrForMapping("type a number", "set locale.decimal"), "type a number"},
		{values.OrForSetup("save it as UTF-8", "use --encoding"), "save it as UTF-8"},
		{values.MappingOnly("keep one"), "nothing to change in the workbook"},
		{"fill in the cell", "fill in the cell"},
		{values.ForMapping + "set locale.decimal", ""},
	} {
		if w, _ := values.SplitHint(tc.hint); w != tc.workbook {
			t.Errorf("SplitHint(%q) = %q, want %q", tc.hint, w, tc.workbook)
		}
	}
}
