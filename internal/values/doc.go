// Package values turns spreadsheet cells, as stored, into typed values:
// exact decimals, whole numbers, calendar dates, IDs, booleans, enum words
// and clean text. It is pure: no I/O, no mapping types, no globals that
// change. Each function takes an [input.Cell] exactly as the file stored
// it and plain parameters (a [Locale], date formats, word maps) decided by
// the caller from the mapping.
//
// Every failure is a [*Error] whose Msg says what is wrong with the value
// and whose Hint says what would fix it; the caller adds the position of
// the cell. Nothing is ever guessed: a value that could be read two ways
// ("05/01/2024", "1,234" without a declared thousands separator) is an
// error that names the mapping setting which would make it unambiguous.
//
// # Numbers
//
// Money never passes through float arithmetic. A text cell ("1 200,50") is
// read digit by digit into a decimal. A number cell holds the digits the
// workbook stored for an IEEE double ("84.849999999999994"); its value is
// the shortest decimal that reads back as the same double (84.85), which
// is what Excel shows. That conversion (strconv.ParseFloat then
// FormatFloat with precision -1) is a change of representation, not
// arithmetic, and the only place a float is used for a number. A double
// that is not close to a short decimal keeps all its digits: a cell
// computed in Excel as =0.1+0.2 stores 0.30000000000000004 and is read as
// exactly that, never silently rounded; round it in Excel (=ROUND(...;2)).
//
// # Dates
//
// A number cell is a date only when its number format is a date format;
// its Excel serial is converted in the 1900 or 1904 date system, and a time
// of day is dropped. Text dates are read with the declared formats
// (DD/MM/YYYY style, see [ParseDateFormat]); without one only forms that
// cannot be misread are accepted: ISO YYYY-MM-DD (or YYYY/MM/DD) and forms
// with a month name in English, French, Spanish or Portuguese. Times of day
// and time zones written after a date are ignored: the date is the one
// written, never shifted to another zone.
//
// # Keys
//
// [Key] is the one matching key of the project: header names, value-map
// words, booleans and enum values are compared by their keys, so that
// "Loan ID", "loan_id" and "LOAN-ID" are the same name.
package values
