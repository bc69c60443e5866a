package hinttest

import "testing"

// TestCheck: hints that lead with mapping advice, or put mapping words in
// the workbook part, are refused.
func TestCheck(t *testing.T) {
	for _, h := range []string{
		"fill in the cell",
		"type a number; or, for whoever maintains the mapping: set locale.decimal: \",\"",
		"nothing to change in the workbook; for whoever maintains the mapping: keep one",
		"save it as UTF-8; or, for whoever set up kivaconv: use --encoding windows-1252",
	} {
		if err := Check(h); err != nil {
			t.Errorf("Check(%q): %v", h, err)
		}
	}
	for _, h := range []string{
		"",
		"for whoever maintains the mapping: set locale.decimal",
		`set locale.thousands: "," if the comma groups thousands`,
		"check that the mapping names the right column",
		`remove the currency mark, or list "KSh" under locale.currency_symbols in the mapping`,
		"open the file with --encoding windows-1252, or re-save it as UTF-8",
		"let kivaconv embed image_encoded again",
		"use a workbook, or set schedule.required: false",
	} {
		if Check(h) == nil {
			t.Errorf("Check(%q) = nil, want an error", h)
		}
	}
}
