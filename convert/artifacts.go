package convert

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kiva-partners/kivaconv/internal/annotate"
	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/review"
	"github.com/kiva-partners/kivaconv/internal/values"
	"github.com/kiva-partners/kivaconv/mappings"
)

// AnnotateMode says when convert writes the annotated copy of the input
// (<name>.checked.xlsx in the output folder).
type AnnotateMode int

const (
	// AnnotateAuto writes it when the conversion found problems and the
	// input is not too large for an in-memory workbook (AnnotateMaxCells);
	// always when the input is itself an annotated copy (it is brought up
	// to date). A stale copy from an earlier conversion is removed. In
	// every mode, a copy that may hold values a person typed in
	// (annotate.Edited: saved since kivaconv wrote it, or made from a
	// fixed copy) is neither replaced nor removed, unless it is the input.
	AnnotateAuto AnnotateMode = iota
	// AnnotateAlways writes it even when there are no problems or the
	// input is large.
	AnnotateAlways
	// AnnotateNever neither writes nor removes one.
	AnnotateNever
)

// AnnotateMaxCells is the largest input AnnotateAuto annotates, counted in
// the cells of its data rows (12,500 rows of 20 columns): the copy is built
// in memory (excelize), up to 2.2 KB per cell at the peak (measured by `make
// hostile`: 400,000 cells took 530 to 870 MB), so a limit in rows would let
// 50,000 rows of 16,384 columns take hundreds of gigabytes.
const AnnotateMaxCells = 250_000

// IsAnnotatedCopy reports whether input is an annotated copy sitting in its
// own output folder ("loans.kiva/loans.checked.xlsx"), however the path is
// written ("loans.checked.xlsx" from inside loans.kiva is one too).
func IsAnnotatedCopy(input string) bool {
	base := filepath.Base(input)
	ext := filepath.Ext(base)
	stem, ok := strings.CutSuffix(strings.TrimSuffix(base, ext), ".checked")
	if !ok || stem == "" {
		return false
	}
	dir := filepath.Dir(input)
	if abs, err := filepath.Abs(input); err == nil {
		dir = filepath.Dir(abs)
	}
	// A workbook named like a copy ("loans.checked.xlsx") has its copy of
	// the same name in loans.checked.kiva.
	d := filepath.Base(dir)
	return d == stem+".kiva" || d == stem+".checked.kiva"
}

// writeArtifacts writes the output folder's review.html and, when wanted,
// the annotated copy of the input. They are for people: a failure is a
// note in the summary, not a failed conversion (the batches are written).
func (c *run) writeArtifacts() {
	dir := c.sum.OutDir
	probs := make([]review.Problem, 0, len(c.sum.Issues))
	for _, is := range c.sum.Issues {
		p := review.Problem{Severity: is.Severity.String(), File: filepath.Base(is.Pos.File), Sheet: is.Pos.Sheet,
			Row: is.Pos.Row, Column: is.Column, Field: is.Field, Value: is.Value, Message: is.Message, Hint: is.Hint, Record: is.Record}
		if is.Pos.Row > 0 && is.Pos.Col > 0 {
			p.Cell = is.Pos.CellRef()
		}
		probs = append(probs, p)
	}
	// Each problem names its borrower, read again from the main sheet's
	// rows (the conversion streams them and keeps no names): the reader
	// then knows whose loan a rejected row is. Names are extras: a file
	// that cannot be read again gives none.
	if c.m != nil && c.m.Kind == mappings.LoanDraft && len(probs) > 0 {
		who := review.NewBorrowers(c.sum.Sheet, probs)
		_ = safely(func() error {
			book, err := input.Open(c.opts.Input, input.Options{Encoding: c.opts.Encoding, Delimiter: c.opts.Delimiter})
			if err != nil {
				return err
			}
			defer book.Close()
			sheet := c.sum.Sheet
			if sheets := book.Sheets(); book.Format() == input.CSV && len(sheets) > 0 {
				sheet = sheets[0].Name
			}
			merged, ok := c.merged[sheet] // read by the conversion
			if !ok {
				merged, _ = book.Merged(sheet, c.sum.HeaderRow)
			}
			rs, err := book.Open(sheet)
			if err != nil {
				return err
			}
			defer rs.Close()
			var top []input.Row // the rows down to the header, for its texts
			var cols map[string]int
			for rs.Next() {
				r := rs.Row()
				if cols == nil {
					cp := *r
					cp.Cells = append([]input.Cell(nil), r.Cells...)
					top = append(top, cp)
					if r.Number >= c.sum.HeaderRow {
						texts := headerTexts(top, merged)
						cols = c.m.MatchHeader(texts[len(texts)-1]).Columns
					}
					continue
				}
				if !who.Wants(r.Number) {
					break
				}
				text := func(key string) string {
					if col, ok := cols[key]; ok {
						return strings.TrimSpace(r.Cell(col).Text)
					}
					return ""
				}
				id := func(key string) string {
					if col, ok := cols[key]; ok {
						if s, err := values.ID(r.Cell(col)); err == nil {
							return s
						}
					}
					return text(key)
				}
				groupID := ""
				if c.m.GroupBy != "" {
					groupID = id(c.m.GroupBy)
				}
				who.AddRow(r.Number, text(mappings.FFirstName), text(mappings.FLastName), text(mappings.FGroupName),
					id(mappings.FLoanID), groupID)
			}
			return rs.Err()
		})
		for i := range probs {
			probs[i].Borrower = who.Name(probs[i])
			if probs[i].Record == "" {
				probs[i].Record = who.Record(probs[i])
			}
		}
	}
	err := safely(func() error {
		return review.Write(dir, review.Options{Problems: probs, TruncatedProblems: c.sum.IssuesTruncated,
			Target: c.opts.Target, Title: filepath.Base(c.opts.Input), Reference: c.opts.Reference})
	})
	if err != nil {
		c.note("review.html could not be written: " + err.Error())
	} else {
		c.sum.Review = filepath.Join(dir, review.File)
	}

	dst := filepath.Join(dir, annotate.FileName(c.opts.Input))
	mode := c.opts.Annotate
	copyOfCopy := IsAnnotatedCopy(c.opts.Input)
	want := false
	switch mode {
	case AnnotateAlways:
		want = true
	case AnnotateAuto:
		switch {
		case copyOfCopy:
			want = true
		case c.sum.Errors+c.sum.Warnings == 0:
		case c.cells > AnnotateMaxCells:
			c.note(fmt.Sprintf("no annotated copy of the workbook: its data has %d cells, more than the %d an annotated copy is made for (errors.csv lists every problem; --annotate always makes one anyway)", c.cells, AnnotateMaxCells))
		default:
			want = true
		}
	}
	if !want {
		// A copy from an earlier conversion would show problems that are
		// gone; the input itself is never removed, nor a copy that may
		// hold a person's fixes.
		if mode != AnnotateNever && !sameFile(dst, c.opts.Input) && !c.keepEdited(dst) {
			if err := os.Remove(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
				c.note("could not remove the old " + filepath.Base(dst) + ": " + err.Error())
			}
		}
		return
	}
	if !sameFile(dst, c.opts.Input) && c.keepEdited(dst) {
		// The fixes typed into the copy are worth more than fresh marks:
		// converting that copy marks it again.
		c.sum.Annotated = dst
		return
	}
	aprobs := make([]annotate.Problem, 0, len(c.sum.Issues))
	for _, is := range c.sum.Issues {
		aprobs = append(aprobs, annotate.Problem{Severity: is.Severity.String(), Sheet: is.Pos.Sheet, Row: is.Pos.Row, Col: is.Pos.Col,
			Column: is.Column, Value: is.Value, Message: is.Message, Hint: is.Hint})
	}
	sheets := []annotate.SheetRange{{Name: c.sum.Sheet, HeaderRow: c.sum.HeaderRow}}
	if c.sum.ScheduleSheet != "" {
		sheets = append(sheets, annotate.SheetRange{Name: c.sum.ScheduleSheet, HeaderRow: c.sum.ScheduleHeaderRow})
	}
	withGroup := make([]annotate.GroupRow, 0, len(c.sum.GroupRejections))
	for _, g := range c.sum.GroupRejections {
		withGroup = append(withGroup, annotate.GroupRow{Sheet: g.Pos.Sheet, Row: g.Pos.Row, Group: g.Group,
			CauseSheet: g.Cause.Sheet, CauseRow: g.Cause.Row, CauseCol: g.Cause.Col})
	}
	err = safely(func() error {
		return annotateWrite(dst, annotate.Options{Input: c.opts.Input, Problems: aprobs, DataSheets: sheets,
			CSV:               annotate.CSVOptions{Encoding: c.opts.Encoding, Delimiter: c.opts.Delimiter, Locale: c.m.Locale},
			RejectedWithGroup: withGroup})
	})
	if err != nil {
		c.note("the annotated copy " + filepath.Base(dst) + " could not be written: " + err.Error())
		return
	}
	c.sum.Annotated = dst
}

// annotateWrite is annotate.Write (a variable for tests).
var annotateWrite = annotate.Write

// keepEdited reports whether the annotated copy dst, which is not the
// input, must be kept as it is because it may hold values a person typed
// in (see annotate.Edited), and notes so.
func (c *run) keepEdited(dst string) bool {
	edited, err := annotate.Edited(dst)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return false
	case err != nil:
		c.note(filepath.Base(dst) + " in the output folder cannot be read (" + err.Error() + "), so it was left as it is: delete it to get a new annotated copy")
		return true
	case !edited:
		return false
	}
	c.note(filepath.Base(dst) + " in the output folder may hold fixes typed into it, so it was kept as it is: drop that file on kivaconv to convert it, or delete it to get a new annotated copy")
	return true
}

// safely runs f, turning a panic into an error: review.html and the
// annotated copy are extras, and the batches are written by the time they
// are made.
func safely(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	return f()
}

func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
