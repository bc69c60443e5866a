package annotate_test

import (
	"bytes"
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

// sheet is one sheet of a test workbook: rows of cells, nil for empty.
type sheet struct {
	name string
	rows [][]any
}

// workbook writes a workbook with the sheets, in order.
func workbook(t *testing.T, path string, sheets ...sheet) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				if v != nil {
					if err := f.SetCellValue(s.name, cellName(c+1, r+1), v); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	save(t, f, path)
	return path
}

// repaymentRows is a small repayments sheet (header row 1).
var repaymentRows = [][]any{{"Loan ID", "Amount"}, {"000123", 2750.5}, {"000124", 8100}, {"000125", 12.25}}

func write(t *testing.T, opts annotate.Options) (*excelize.File, string) {
	t.Helper()
	dst := filepath.Join(t.TempDir(), annotate.FileName(opts.Input))
	if err := annotate.Write(dst, opts); err != nil {
		t.Fatal(err)
	}
	return open(t, dst), dst
}

// TestProblemsOutsideData: problems on rows below the data are shown
// (filled, commented, linked) without adding content that a conversion of
// the copy would read as rows; problems about the whole file or a sheet
// the workbook lacks are only listed.
func TestProblemsOutsideData(t *testing.T) {
	in := workbook(t, filepath.Join(t.TempDir(), "reps.xlsx"), sheet{"Repayments", repaymentRows})
	ps := []annotate.Problem{
		{Severity: "error", Sheet: "Repayments", Row: 50, Col: 2, Column: "Amount", Message: "far below"},
		{Severity: "warning", Sheet: "Repayments", Row: 60, Message: "a whole row far below"},
		{Severity: "error", Sheet: "Repayments", Row: 2, Message: "duplicate loan", Hint: "remove one"},
		{Severity: "warning", Message: "the workbook has 1 hidden sheet(s)"},
		{Severity: "error", Sheet: "Gone", Row: 3, Col: 1, Message: "on a sheet the copy lacks"},
	}
	cp, dst := write(t, annotate.Options{Input: in, Problems: ps, DataSheets: []annotate.SheetRange{{Name: "Repayments", HeaderRow: 1}}})

	if got := fillOf(t, cp, "Repayments", "B50"); got != red {
		t.Errorf("B50 fill %q", got)
	}
	if c := comments(t, cp, "Repayments")["B50"]; !strings.Contains(commentText(c), "far below") {
		t.Errorf("B50 comment %q", commentText(c))
	}
	// The status cell of row 60: filled and commented, but empty.
	if v, _ := cp.GetCellValue("Repayments", "C60"); v != "" || fillOf(t, cp, "Repayments", "C60") != amber {
		t.Errorf("C60: %q, fill %q", v, fillOf(t, cp, "Repayments", "C60"))
	}
	if c := comments(t, cp, "Repayments")["C60"]; !strings.Contains(commentText(c), "a whole row far below") {
		t.Errorf("C60 comment %q", commentText(c))
	}
	// A whole-row problem on a data row: the status cell says it.
	if v, _ := cp.GetCellValue("Repayments", "C2"); v != "error: duplicate loan" || fillOf(t, cp, "Repayments", "C2") != red {
		t.Errorf("C2: %q, fill %q", v, fillOf(t, cp, "Repayments", "C2"))
	}
	if c := comments(t, cp, "Repayments")["C2"]; !strings.Contains(commentText(c), "duplicate loan") || !strings.Contains(commentText(c), "To fix: remove one") {
		t.Errorf("C2 comment %q", commentText(c))
	}
	for _, cell := range []string{"C3", "C4"} {
		if v, _ := cp.GetCellValue("Repayments", cell); v != "OK" {
			t.Errorf("%s: %q", cell, v)
		}
	}
	if v, _ := cp.GetCellValue("Repayments", "C5"); v != "" {
		t.Errorf("C5 (below the data): %q", v)
	}

	rows := errorRows(t, cp)
	wantCells := []string{"B50", "row 60", "row 2", "", "A3"}
	wantLinks := []string{"'Repayments'!B50", "'Repayments'!C60", "'Repayments'!C2", "", ""}
	for i := range ps {
		if at(rows[i], 2) != wantCells[i] {
			t.Errorf("errors row %d cell %q, want %q", i+2, at(rows[i], 2), wantCells[i])
		}
		_, loc, _ := cp.GetCellHyperLink(annotate.ErrorsSheet, "C"+strconv.Itoa(i+2))
		if loc != wantLinks[i] {
			t.Errorf("errors row %d links to %q, want %q", i+2, loc, wantLinks[i])
		}
	}
	if at(rows[4], 1) != "Gone" || at(rows[3], 1) != "" {
		t.Errorf("sheets listed: %q, %q", at(rows[3], 1), at(rows[4], 1))
	}

	// Converting the copy reads the same three rows.
	sum := run(t, dst, "")
	if sum.Rows != 3 || sum.Errors != 0 || sum.Records != 3 {
		t.Errorf("the copy converts to %d rows, %d records, %d errors:\n%s", sum.Rows, sum.Records, sum.Errors, convert.Report(sum))
	}
	// The user empties row 4 of the copy; annotated again, its old status
	// goes, and the status column stays where it was.
	for _, c := range []string{"A4", "B4"} {
		if err := cp.SetCellValue("Repayments", c, nil); err != nil {
			t.Fatal(err)
		}
	}
	save(t, cp, dst)
	cp2, _ := write(t, annotate.Options{Input: dst, DataSheets: []annotate.SheetRange{{Name: "Repayments", HeaderRow: 1}}})
	if v, _ := cp2.GetCellValue("Repayments", "C4"); v != "" || fillOf(t, cp2, "Repayments", "C4") != "" {
		t.Errorf("C4 after emptying row 4: %q, fill %q", v, fillOf(t, cp2, "Repayments", "C4"))
	}
	if v, _ := cp2.GetCellValue("Repayments", "C3"); v != "OK" {
		t.Errorf("C3: %q", v)
	}
	if v, _ := cp2.GetCellValue("Repayments", "D1"); v != "" {
		t.Errorf("a second status column: D1 = %q", v)
	}
}

// TestSheetNameQuoting: links to a sheet whose name has spaces and an
// apostrophe quote it the way Excel does.
func TestSheetNameQuoting(t *testing.T) {
	name := "Bob's loans 2026"
	in := workbook(t, filepath.Join(t.TempDir(), "bob.xlsx"), sheet{name, repaymentRows})
	ps := []annotate.Problem{{Severity: "error", Sheet: name, Row: 3, Col: 2, Message: "bad"}}
	cp, _ := write(t, annotate.Options{Input: in, Problems: ps, DataSheets: []annotate.SheetRange{{Name: name, HeaderRow: 1}}})
	_, loc, err := cp.GetCellHyperLink(annotate.ErrorsSheet, "C2")
	if want := "'Bob''s loans 2026'!B3"; err != nil || loc != want {
		t.Errorf("link %q (%v), want %q", loc, err, want)
	}
	if rows := errorRows(t, cp); at(rows[0], 1) != name {
		t.Errorf("sheet listed as %q", at(rows[0], 1))
	}
	if fillOf(t, cp, name, "B3") != red {
		t.Error("B3 not filled")
	}
}

// TestNoProblems: a clean workbook gets "OK" on every row, no comments and
// an errors sheet that says there is nothing to fix.
func TestNoProblems(t *testing.T) {
	in := filepath.Join(samples, "loans.xlsx")
	cp, _ := write(t, annotate.Options{Input: in, DataSheets: loanSheets})
	compareSheets(t, open(t, in), cp, map[string]int{"Loans": 21, "Schedule": 5}, nil)
	for sheet, col := range map[string]int{"Loans": 21, "Schedule": 5} {
		rows, _ := cp.GetRows(sheet)
		header := map[string]int{"Loans": 3, "Schedule": 1}[sheet]
		for r := header + 1; r <= len(rows); r++ {
			if v, _ := cp.GetCellValue(sheet, cellName(col, r)); v != "OK" {
				t.Errorf("%s row %d: %q", sheet, r, v)
			}
			if fillOf(t, cp, sheet, cellName(col, r)) != green {
				t.Errorf("%s row %d not green", sheet, r)
			}
		}
		if cs := comments(t, cp, sheet); len(cs) != 0 {
			t.Errorf("%s has comments: %v", sheet, cs)
		}
	}
	rows := errorRows(t, cp)
	if len(rows) != 1 || !strings.HasPrefix(at(rows[0], 0), "No errors or warnings") {
		t.Errorf("errors sheet: %q", rows)
	}
}

// TestManyProblemsOneCell: one comment lists them all, red wins over
// amber, the status counts them, and each has its row in the errors sheet.
func TestManyProblemsOneCell(t *testing.T) {
	in := workbook(t, filepath.Join(t.TempDir(), "reps.xlsx"), sheet{"Repayments", repaymentRows})
	ps := []annotate.Problem{
		{Severity: "warning", Sheet: "Repayments", Row: 2, Col: 2, Column: "Amount", Message: "first, a warning"},
		{Severity: "error", Sheet: "Repayments", Row: 2, Col: 2, Column: "Amount", Message: "second, an error", Hint: "fix it"},
		{Severity: "warning", Sheet: "Repayments", Row: 2, Col: 2, Column: "Amount", Message: "third, a warning"},
		{Severity: "warning", Sheet: "Repayments", Row: 3, Col: 2, Column: "Amount", Message: "alone"},
	}
	cp, _ := write(t, annotate.Options{Input: in, Problems: ps, DataSheets: []annotate.SheetRange{{Name: "Repayments", HeaderRow: 1}}})
	if fillOf(t, cp, "Repayments", "B2") != red || fillOf(t, cp, "Repayments", "B3") != amber {
		t.Errorf("fills %q, %q", fillOf(t, cp, "Repayments", "B2"), fillOf(t, cp, "Repayments", "B3"))
	}
	cs := comments(t, cp, "Repayments")
	if len(cs) != 2 {
		t.Errorf("%d comments, want 2", len(cs))
	}
	text := commentText(cs["B2"])
	i1, i2, i3 := strings.Index(text, "first, a warning"), strings.Index(text, "second, an error"), strings.Index(text, "third, a warning")
	if i1 < 0 || i2 < i1 || i3 < i2 || !strings.Contains(text, "To fix: fix it") || strings.Count(text, "kivaconv check") != 1 {
		t.Errorf("comment B2: %q", text)
	}
	if v, _ := cp.GetCellValue("Repayments", "C2"); v != "error: Amount: second, an error (+2 more)" {
		t.Errorf("status C2: %q", v)
	}
	if v, _ := cp.GetCellValue("Repayments", "C3"); v != "warning: Amount: alone" {
		t.Errorf("status C3: %q", v)
	}
	rows := errorRows(t, cp)
	for i := range 3 {
		if _, loc, _ := cp.GetCellHyperLink(annotate.ErrorsSheet, "C"+strconv.Itoa(i+2)); loc != "'Repayments'!B2" || at(rows[i], 2) != "B2" {
			t.Errorf("errors row %d: %q links to %q", i+2, at(rows[i], 2), loc)
		}
	}
}

// TestErrorsSheetNameTaken: a sheet of the user's named like the errors
// sheet is kept as it is; the errors sheet takes the next name.
func TestErrorsSheetNameTaken(t *testing.T) {
	in := workbook(t, filepath.Join(t.TempDir(), "reps.xlsx"),
		sheet{"Repayments", repaymentRows}, sheet{annotate.ErrorsSheet, [][]any{{"my own notes"}}})
	ps := []annotate.Problem{{Severity: "error", Sheet: "Repayments", Row: 2, Col: 2, Message: "bad"}}
	cp, dst := write(t, annotate.Options{Input: in, Problems: ps, DataSheets: []annotate.SheetRange{{Name: "Repayments", HeaderRow: 1}}})
	want := []string{"Repayments", annotate.ErrorsSheet, annotate.ErrorsSheet + " (2)"}
	if got := cp.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	if v, _ := cp.GetCellValue(annotate.ErrorsSheet, "A1"); v != "my own notes" {
		t.Errorf("the user's sheet holds %q", v)
	}
	if rows := errorRows(t, cp); len(rows) != 1 || at(rows[0], 5) != "bad" {
		t.Errorf("errors rows %q", rows)
	}
	if cp.GetActiveSheetIndex() != 0 {
		t.Errorf("active sheet %d", cp.GetActiveSheetIndex())
	}
	// Annotating the copy again replaces its errors sheet, not the user's.
	cp2, _ := write(t, annotate.Options{Input: dst, Problems: ps, DataSheets: []annotate.SheetRange{{Name: "Repayments", HeaderRow: 1}}})
	if got := cp2.GetSheetList(); !slices.Equal(got, want) {
		t.Errorf("sheets after a second annotation %q, want %q", got, want)
	}
}

// TestReannotate: annotating an annotated copy (the user fixed some cells
// and converted it again) replaces the old annotations: one status column,
// one errors sheet, the user's comments as they were, and no fill left on
// a fixed cell.
func TestReannotate(t *testing.T) {
	dir := workDir(t)
	broken := brokenLoans(t, dir)
	checked := filepath.Join(dir, annotate.FileName(broken))
	opts := annotate.Options{Input: broken, Problems: problems(run(t, broken, "")), DataSheets: loanSheets}
	if err := annotate.Write(checked, opts); err != nil {
		t.Fatal(err)
	}
	// The user fixes the amount only and saves.
	cp := open(t, checked)
	if err := cp.SetCellFloat("Loans", "F4", 15000.5, -1, 64); err != nil {
		t.Fatal(err)
	}
	save(t, cp, checked)

	// Loan 000123 is now rejected for its schedule (A4) instead of its
	// amount (F4).
	sum := run(t, checked, "")
	if sum.Errors != 4 || !slices.ContainsFunc(sum.Issues, func(is convert.Issue) bool { return is.Pos.CellRef() == "A4" }) {
		t.Fatalf("%d errors after fixing the amount:\n%s", sum.Errors, convert.Report(sum))
	}
	again := filepath.Join(t.TempDir(), annotate.FileName(checked))
	if filepath.Base(again) != "loans.checked.xlsx" {
		t.Errorf("FileName(%s) = %s", checked, again)
	}
	if err := annotate.Write(again, annotate.Options{Input: checked, Problems: problems(sum), DataSheets: loanSheets}); err != nil {
		t.Fatal(err)
	}
	cp2 := open(t, again)
	if got := cp2.GetSheetList(); !slices.Equal(got, []string{"Loans", "Schedule", annotate.ErrorsSheet}) {
		t.Errorf("sheets %q", got)
	}
	if v, _ := cp2.GetCellValue("Loans", "V3"); v != "" {
		t.Errorf("a second status column: V3 = %q", v)
	}
	if v, _ := cp2.GetCellValue("Loans", "U4"); !strings.HasPrefix(v, "error: Loan ID: loan 000123 is rejected because its schedule") {
		t.Errorf("status of row 4: %q", v)
	}
	if v, _ := cp2.GetCellValue("Loans", "U8"); v != "OK" {
		t.Errorf("status of row 8: %q", v)
	}
	if v, _ := cp2.GetCellValue("Loans", "U5"); !strings.HasPrefix(v, "error: First Name") {
		t.Errorf("status of row 5: %q", v)
	}
	// F4 is as in the original: no fill, the user's comment alone.
	orig := open(t, filepath.Join(samples, "loans.xlsx"))
	if got, want := fillOf(t, cp2, "Loans", "F4"), fillOf(t, orig, "Loans", "F4"); got != want {
		t.Errorf("F4 fill %q, want %q", got, want)
	}
	cs := comments(t, cp2, "Loans")
	if c := cs["F4"]; c.Author != "Amina" || commentText(c) != "Check with the branch" {
		t.Errorf("F4 comment by %s: %q", c.Author, commentText(c))
	}
	if c := cs["C5"]; strings.Count(commentText(c), "required, but the cell is empty") != 1 {
		t.Errorf("C5 comment: %q", commentText(c))
	}
	if rows := errorRows(t, cp2); len(rows) != len(sum.Issues) {
		t.Errorf("errors sheet has %d rows, want %d", len(rows), len(sum.Issues))
	}
	if dn := cp2.GetDefinedName(); len(dn) != 1 || dn[0].Scope != annotate.ErrorsSheet {
		t.Errorf("defined names: %+v", dn)
	}
}

// TestTextNeverFormula: messages and values that look like formulas are
// written as text.
func TestTextNeverFormula(t *testing.T) {
	in := workbook(t, filepath.Join(t.TempDir(), "reps.xlsx"), sheet{"Repayments", repaymentRows})
	msg := `=HYPERLINK("http://example.invalid","click")`
	ps := []annotate.Problem{{Severity: "error", Sheet: "Repayments", Row: 2, Col: 2, Column: "=Amount", Value: "=1+1", Message: msg, Hint: "+SUM(A1)"}}
	cp, _ := write(t, annotate.Options{Input: in, Problems: ps, DataSheets: []annotate.SheetRange{{Name: "Repayments", HeaderRow: 1}}})
	for i, want := range []string{"error", "Repayments", "B2", "=Amount", "=1+1", msg, "+SUM(A1)"} {
		cell := cellName(i+1, 2)
		v, _ := cp.GetCellValue(annotate.ErrorsSheet, cell)
		f, _ := cp.GetCellFormula(annotate.ErrorsSheet, cell)
		if v != want || f != "" {
			t.Errorf("%s: value %q formula %q, want the text %q", cell, v, f, want)
		}
	}
	if v, f := cellValue(cp, "Repayments", "C2"); !strings.Contains(v, msg) || f != "" {
		t.Errorf("status: %q, formula %q", v, f)
	}
}

func cellValue(f *excelize.File, sheet, cell string) (string, string) {
	v, _ := f.GetCellValue(sheet, cell)
	fm, _ := f.GetCellFormula(sheet, cell)
	return v, fm
}

// TestMergedCell: a problem inside merged cells is shown on the visible,
// top-left cell.
func TestMergedCell(t *testing.T) {
	path := workbook(t, filepath.Join(t.TempDir(), "m.xlsx"), sheet{"Repayments", [][]any{{"Loan ID", "Amount", "Note"}, {"000123", 5, "x"}}})
	f := open(t, path)
	if err := f.MergeCell("Repayments", "B2", "C2"); err != nil {
		t.Fatal(err)
	}
	save(t, f, path)
	cp, _ := write(t, annotate.Options{Input: path, Problems: []annotate.Problem{{Severity: "error", Sheet: "Repayments", Row: 2, Col: 3, Message: "bad"}}})
	if fillOf(t, cp, "Repayments", "B2") != red {
		t.Error("B2 not filled")
	}
	if _, ok := comments(t, cp, "Repayments")["B2"]; !ok {
		t.Error("no comment on B2")
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{
		"loans.xlsx":                 "loans.checked.xlsx",
		"/data/Loans Nov.XLSX":       "Loans Nov.checked.xlsx",
		"repayments.csv":             "repayments.checked.xlsx",
		"export.txt":                 "export.checked.xlsx",
		"macros.xlsm":                "macros.checked.xlsm",
		"loans.checked.xlsx":         "loans.checked.xlsx",
		"noext":                      "noext.checked.xlsx",
		filepath.Join("a", "b.tsv"):  "b.checked.xlsx",
		"template.xltx":              "template.checked.xlsx",
		"loans.checked.checked.xlsx": "loans.checked.checked.xlsx",
	} {
		if got := annotate.FileName(in); got != want {
			t.Errorf("FileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestWriteFailures: a bad name or input leaves dst as it was, and a
// successful write leaves no temporary file behind.
func TestWriteFailures(t *testing.T) {
	dir := t.TempDir()
	in := workbook(t, filepath.Join(dir, "reps.xlsx"), sheet{"Repayments", repaymentRows})
	dst := filepath.Join(dir, "out", "reps.checked.xlsx")
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dst, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, o := range map[string]struct {
		dst  string
		opts annotate.Options
	}{
		"csv name":      {filepath.Join(dir, "out", "x.csv"), annotate.Options{Input: in}},
		"missing input": {dst, annotate.Options{Input: filepath.Join(dir, "nope.xlsx")}},
		"missing sheet": {dst, annotate.Options{Input: in, DataSheets: []annotate.SheetRange{{Name: "Loans", HeaderRow: 1}}}},
	} {
		if err := annotate.Write(o.dst, o.opts); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	if data, _ := os.ReadFile(dst); string(data) != "old" {
		t.Errorf("dst was changed: %q", data)
	}
	if err := annotate.Write(dst, annotate.Options{Input: in}); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Dir(dst))
	if len(entries) != 1 || entries[0].Name() != "reps.checked.xlsx" {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("folder holds %q", names)
	}
}

// TestMacroWorkbook: a macro-enabled workbook keeps its macros in an
// .xlsm copy and cannot be written as .xlsx.
func TestMacroWorkbook(t *testing.T) {
	dir := t.TempDir()
	f := excelize.NewFile()
	for c, v := range []string{"Loan ID", "Amount"} {
		f.SetCellStr("Sheet1", cellName(c+1, 1), v)
	}
	vba := append([]byte{0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1}, make([]byte, 504)...)
	if err := f.AddVBAProject(vba); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "macros.xlsm")
	save(t, f, in)
	if err := annotate.Write(filepath.Join(dir, "macros.checked.xlsx"), annotate.Options{Input: in}); err == nil || !strings.Contains(err.Error(), ".xlsm") {
		t.Errorf("writing .xlsx: %v", err)
	}
	dst := filepath.Join(dir, annotate.FileName(in))
	if err := annotate.Write(dst, annotate.Options{Input: in}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(dst)
	if !bytes.Contains(data, []byte("xl/vbaProject.bin")) {
		t.Error("the macros were dropped")
	}
	cp := open(t, dst)
	if v, _ := cp.GetCellValue("Sheet1", "B1"); v != "Amount" {
		t.Errorf("B1 = %q", v)
	}
}
