package convert

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/kiva-partners/kivaconv/annotate"
	"github.com/kiva-partners/kivaconv/review"
)

// AnnotateMode says when convert writes the annotated copy of the input
// (<name>.checked.xlsx in the output folder).
type AnnotateMode int

const (
	// AnnotateAuto writes it when the conversion found problems and the
	// input is not too large for an in-memory workbook (AnnotateMaxRows);
	// always when the input is itself an annotated copy (it is brought up
	// to date). A stale copy from an earlier conversion is removed.
	AnnotateAuto AnnotateMode = iota
	AnnotateAlways
	AnnotateNever
)

// AnnotateMaxRows is the largest input AnnotateAuto annotates: the copy is
// built in memory (excelize), some 500 bytes per cell.
const AnnotateMaxRows = 50000

// IsAnnotatedCopy reports whether input is an annotated copy sitting in its
// own output folder ("loans.kiva/loans.checked.xlsx").
func IsAnnotatedCopy(input string) bool {
	base := filepath.Base(input)
	ext := filepath.Ext(base)
	stem, ok := strings.CutSuffix(strings.TrimSuffix(base, ext), ".checked")
	return ok && stem != "" && filepath.Base(filepath.Dir(input)) == stem+".kiva"
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
	err := review.Write(dir, review.Options{Problems: probs, TruncatedProblems: c.sum.IssuesTruncated,
		Target: c.opts.Target, Title: filepath.Base(c.opts.Input)})
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
		case c.sum.Rows > AnnotateMaxRows:
			c.note("no annotated copy of the workbook: it has more than 50,000 rows (errors.csv lists every problem; --annotate always makes one anyway)")
		default:
			want = true
		}
	}
	if !want {
		// A copy from an earlier conversion would show problems that are
		// gone; the input itself is never removed.
		if mode != AnnotateNever && !sameFile(dst, c.opts.Input) {
			if err := os.Remove(dst); err != nil && !errors.Is(err, fs.ErrNotExist) {
				c.note("could not remove the old " + filepath.Base(dst) + ": " + err.Error())
			}
		}
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
	err = annotate.Write(dst, annotate.Options{Input: c.opts.Input, Problems: aprobs, DataSheets: sheets,
		CSV: annotate.CSVOptions{Encoding: c.opts.Encoding, Delimiter: c.opts.Delimiter, Locale: c.m.Locale}})
	if err != nil {
		c.note("the annotated copy " + filepath.Base(dst) + " could not be written: " + err.Error())
		return
	}
	c.sum.Annotated = dst
}

func sameFile(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}
