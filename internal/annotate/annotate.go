package annotate

import (
	"bytes"
	"fmt"
	"path"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/mappings"
)

// Problem is one problem to show in the copy, located at a cell.
type Problem struct {
	// Severity is "error" or "warning" (anything but "warning" counts as
	// an error).
	Severity string
	// Sheet is the sheet name as the workbook spells it; "" for CSV input.
	Sheet string
	// Row is the row number as a spreadsheet shows it; 0 when the problem
	// concerns the whole file or sheet (it is then only listed).
	Row int
	// Col is the 1-based column; 0 when the problem concerns the whole row.
	Col int
	// Column is the header text of the column ("Amount"), Value the cell's
	// value as stored; Message says what is wrong and Hint what would fix
	// it.
	Column, Value, Message, Hint string
}

// SheetRange is a sheet holding records: the rows below HeaderRow get a
// status cell.
type SheetRange struct {
	Name      string // "" for CSV input
	HeaderRow int    // row number of the header (0: row 1)
}

// CSVOptions say how CSV input was read; give the same ones the conversion
// used, so that rows and numbers come out the same.
type CSVOptions struct {
	// Encoding and Delimiter force the text encoding and the delimiter, as
	// convert.Options does; empty: detected the same way.
	Encoding  string
	Delimiter rune
	// Locale is the mapping's locale: how the CSV's text numbers are
	// written ("" decimal: automatic, as convert decides it).
	Locale mappings.Locale
}

// Options are what Write annotates.
type Options struct {
	// Input is the user's original file: a workbook (.xlsx, .xlsm) or
	// delimited text (CSV, TSV, TXT). It is only read.
	Input    string
	Problems []Problem
	// DataSheets are the sheets that hold records, with their header
	// rows; each gets a status column. Other sheets only get their cells
	// marked.
	DataSheets []SheetRange
	CSV        CSVOptions
	// RejectedWithGroup are rows of data sheets that have no error of
	// their own but were not converted because their group loan was
	// rejected (a group loan is sent whole or not at all). Their status
	// cell says "rejected with group G (see F4)" instead of "OK". They
	// are no problems: the errors sheet does not list them.
	RejectedWithGroup []GroupRow
}

// GroupRow is a row rejected with its group loan.
type GroupRow struct {
	Sheet string // as Problem.Sheet
	Row   int
	Group string // the group loan id
	// CauseSheet, CauseRow and CauseCol locate the problem that rejected
	// the group, as a Problem's Sheet, Row and Col do: the first error on
	// the group's rows, or on its schedule. CauseRow 0: not known.
	CauseSheet         string
	CauseRow, CauseCol int
}

const (
	// StatusHeader heads the status column added to each data sheet. It is
	// no column name or alias of any mapping, so converting the copy again
	// ignores the column (it is listed among the unmapped columns).
	StatusHeader = "kivaconv check"
	// ErrorsSheet is the name of the sheet listing the problems (followed
	// by " (2)" and so on when the workbook has its own sheet of that name).
	ErrorsSheet = "kivaconv errors"
	// Author signs the comments added to cells.
	Author = "kivaconv"
)

// FileName is the name of the annotated copy of input:
// "<base>.checked.xlsx" ("loans.xlsx" → "loans.checked.xlsx"). A
// macro-enabled workbook (.xlsm, .xltm) gives "<base>.checked.xlsm",
// since its macros stay in the copy; annotating an annotated copy again
// keeps its name ("loans.checked.xlsx" → "loans.checked.xlsx").
func FileName(input string) string {
	base := filepath.Base(input)
	ext := filepath.Ext(base)
	stem := strings.TrimSuffix(base, ext)
	stem = strings.TrimSuffix(stem, ".checked")
	if stem == "" {
		stem = "workbook"
	}
	switch strings.ToLower(ext) {
	case ".xlsm", ".xltm":
		return stem + ".checked.xlsm"
	}
	return stem + ".checked.xlsx"
}

// Limits that keep a file with very many problems quick to write and to
// open (excelize adds comments and links in quadratic time) and its
// memory bounded (the copy is built in memory, some 1–2 KB a cell):
// comments, links and errors-sheet rows beyond them are left out, and the
// errors sheet says so (errors.csv, beside the copy, lists every problem);
// every cell is still filled. Variables for tests.
var (
	maxComments  = 1000
	maxLinks     = 10000
	maxErrorRows = 20000
)

// Write writes the annotated copy of opts.Input to dst, replacing it
// atomically: the file at dst is the old one or the complete new one,
// never half written.
//
// CSV input becomes a workbook with one sheet named after the file. Its
// cells are written as text, as the file has them (IDs keep their leading
// zeros), with one exception: in a column holding numbers that a workbook
// would read differently, such as "1500,50" in a semicolon-delimited file
// whose decimal separator is a comma, the numbers become number cells with
// the exact value and a number format showing as many decimals as the
// file. A workbook's text numbers are always read with the mapping's
// explicit locale or a decimal point, so the text "1500,50" would be an
// error in the copy; a number cell reads the same in any locale.
//
// The copy records, in custom document properties, its modification time
// and whether it was made from an annotated copy, so that Edited can tell
// later whether it may hold values a person typed in.
func Write(dst string, opts Options) error {
	ext := strings.ToLower(filepath.Ext(dst))
	if ext != ".xlsx" && ext != ".xlsm" {
		return fmt.Errorf("annotated workbook %s: the name must end in .xlsx or .xlsm", dst)
	}
	book, err := input.Open(opts.Input, input.Options{Encoding: opts.CSV.Encoding, Delimiter: opts.CSV.Delimiter})
	if err != nil {
		return err
	}
	defer book.Close()

	a := &annotator{opts: opts, book: book, styles: map[styleKey]int{}, sheets: map[string]*sheetState{}}
	if book.Format() == input.XLSX {
		err = a.openWorkbook()
	} else {
		err = a.csvWorkbook()
	}
	if a.f != nil {
		defer a.f.Close()
	}
	if err != nil {
		return err
	}
	fromCopy := isAnnotatedCopy(a.f)
	if hasMacros(a.f) && ext == ".xlsx" {
		return fmt.Errorf("annotated workbook %s: %s has macros; name the copy .xlsm (annotate.FileName does)", dst, filepath.Base(opts.Input))
	}
	if err := a.annotate(); err != nil {
		return fmt.Errorf("annotating %s: %w", filepath.Base(opts.Input), err)
	}
	if err := markWritten(a.f, fromCopy); err != nil {
		return fmt.Errorf("annotated workbook %s: %w", dst, err)
	}
	// The extension of Path sets the workbook's content type (.xlsx or
	// .xlsm), whatever the input's was (a template, a CSV file).
	a.f.Path = dst
	var buf bytes.Buffer
	if _, err := a.f.WriteTo(&buf); err != nil {
		return fmt.Errorf("annotated workbook %s: %w", dst, err)
	}
	return batch.WriteFileAtomic(dst, buf.Bytes())
}

// annotator is the state of one Write.
type annotator struct {
	opts     Options
	book     input.Book
	f        *excelize.File
	csvSheet string       // the sheet a CSV file became; "" for workbooks
	csvRows  []*input.Row // the CSV's rows, kept to scan them for the status column

	styles   map[styleKey]int
	sheets   map[string]*sheetState // by sheet name as the workbook spells it
	comments int                    // comments added
	// commentsLeftOut counts cells left without a comment (maxComments).
	commentsLeftOut int
}

// sheetState is what the annotator knows of one sheet.
type sheetState struct {
	name     string
	merged   []excelize.MergeCell
	comments map[string]excelize.Comment // the user's comments not added back yet, by cell
	// commentCells are the cells of the user's comments, in order.
	commentCells []string
	data         *dataSheet // nil for sheets without records
}

// openWorkbook opens the user's workbook for editing.
func (a *annotator) openWorkbook() error {
	f, err := excelize.OpenFile(a.opts.Input, excelize.Options{UnzipSizeLimit: input.DefaultMaxUnzipBytes})
	if err != nil {
		return &input.FileError{File: a.opts.Input, Msg: "cannot open the workbook to annotate it: " + err.Error(), Err: err}
	}
	a.f = f
	if err := prepareComments(f); err != nil {
		return &input.FileError{File: a.opts.Input, Msg: "cannot read the workbook's comments to annotate it: " + err.Error(), Err: err}
	}
	return nil
}

// annotate applies everything to a.f.
func (a *annotator) annotate() error {
	active := a.f.GetSheetName(a.f.GetActiveSheetIndex())
	for _, name := range a.f.GetSheetList() {
		a.sheets[name] = &sheetState{name: name}
	}
	removed, err := a.removeOldErrorsSheets()
	if err != nil {
		return err
	}
	for _, name := range removed {
		if strings.EqualFold(name, active) {
			active = ""
		}
		delete(a.sheets, name)
	}
	for _, s := range a.sheetList() {
		if err := a.removeOldMarks(s); err != nil {
			return err
		}
	}
	for _, ds := range a.opts.DataSheets {
		s := a.sheet(ds.Name)
		if s == nil {
			return fmt.Errorf("data sheet %q is not in the workbook", ds.Name)
		}
		if s.data, err = a.scanDataSheet(s.name, ds.HeaderRow); err != nil {
			return err
		}
	}
	if err := a.markProblems(); err != nil {
		return err
	}
	if err := a.writeErrorsSheet(); err != nil {
		return err
	}
	idx, _ := a.f.GetSheetIndex(active)
	if active == "" || idx < 0 {
		idx = a.firstVisibleSheet()
	}
	a.f.SetActiveSheet(idx)
	return nil
}

// firstVisibleSheet is the index of the first sheet that is not hidden
// (Excel cannot show a hidden sheet as the active one).
func (a *annotator) firstVisibleSheet() int {
	for i, name := range a.f.GetSheetList() {
		if visible, err := a.f.GetSheetVisible(name); err == nil && visible {
			return i
		}
	}
	return 0
}

// sheetList is the states of the user's sheets, in workbook order.
func (a *annotator) sheetList() []*sheetState {
	var out []*sheetState
	for _, name := range a.f.GetSheetList() {
		if s := a.sheets[name]; s != nil {
			out = append(out, s)
		}
	}
	return out
}

// sheet finds a sheet by the name a problem or the options give: "" is
// the CSV's sheet; otherwise the exact name, else one differing in case
// only (as Excel compares sheet names).
func (a *annotator) sheet(name string) *sheetState {
	if a.csvSheet != "" && (name == "" || name == a.book.Sheets()[0].Name) {
		return a.sheets[a.csvSheet]
	}
	if s := a.sheets[name]; s != nil {
		return s
	}
	for n, s := range a.sheets {
		if strings.EqualFold(n, name) {
			return s
		}
	}
	return nil
}

// hasMacros reports whether a workbook holds a VBA project.
func hasMacros(f *excelize.File) bool {
	found := false
	f.Pkg.Range(func(k, _ any) bool {
		name, _ := k.(string)
		found = strings.EqualFold(path.Base(name), "vbaProject.bin")
		return !found
	})
	return found
}
