package input

import (
	"errors"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
)

// Format is the container format of an input file.
type Format string

const (
	XLSX Format = "xlsx"
	CSV  Format = "csv"
)

// CellType is how the file stored a cell.
type CellType uint8

const (
	Blank  CellType = iota // no value (an empty CSV field is Blank too)
	Text                   // a string: shared, inline or formula string; every non-empty CSV field
	Number                 // a number: Text holds the digits as written in the file ("84.849999999999994")
	Bool                   // a boolean: Text is "1" or "0"
	Error                  // an error value: Text is "#N/A", "#DIV/0!", ...
	Date                   // an ISO 8601 date cell (t="d"): Text is the ISO text
)

func (t CellType) String() string {
	return [...]string{"blank", "text", "number", "bool", "error", "date"}[t]
}

// Cell is one cell as stored in the file.
type Cell struct {
	Text string
	Type CellType
	// Format is the number format code of a Number cell ("0.00",
	// "dd/mm/yyyy", "00000", "General"); empty for CSV and non-numbers.
	Format string
	// Formula is true when the cell holds a formula. A formula with no
	// cached value has Type Blank and Formula true: the file was written by
	// a program that did not calculate it.
	Formula bool
	// Line and Column locate the cell in a text file (1-based line where
	// the field starts, 1-based byte column as encoding/csv reports it);
	// both are 0 for workbooks.
	Line, Column int
}

// Row is one row of a sheet. Cells[i] is column i+1; trailing blank cells
// may be absent, so index with Row.Cell.
type Row struct {
	// Number is the row number as a spreadsheet program shows it: the Excel
	// row number, or the 1-based record number of a CSV file (which is
	// what Excel shows when it opens the CSV).
	Number int
	// Line is the line where a CSV record starts; 0 for workbooks.
	Line   int
	Hidden bool
	Cells  []Cell
}

// Cell returns the cell in 0-based column col, or a Blank cell.
func (r *Row) Cell(col int) Cell {
	if col < 0 || col >= len(r.Cells) {
		return Cell{}
	}
	return r.Cells[col]
}

// Blank reports whether every cell of the row is blank or holds only
// spaces (an uncalculated formula is not blank: it must be reported).
func (r *Row) Blank() bool {
	for _, c := range r.Cells {
		switch {
		case c.Type == Blank && !c.Formula:
		case c.Type == Text && strings.TrimSpace(c.Text) == "":
		default:
			return false
		}
	}
	return true
}

// SheetInfo describes one sheet of a workbook.
type SheetInfo struct {
	Name   string
	Hidden bool // hidden or very hidden
}

// Book is an opened input file. A CSV file is a book with one sheet named
// after the file.
type Book interface {
	Path() string
	Format() Format
	Sheets() []SheetInfo
	// Date1904 reports the workbook's date system (false for CSV).
	Date1904() bool
	// Open streams the rows of a sheet. Only one sheet is open at a time.
	Open(sheet string) (Rows, error)
	// Merged returns the merged cell ranges of a sheet that start at rows
	// 1..maxRow (header detection only looks at the top of a sheet), or all
	// of them when maxRow <= 0.
	Merged(sheet string, maxRow int) ([]Range, error)
	// Notes are facts about the whole file worth telling the user, e.g.
	// "decoded as Windows-1252 (not valid UTF-8)".
	Notes() []string
	Close() error
}

// Rows is a pull iterator over a sheet's rows, in file order. Rows that
// are entirely absent from a workbook are skipped (Row.Number jumps).
type Rows interface {
	// Next advances to the next row; false at the end or on error.
	Next() bool
	// Row returns the current row. Its Cells slice is reused by Next: copy
	// what must outlive the call.
	Row() *Row
	// Err is the error that stopped Next, if any.
	Err() error
	Close() error
}

// Range is a rectangle of cells, 1-based and inclusive.
type Range struct {
	FromRow, FromCol, ToRow, ToCol int
}

// Pos locates a cell for messages: "loans.xlsx: Loans!F17" or
// "repayments.csv:17:6".
type Pos struct {
	File  string // base name of the input file
	Sheet string // empty for CSV
	Row   int    // row number as a spreadsheet shows it
	Col   int    // 1-based column index; 0 when the whole row is meant
	Line  int    // CSV: line of the field; 0 for workbooks
	Byte  int    // CSV: byte column of the field
}

// CellRef is the A1-style reference of the position ("F17"), or the row
// number alone when no column is known.
func (p Pos) CellRef() string {
	if p.Col <= 0 {
		return strconv.Itoa(p.Row)
	}
	return ColumnName(p.Col) + strconv.Itoa(p.Row)
}

// String formats the position the way editors and spreadsheet users read
// it: file:line:column for text files, file: Sheet!A1 for workbooks.
func (p Pos) String() string {
	f := filepath.Base(p.File)
	if p.Row <= 0 && p.Line <= 0 {
		if p.Sheet != "" {
			return f + ": sheet " + quoteSheet(p.Sheet)
		}
		return f
	}
	if p.Sheet == "" {
		switch {
		case p.Line > 0 && p.Byte > 0:
			return fmt.Sprintf("%s:%d:%d", f, p.Line, p.Byte)
		case p.Line > 0:
			return fmt.Sprintf("%s:%d", f, p.Line)
		}
		return fmt.Sprintf("%s: row %d", f, p.Row)
	}
	return fmt.Sprintf("%s: %s!%s", f, quoteSheet(p.Sheet), p.CellRef())
}

func quoteSheet(s string) string {
	for _, r := range s {
		if !(r == '_' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 127) {
			return "'" + s + "'"
		}
	}
	return s
}

// ColumnName turns a 1-based column index into letters: 1 → A, 27 → AA.
func ColumnName(col int) string {
	var b [8]byte
	i := len(b)
	for col > 0 {
		col--
		i--
		b[i] = byte('A' + col%26)
		col /= 26
	}
	return string(b[i:])
}

// PosError is a problem at a place inside an input file: a CSV quote
// error at line:column, a malformed cell in a worksheet part. Pos has File
// (and Sheet, Row, Col or Line when known); Part names the workbook part
// when no sheet is known.
type PosError struct {
	Pos  Pos
	Part string
	Msg  string
	Hint string
	Err  error
}

func (e *PosError) Error() string {
	var s string
	switch {
	case e.Pos.Row > 0 || e.Pos.Line > 0:
		s = e.Pos.String() + ": " + e.Msg
	case e.Pos.Sheet != "":
		s = filepath.Base(e.Pos.File) + ": sheet " + quoteSheet(e.Pos.Sheet) + ": " + e.Msg
	case e.Part != "":
		s = filepath.Base(e.Pos.File) + ": " + e.Part + ": " + e.Msg
	default:
		s = filepath.Base(e.Pos.File) + ": " + e.Msg
	}
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

func (e *PosError) Unwrap() error { return e.Err }

// IsInputError reports whether err is about the input file itself (its
// format, encoding or content), which the user can fix, rather than an
// unexpected failure.
func IsInputError(err error) bool {
	var fe *FileError
	var pe *PosError
	return errors.As(err, &fe) || errors.As(err, &pe)
}

// FileError is an input problem that concerns the whole file (wrong
// format, encrypted, empty), with a hint saying what would fix it.
type FileError struct {
	File string
	Msg  string
	Hint string
	Err  error
}

func (e *FileError) Error() string {
	s := filepath.Base(e.File) + ": " + e.Msg
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

func (e *FileError) Unwrap() error { return e.Err }

// Options tune Open.
type Options struct {
	// Encoding forces the text encoding of CSV input ("utf-8",
	// "windows-1252", "utf-16le", "iso-8859-1", ...). Empty: detect.
	Encoding string
	// Delimiter forces the CSV delimiter; 0: sniff among , ; tab |.
	Delimiter rune
	// MaxUnzipBytes caps the decompressed size of any one workbook part
	// (zip-bomb guard). 0: DefaultMaxUnzipBytes.
	MaxUnzipBytes int64
}

// DefaultMaxUnzipBytes is the default cap on one decompressed workbook part.
const DefaultMaxUnzipBytes = 1 << 30
