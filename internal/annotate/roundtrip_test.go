package annotate_test

import (
	"bytes"
	"fmt"
	_ "image/jpeg" // decodes the photo AddPictureFromBytes sizes
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/internal/annotate"
)

// brokenLoans writes dir/loans.xlsx: the loans sample with four errors
// (an amount "12x", an empty first name, an impossible date, a principal
// "abc" on the schedule sheet) plus things the copy must keep: a
// formula, a picture, a comment on a cell with a problem and one on a
// cell without.
func brokenLoans(t *testing.T, dir string) string {
	t.Helper()
	f := open(t, filepath.Join(samples, "loans.xlsx"))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetCellStr("Loans", "F4", "12x"))
	must(f.SetCellValue("Loans", "C5", nil))
	must(f.SetCellStr("Loans", "H6", "32/13/2026"))
	must(f.SetCellStr("Schedule", "C3", "abc"))
	must(f.SetCellFormula("Loans", "W1", "LEN(A1)"))
	photo, err := os.ReadFile(filepath.Join(samples, "photos", "nakato.jpg"))
	must(err)
	must(f.AddPictureFromBytes("Loans", "W4", &excelize.Picture{Extension: ".jpg", File: photo, Format: &excelize.GraphicOptions{AltText: "Grace"}}))
	must(f.AddComment("Loans", excelize.Comment{Cell: "F4", Author: "Amina", Paragraph: []excelize.RichTextRun{{Text: "Check with the branch"}}}))
	must(f.AddComment("Loans", excelize.Comment{Cell: "A5", Author: "Amina", Paragraph: []excelize.RichTextRun{{Text: "VIP client"}}}))
	path := filepath.Join(dir, "loans.xlsx")
	save(t, f, path)
	return path
}

var loanSheets = []annotate.SheetRange{{Name: "Loans", HeaderRow: 3}, {Name: "Schedule", HeaderRow: 1}}

// TestLoansWorkbook annotates the loans sample with real problems from a
// conversion and checks the copy cell by cell.
func TestLoansWorkbook(t *testing.T) {
	dir := workDir(t)
	broken := brokenLoans(t, dir)
	sum := run(t, broken, "")
	ps := problems(sum)
	if sum.Errors != 4 {
		t.Fatalf("the broken sample gives %d errors, want 4:\n%s", sum.Errors, convert.Report(sum))
	}
	dst := filepath.Join(t.TempDir(), annotate.FileName(broken))
	if err := annotate.Write(dst, annotate.Options{Input: broken, Problems: ps, DataSheets: loanSheets}); err != nil {
		t.Fatal(err)
	}
	orig, cp := open(t, broken), open(t, dst)

	if got, want := cp.GetSheetList(), []string{"Loans", "Schedule", annotate.ErrorsSheet}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	if cp.GetActiveSheetIndex() != orig.GetActiveSheetIndex() {
		t.Errorf("active sheet %d, want %d", cp.GetActiveSheetIndex(), orig.GetActiveSheetIndex())
	}

	// Fills on exactly the cells with problems, red when one is an error;
	// everything else as it was.
	want := map[string]string{}
	for _, p := range ps {
		if p.Col == 0 || p.Row == 0 {
			continue
		}
		key := p.Sheet + "!" + cellName(p.Col, p.Row)
		if p.Severity == "error" || want[key] == "" {
			want[key] = map[string]string{"error": red, "warning": amber}[p.Severity]
		}
	}
	for _, k := range []string{"Loans!F4", "Loans!C5", "Loans!H6", "Schedule!C3"} {
		if want[k] != red {
			t.Errorf("no error at %s: %v", k, want)
		}
	}
	compareSheets(t, orig, cp, map[string]int{"Loans": 21, "Schedule": 5}, want)
	if fa, _ := cp.GetCellFormula("Loans", "W1"); fa != "LEN(A1)" {
		t.Errorf("formula W1: %q", fa)
	}

	for _, sheet := range orig.GetSheetList() {
		a, _ := orig.GetMergeCells(sheet)
		b, _ := cp.GetMergeCells(sheet)
		if !slices.EqualFunc(a, b, func(x, y excelize.MergeCell) bool {
			return x.GetStartAxis()+x.GetEndAxis() == y.GetStartAxis()+y.GetEndAxis()
		}) {
			t.Errorf("%s: merged cells %v became %v", sheet, a, b)
		}
	}
	if pa, pb := paneOf(t, orig, "Loans"), paneOf(t, cp, "Loans"); pa != pb {
		t.Errorf("frozen panes %+v became %+v", pa, pb)
	}

	// The picture.
	pics, err := cp.GetPictures("Loans", "W4")
	if err != nil || len(pics) != 1 {
		t.Fatalf("pictures at W4: %d, %v", len(pics), err)
	}
	photo, _ := os.ReadFile(filepath.Join(samples, "photos", "nakato.jpg"))
	if !bytes.Equal(pics[0].File, photo) {
		t.Error("the picture changed")
	}

	// Comments: the problems', the user's merged with one, the user's other
	// one untouched.
	cs := comments(t, cp, "Loans")
	f4 := commentText(cs["F4"])
	if cs["F4"].Author != "Amina" || !strings.HasPrefix(f4, "Check with the branch") ||
		!strings.Contains(f4, `cannot read "12x" as a number`) || !strings.Contains(f4, "To fix: ") {
		t.Errorf("comment F4 by %s: %q", cs["F4"].Author, f4)
	}
	if c := cs["C5"]; c.Author != annotate.Author || !strings.Contains(commentText(c), "required, but the cell is empty") {
		t.Errorf("comment C5 by %s: %q", c.Author, commentText(c))
	}
	if c := cs["A5"]; c.Author != "Amina" || commentText(c) != "VIP client" {
		t.Errorf("comment A5 by %s: %q", c.Author, commentText(c))
	}
	if c := comments(t, cp, "Schedule")["C3"]; !strings.Contains(commentText(c), `"abc" is not a number`) {
		t.Errorf("comment Schedule!C3: %q", commentText(c))
	}
	for _, p := range ps {
		if p.Col > 0 {
			if c, ok := comments(t, cp, p.Sheet)[cellName(p.Col, p.Row)]; !ok || !strings.Contains(commentText(c), p.Message) {
				t.Errorf("%s!%s: comment %q lacks %q", p.Sheet, cellName(p.Col, p.Row), commentText(c), p.Message)
			}
		}
	}

	// The status columns.
	status := func(sheet string, row int) string {
		v, _ := cp.GetCellValue(sheet, cellName(map[string]int{"Loans": 21, "Schedule": 5}[sheet], row))
		return v
	}
	if status("Loans", 3) != annotate.StatusHeader || status("Schedule", 1) != annotate.StatusHeader {
		t.Errorf("status headers %q, %q", status("Loans", 3), status("Schedule", 1))
	}
	if styleOf(t, cp, "Loans", "U3").Font == nil || !styleOf(t, cp, "Loans", "U3").Font.Bold {
		t.Error("the status header does not look like the header")
	}
	for row, prefix := range map[int]string{
		4: `error: Amount: cannot read "12x"`,
		5: "error: First Name: required, but the cell is empty",
		6: `error: Disbursal Date: "32/13/2026" is not a date`,
	} {
		if got := status("Loans", row); !strings.HasPrefix(got, prefix) {
			t.Errorf("status of row %d: %q, want %q…", row, got, prefix)
		}
	}
	rows, _ := orig.GetRows("Loans")
	perRow := map[int][]annotate.Problem{}
	for _, p := range ps {
		if p.Sheet == "Loans" {
			perRow[p.Row] = append(perRow[p.Row], p)
		}
	}
	for row := 4; row <= len(rows); row++ {
		got, fill := status("Loans", row), fillOf(t, cp, "Loans", cellName(21, row))
		switch {
		case len(perRow[row]) == 0:
			if got != "OK" || fill != green {
				t.Errorf("row %d without problems: status %q, fill %s", row, got, fill)
			}
		case slices.ContainsFunc(perRow[row], func(p annotate.Problem) bool { return p.Severity == "error" }):
			if !strings.HasPrefix(got, "error: ") || fill != red {
				t.Errorf("row %d with errors: status %q, fill %s", row, got, fill)
			}
		default:
			if !strings.HasPrefix(got, "warning: ") || fill != amber {
				t.Errorf("row %d with warnings: status %q, fill %s", row, got, fill)
			}
		}
		if n := len(perRow[row]); n > 1 && !strings.HasSuffix(got, " (+"+strconv.Itoa(n-1)+" more)") {
			t.Errorf("row %d has %d problems: status %q", row, n, got)
		}
	}
	if got := status("Schedule", 3); got != `error: Principal: "abc" is not a number` {
		t.Errorf("schedule status of row 3: %q", got)
	}
	if got := status("Schedule", 2); got != "OK" {
		t.Errorf("schedule status of row 2: %q", got)
	}

	// The errors sheet: one row per problem, linked to its cell.
	erows := errorRows(t, cp)
	if len(erows) != len(ps) {
		t.Fatalf("errors sheet has %d rows, want %d", len(erows), len(ps))
	}
	for i, p := range ps {
		wantRow := []string{p.Severity, p.Sheet, cellName(p.Col, p.Row), p.Column, p.Value, p.Message, p.Hint}
		for j, w := range wantRow {
			if got := at(erows[i], j); got != w {
				t.Errorf("errors row %d column %d: %q, want %q", i+2, j+1, got, w)
			}
		}
		ok, loc, err := cp.GetCellHyperLink(annotate.ErrorsSheet, "C"+strconv.Itoa(i+2))
		if want := "'" + p.Sheet + "'!" + cellName(p.Col, p.Row); err != nil || !ok || loc != want {
			t.Errorf("errors row %d links to %q (%v, %v), want %q", i+2, loc, ok, err, want)
		}
	}
}

func paneOf(t *testing.T, f *excelize.File, sheet string) string {
	t.Helper()
	p, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%v %d %d %s", p.Freeze, p.XSplit, p.YSplit, p.TopLeftCell)
}

func cellName(col, row int) string {
	s, _ := excelize.CoordinatesToCellName(col, row)
	return s
}

// TestLoansRoundTrip is the promise: converting the annotated copy
// finds the same problems; fixing the flagged cells in the copy and
// converting it gives no errors and the same loan drafts as the clean
// sample.
func TestLoansRoundTrip(t *testing.T) {
	dir := workDir(t)
	broken := brokenLoans(t, dir)
	ps := problems(run(t, broken, ""))
	checked := filepath.Join(dir, annotate.FileName(broken))
	if err := annotate.Write(checked, annotate.Options{Input: broken, Problems: ps, DataSheets: loanSheets}); err != nil {
		t.Fatal(err)
	}

	// The copy as it is reads the same: same mapping, same problems.
	again := run(t, checked, "")
	if again.Mapping != "loans" || again.Sheet != "Loans" || again.HeaderRow != 3 {
		t.Errorf("the copy converts with mapping %s, sheet %s, header row %d", again.Mapping, again.Sheet, again.HeaderRow)
	}
	if got := problems(again); !slices.Equal(got, ps) {
		t.Errorf("the copy's problems differ:\n got %+v\nwant %+v", got, ps)
	}
	// The status column is kivaconv's own: not reported as unmapped.
	if slices.Contains(again.Unmapped, annotate.StatusHeader) {
		t.Errorf("unmapped columns %q list the status column", again.Unmapped)
	}

	// Fix the flagged cells the way the user would: type the right values
	// (those of the clean sample) into the copy and save it.
	clean := open(t, filepath.Join(samples, "loans.xlsx"))
	cp := open(t, checked)
	for _, p := range ps {
		if p.Severity != "error" {
			continue
		}
		cell := cellName(p.Col, p.Row)
		typ, _ := clean.GetCellType(p.Sheet, cell)
		raw, _ := clean.GetCellValue(p.Sheet, cell, excelize.Options{RawCellValue: true})
		var err error
		if typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			err = cp.SetCellStr(p.Sheet, cell, raw)
		} else {
			err = cp.SetCellDefault(p.Sheet, cell, raw) // a number: amount, date serial
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	save(t, cp, checked)

	fixedOut := filepath.Join(t.TempDir(), "fixed.kiva")
	fixed := run(t, checked, fixedOut)
	cleanOut := filepath.Join(t.TempDir(), "clean.kiva")
	want := run(t, filepath.Join(samples, "loans.xlsx"), cleanOut)
	if fixed.Errors != 0 || fixed.Rejected != 0 || fixed.Warnings != want.Warnings || fixed.Records != want.Records {
		t.Fatalf("fixed copy: %d errors, %d rejected, %d warnings, %d records; want 0, 0, %d, %d:\n%s",
			fixed.Errors, fixed.Rejected, fixed.Warnings, fixed.Records, want.Warnings, want.Records, convert.Report(fixed))
	}
	sameBatches(t, batches(t, fixedOut, "loan-draft-"), batches(t, cleanOut, "loan-draft-"))
}

// brokenRepayments writes dir/repayments.csv: the CSV sample (Windows-1252,
// semicolons, decimal commas) with an amount "84x85" and an empty loan
// ID.
func brokenRepayments(t *testing.T, dir string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(samples, "repayments.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range [][2]string{{"\n104410;", "\n;"}, {";84,85;", ";84x85;"}} {
		if !bytes.Contains(data, []byte(r[0])) {
			t.Fatalf("the sample has no %q", r[0])
		}
		data = bytes.Replace(data, []byte(r[0]), []byte(r[1]), 1)
	}
	path := filepath.Join(dir, "repayments.csv")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCSVRoundTrip: a CSV file becomes a workbook sheet whose IDs stay
// text and whose decimal-comma amounts become exact number cells; the copy
// converts with the same problems, and once fixed, to the same repayments
// as the clean sample.
func TestCSVRoundTrip(t *testing.T) {
	dir := t.TempDir()
	broken := brokenRepayments(t, dir)
	sum := run(t, broken, "")
	ps := problems(sum)
	if sum.Errors != 2 {
		t.Fatalf("the broken sample gives %d errors, want 2:\n%s", sum.Errors, convert.Report(sum))
	}
	checked := filepath.Join(dir, annotate.FileName(broken))
	if checked != filepath.Join(dir, "repayments.checked.xlsx") {
		t.Errorf("FileName: %s", checked)
	}
	err := annotate.Write(checked, annotate.Options{Input: broken, Problems: ps,
		DataSheets: []annotate.SheetRange{{Name: "", HeaderRow: sum.HeaderRow}}})
	if err != nil {
		t.Fatal(err)
	}
	cp := open(t, checked)
	if got := cp.GetSheetList(); !slices.Equal(got, []string{"repayments", annotate.ErrorsSheet}) {
		t.Fatalf("sheets %q", got)
	}
	for _, c := range []struct {
		cell, raw string
		typ       excelize.CellType
		format    any
	}{
		{"A1", "Loan ID", excelize.CellTypeSharedString, 0},
		{"A2", "000123", excelize.CellTypeSharedString, 0}, // leading zeros kept
		{"B2", "0045871", excelize.CellTypeSharedString, 0},
		{"C2", "2750", excelize.CellTypeUnset, "0.00"}, // 2750,00
		{"C3", "8100", excelize.CellTypeUnset, "0.00"},
		{"C4", "5200.15", excelize.CellTypeUnset, "0.00"},
		{"C6", "84x85", excelize.CellTypeSharedString, 0}, // not a number: as written
		{"C7", "3000", excelize.CellTypeUnset, "0.00"},
		{"D2", "Siège", excelize.CellTypeSharedString, 0}, // decoded from Windows-1252
		{"D4", "Tévragh Zeïna", excelize.CellTypeSharedString, 0},
		{"A4", "", excelize.CellTypeUnset, 0}, // the empty loan ID
	} {
		raw, _ := cp.GetCellValue("repayments", c.cell, excelize.Options{RawCellValue: true})
		typ, _ := cp.GetCellType("repayments", c.cell)
		if raw != c.raw || typ != c.typ {
			t.Errorf("%s: %q (type %v), want %q (type %v)", c.cell, raw, typ, c.raw, c.typ)
		}
		if got := numFmt(styleOf(t, cp, "repayments", c.cell)); got != c.format {
			t.Errorf("%s: number format %v, want %v", c.cell, got, c.format)
		}
	}
	for cell, want := range map[string]string{"A4": red, "C6": red, "E4": red, "E6": red, "E2": green, "C2": ""} {
		if got := fillOf(t, cp, "repayments", cell); got != want {
			t.Errorf("%s: fill %q, want %q", cell, got, want)
		}
	}
	if v, _ := cp.GetCellValue("repayments", "E1"); v != annotate.StatusHeader {
		t.Errorf("E1: %q", v)
	}
	for _, p := range ps {
		ok, loc, _ := cp.GetCellHyperLink(annotate.ErrorsSheet, "C"+strconv.Itoa(2+slices.Index(ps, p)))
		if want := "'repayments'!" + cellName(p.Col, p.Row); !ok || loc != want {
			t.Errorf("link %q, want %q", loc, want)
		}
	}

	// The copy converts with the same problems (same rows and columns).
	again := run(t, checked, "")
	if again.Mapping != sum.Mapping || again.Errors != 2 {
		t.Fatalf("the copy: mapping %s, %d errors:\n%s", again.Mapping, again.Errors, convert.Report(again))
	}
	for i, p := range problems(again) {
		if p.Row != ps[i].Row || p.Col != ps[i].Col || p.Severity != ps[i].Severity {
			t.Errorf("problem %d of the copy at row %d col %d, the CSV's at row %d col %d", i, p.Row, p.Col, ps[i].Row, ps[i].Col)
		}
	}

	// Fixed: the same repayments as the clean CSV.
	if err := cp.SetCellStr("repayments", "A4", "104410"); err != nil {
		t.Fatal(err)
	}
	if err := cp.SetCellFloat("repayments", "C6", 84.85, -1, 64); err != nil {
		t.Fatal(err)
	}
	save(t, cp, checked)
	fixedOut := filepath.Join(t.TempDir(), "fixed.kiva")
	fixed := run(t, checked, fixedOut)
	cleanOut := filepath.Join(t.TempDir(), "clean.kiva")
	run(t, filepath.Join(samples, "repayments.csv"), cleanOut)
	if fixed.Errors != 0 || fixed.Rejected != 0 {
		t.Fatalf("fixed copy:\n%s", convert.Report(fixed))
	}
	sameBatches(t, batches(t, fixedOut, "repayments-"), batches(t, cleanOut, "repayments-"))
}
