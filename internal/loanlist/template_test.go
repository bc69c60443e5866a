package loanlist_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/loanlist"
	"github.com/kiva-partners/kivaconv/mappings"
)

func TestTemplate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "repayments.xlsx")
	res, err := loanlist.WriteTemplate(path, testLoans)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 3 || res.OtherStatus != 1 || !slices.Equal(res.Duplicates, []string{"L-2"}) ||
		len(res.NoLoanID) != 1 || res.NoLoanID[0].ID != "2401" {
		t.Errorf("result = %+v", res)
	}
	rows := readCells(t, path, "Repayments")
	var got [][]string
	for _, r := range rows {
		var line []string
		for _, c := range r {
			line = append(line, c.Type.String()+":"+c.Text)
		}
		got = append(got, line)
	}
	want := [][]string{
		{"text:Loan ID", "text:Client ID", "text:Borrower name", "text:Amount"},
		// The Amount cells are empty (styled only: see below), and the
		// reader drops trailing blank cells.
		{"text:000123", "text:00045", `text:=HYPERLINK("http://x")`},
		{"text:L-2", "text:+254712345678", "text:Zoë Ñúñez"},
		{"text:L-10", "text:C-010", "text:Wanjiru Kamau"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("cells =\n%q\nwant\n%q", got, want)
	}

	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); !slices.Equal(sheets, []string{"Repayments"}) {
		t.Errorf("sheets = %q", sheets)
	}
	for ref, want := range map[string]struct {
		bold   bool
		numFmt int
	}{
		"A1": {true, 0}, "D1": {true, 0},
		"A2": {false, 49}, "B4": {false, 49}, // IDs: text format
		"D2": {false, 4}, "D4": {false, 4}, // Amount: #,##0.00
	} {
		if bold, nf := cellStyle(t, f, "Repayments", ref); bold != want.bold || nf != want.numFmt {
			t.Errorf("%s: bold %v, number format %d; want %v, %d", ref, bold, nf, want.bold, want.numFmt)
		}
	}
}

// convertTemplate converts a template with the embedded mappings (the
// mapping is chosen as for a dropped file) and returns the summary and
// the repayments written.
func convertTemplate(t *testing.T, path string, expected *loanlist.Set) (*convert.Summary, []string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out.kiva")
	sum, err := convert.Run(context.Background(), convert.Options{
		Input:      path,
		Mode:       convert.Write,
		Candidates: mappings.Embedded(),
		Today:      time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC),
		OutDir:     out,
		Expected:   expected,
		Version:    "test",
	})
	if err != nil {
		t.Fatalf("convert: %v", err)
	}
	var reps []string
	files, _ := filepath.Glob(filepath.Join(out, "repayments-*.json"))
	slices.Sort(files)
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Repayments []struct {
				LoanID string      `json:"loan_id"`
				Amount json.Number `json:"amount"`
			} `json:"repayments"`
		}
		if err := json.Unmarshal(data, &body); err != nil {
			t.Fatal(err)
		}
		for _, r := range body.Repayments {
			reps = append(reps, r.LoanID+"="+r.Amount.String())
		}
	}
	return sum, reps
}

func issuesText(sum *convert.Summary) string {
	var b strings.Builder
	for _, is := range sum.Issues {
		b.WriteString("  " + is.Text() + "\n")
	}
	return b.String()
}

// TestTemplateConverts fills in the amounts as a coordinator would (number
// cells typed into the formatted column) and converts the workbook.
func TestTemplateConverts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "repayments.xlsx")
	if _, err := loanlist.WriteTemplate(path, testLoans); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for ref, v := range map[string]float64{"D2": 1500.5, "D3": 84.85, "D4": 2000} {
		if err := f.SetCellFloat("Repayments", ref, v, -1, 64); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	expected, err := loanlist.Read(path) // the template is an expected list too
	if err != nil {
		t.Fatal(err)
	}
	sum, reps := convertTemplate(t, path, expected)
	if sum.Mapping != "repayments" || sum.Sheet != "Repayments" || sum.HeaderRow != 1 {
		t.Errorf("mapping %q, sheet %q, header row %d", sum.Mapping, sum.Sheet, sum.HeaderRow)
	}
	if sum.Records != 3 || sum.Rejected != 0 || sum.Errors != 0 || sum.Warnings != 0 {
		t.Errorf("records/rejected/errors/warnings = %d/%d/%d/%d\n%s", sum.Records, sum.Rejected, sum.Errors, sum.Warnings, issuesText(sum))
	}
	if !slices.Equal(sum.Unmapped, []string{"Borrower name"}) {
		t.Errorf("unmapped = %q", sum.Unmapped)
	}
	if want := []string{"000123=1500.5", "L-2=84.85", "L-10=2000"}; !slices.Equal(reps, want) {
		t.Errorf("repayments = %q, want %q", reps, want)
	}
	if e := sum.Expected; e == nil || e.Expected != 3 || len(e.Missing) != 0 || e.UnexpectedCount != 0 {
		t.Errorf("expected = %+v", sum.Expected)
	}
}

// TestTemplateUntouched converts the template as written: every Amount is
// empty, and the mapping requires it, so every row is rejected with an
// error on its Amount cell and nothing is written.
func TestTemplateUntouched(t *testing.T) {
	path := filepath.Join(t.TempDir(), "repayments.xlsx")
	if _, err := loanlist.WriteTemplate(path, testLoans); err != nil {
		t.Fatal(err)
	}
	sum, reps := convertTemplate(t, path, nil)
	if sum.Records != 0 || sum.Rejected != 3 || sum.Errors != 3 || sum.Warnings != 0 || len(reps) != 0 {
		t.Errorf("records/rejected/errors/warnings = %d/%d/%d/%d, %d repayments\n%s", sum.Records, sum.Rejected, sum.Errors, sum.Warnings, len(reps), issuesText(sum))
	}
	for i, is := range sum.Issues {
		want := input.Pos{File: path, Sheet: "Repayments", Row: i + 2, Col: 4}
		if is.Pos != want || is.Column != "Amount" || is.Message != "required, but the cell is empty" {
			t.Errorf("issue %d = %s", i, is.Text())
		}
	}
}
