package values

import "strings"

// Error is a value that could not be read. Error() is Msg alone: the caller
// prefixes the position of the cell and may print Hint after it.
type Error struct {
	// Value is the cell text as stored (for a number cell, the digits the
	// file wrote).
	Value string
	// Msg says what is wrong, quoting the value.
	Msg string
	// Hint says what would fix it (see ForMapping for how it is worded).
	Hint string
}

func (e *Error) Error() string { return e.Msg }

func newError(value, msg, hint string) *Error {
	return &Error{Value: value, Msg: msg, Hint: hint}
}

// How hints are worded. The person who reads a hint is, first of all, a
// Kiva Coordinator who dragged a workbook onto kivaconv and is not a
// programmer; mapping files are written by IT staff. So every hint, here
// and in package kiva and package convert:
//
//  1. first says what to change in the workbook, in plain words: "type the
//     amount as a number, without the currency mark (format the column as
//     Number in Excel)". No mapping keys (locale.decimal, column:), no
//     field keys (image_encoded), no "the mapping" in this part. When only
//     the mapping can fix it, this part says what it means for the
//     workbook ("add a column headed Amount", "nothing to change in the
//     workbook").
//  2. then, only when useful, gives the mapping advice after the one
//     phrase ForMapping, joined by OrForMapping:
//     `…; or, for whoever maintains the mapping: list "KSh" under locale.currency_symbols`.
//     When only the mapping can fix it, MappingOnly says so first.
//     Advice about how kivaconv is started (command-line options,
//     reference data, settings) follows ForSetup the same way.
//
// Hints stay short; messages keep quoting the cell's value.
const (
	// ForMapping introduces the part of a hint meant for whoever writes
	// the mapping file.
	ForMapping = "for whoever maintains the mapping: "
	// ForSetup introduces the part of a hint meant for whoever installed
	// kivaconv and chose its options and settings.
	ForSetup = "for whoever set up kivaconv: "
)

// OrForMapping is a hint: workbook advice first, then mapping advice
// introduced by ForMapping.
func OrForMapping(workbook, mapping string) string {
	return workbook + "; or, " + ForMapping + mapping
}

// MappingOnly is a hint for a problem only the mapping can fix.
func MappingOnly(mapping string) string {
	return "nothing to change in the workbook; " + ForMapping + mapping
}

// OrForSetup is a hint: workbook advice first, then advice introduced by
// ForSetup.
func OrForSetup(workbook, setup string) string {
	return workbook + "; or, " + ForSetup + setup
}

// SplitHint splits a hint worded as above into its workbook part and the
// rest (the advice after ForMapping or ForSetup, with the joining words):
// the workbook part is what a coordinator needs to read.
func SplitHint(hint string) (workbook, rest string) {
	i := len(hint)
	for _, p := range []string{"; or, " + ForMapping, "; or, " + ForSetup, "; " + ForMapping, ForMapping, ForSetup} {
		if j := strings.Index(hint, p); j >= 0 && j < i {
			i = j
		}
	}
	return hint[:i], hint[i:]
}
