package batch

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
	"strconv"
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

// errorsHeader is the first line of errors.csv: the csv tags of ErrorRow,
// in order.
var errorsHeader = [...]string{"file", "sheet", "cell", "row", "column", "field", "value", "severity", "message"}

// utf8BOM makes Excel read the file as UTF-8 rather than the ANSI code page.
const utf8BOM = "\ufeff"

// errorsEncoder writes the content of errors.csv (see MarshalErrors) to an
// io.Writer, one row at a time, through a buffer: it keeps no row.
type errorsEncoder struct {
	cw  *csv.Writer
	rec [len(errorsHeader)]string
}

// newErrorsEncoder starts errors.csv on w: the byte-order mark and the
// header line, in the buffer until flush or the rows that follow fill it.
func newErrorsEncoder(w io.Writer) (*errorsEncoder, error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.WriteString(utf8BOM) // cannot fail: the buffer is empty
	// csv.NewWriter keeps bw itself as its buffer (it is large enough).
	e := &errorsEncoder{cw: csv.NewWriter(bw)}
	e.cw.UseCRLF = true
	if err := e.cw.Write(errorsHeader[:]); err != nil {
		return nil, err
	}
	return e, nil
}

// write adds the line of r, its cells formula-guarded.
func (e *errorsEncoder) write(r ErrorRow) error {
	row := ""
	if r.Row != 0 {
		row = strconv.Itoa(r.Row)
	}
	e.rec = [...]string{
		GuardFormula(r.File),
		GuardFormula(r.Sheet),
		GuardFormula(r.Cell),
		row,
		GuardFormula(r.Column),
		GuardFormula(r.Field),
		GuardFormula(r.Value),
		GuardFormula(r.Severity),
		GuardFormula(r.Message),
	}
	return e.cw.Write(e.rec[:])
}

// flush writes out what is buffered.
func (e *errorsEncoder) flush() error {
	e.cw.Flush()
	return e.cw.Error()
}

// MarshalErrors is the content of errors.csv: a UTF-8 byte-order mark, the
// header line, then one line per row in the order given, CRLF line ends.
// Cells are guarded against formula injection (see the package doc). A
// program reading the file back must skip the BOM first. A Writer created
// with CreateOptions.Errors streams the same content to the file instead.
func MarshalErrors(rows []ErrorRow) ([]byte, error) {
	var buf bytes.Buffer
	if err := encodeErrors(&buf, rows); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// encodeErrors writes the content of errors.csv for rows to w.
func encodeErrors(w io.Writer, rows []ErrorRow) error {
	e, err := newErrorsEncoder(w)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if err := e.write(r); err != nil {
			return err
		}
	}
	return e.flush()
}

// GuardFormula keeps a cell from being run as a formula when errors.csv is
// opened in a spreadsheet (OWASP "CSV injection"): text starting with =, +,
// @, a tab, a carriage return, a line feed or a NUL gets a leading single
// quote, and so does text starting with - unless it is a plain number
// ("-12.50", "-1 234,5"), so negative amounts stay readable while
// "-2+3+cmd|..." is defused. (A cell holding a line break is quoted in the
// file, as RFC 4180 says; the guard does not change that.)
func GuardFormula(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '@', '\t', '\r', '\n', 0:
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
		case '=', '+', '@', '\t', '\r', '\n', 0:
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
