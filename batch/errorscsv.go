package batch

import (
	"bytes"
	"encoding/csv"
	"strconv"

	"github.com/gocarina/gocsv"
)

// ErrorRow is one line of errors.csv: one problem found in the input.
type ErrorRow struct {
	File     string `csv:"file"`          // input file base name
	Sheet    string `csv:"sheet"`         // "" for CSV input
	Cell     string `csv:"cell"`          // "F17"; the row number alone when no column is known
	Row      int    `csv:"row,omitempty"` // row number as the spreadsheet shows it; 0 (written empty) when none
	Column   string `csv:"column"`        // header text of the source column ("Amount")
	Field    string `csv:"field"`         // Kiva field ("amount", "entreps[1].gender")
	Value    string `csv:"value"`         // the cell's value as stored
	Severity string `csv:"severity"`      // "error" or "warning"
	Message  string `csv:"message"`
}

// errorRecord is ErrorRow as written: every cell text, formula-guarded.
// Its tags must stay those of ErrorRow.
type errorRecord struct {
	File     string `csv:"file"`
	Sheet    string `csv:"sheet"`
	Cell     string `csv:"cell"`
	Row      string `csv:"row"`
	Column   string `csv:"column"`
	Field    string `csv:"field"`
	Value    string `csv:"value"`
	Severity string `csv:"severity"`
	Message  string `csv:"message"`
}

// utf8BOM makes Excel read the file as UTF-8 rather than the ANSI code page.
const utf8BOM = "\ufeff"

// MarshalErrors is the content of errors.csv: a UTF-8 byte-order mark, the
// header line, then one line per row in the order given, CRLF line ends.
// Cells are guarded against formula injection (see the package doc). A
// program reading the file back must skip the BOM first.
func MarshalErrors(rows []ErrorRow) ([]byte, error) {
	recs := make([]errorRecord, len(rows))
	for i, r := range rows {
		row := ""
		if r.Row != 0 {
			row = strconv.Itoa(r.Row)
		}
		recs[i] = errorRecord{
			File:     GuardFormula(r.File),
			Sheet:    GuardFormula(r.Sheet),
			Cell:     GuardFormula(r.Cell),
			Row:      row,
			Column:   GuardFormula(r.Column),
			Field:    GuardFormula(r.Field),
			Value:    GuardFormula(r.Value),
			Severity: GuardFormula(r.Severity),
			Message:  GuardFormula(r.Message),
		}
	}
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	cw := csv.NewWriter(&buf)
	cw.UseCRLF = true
	if err := gocsv.MarshalCSV(recs, gocsv.NewSafeCSVWriter(cw)); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// guardFormula keeps a cell from being run as a formula when errors.csv is
// opened in a spreadsheet (OWASP "CSV injection"): text starting with =, +,
// @, a tab or a carriage return gets a leading single quote, and so does
// text starting with - unless it is a plain number ("-12.50", "-1 234,5"),
// so negative amounts stay readable while "-2+3+cmd|..." is defused.
func GuardFormula(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '@', '\t', '\r':
		return "'" + s
	case '-':
		if !isPlainNumber(s[1:]) {
			return "'" + s
		}
	}
	return s
}

// UnguardFormula undoes GuardFormula, for reading such a file back.
func UnguardFormula(s string) string {
	if len(s) >= 2 && s[0] == '\'' {
		switch s[1] {
		case '=', '+', '@', '\t', '\r':
			return s[1:]
		case '-':
			if !isPlainNumber(s[2:]) {
				return s[1:]
			}
		}
	}
	return s
}

// isPlainNumber reports whether s is digits with the decimal and grouping
// separators spreadsheets use (. , space, no-break spaces, apostrophe),
// starting with a digit or a decimal separator followed by a digit.
func isPlainNumber(s string) bool {
	digits := 0
	for i, c := range s {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' || c == ',':
			if i == 0 && (len(s) < 2 || s[1] < '0' || s[1] > '9') {
				return false
			}
		case c == ' ' || c == '\u00a0' || c == '\u202f' || c == '\'':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return digits > 0
}
