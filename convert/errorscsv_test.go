package convert_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kiva-partners/kivaconv/batch"
	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/mappings"
)

// readErrorsCSV parses out/errors.csv (after its BOM), header included,
// each record of exactly nine cells.
func readErrorsCSV(t *testing.T, out string) [][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(out, batch.ErrorsFile))
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\ufeff"))))
	r.FieldsPerRecord = 9
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("errors.csv: %v", err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != "file,sheet,cell,row,column,field,value,severity,message" {
		t.Fatalf("errors.csv header: %q", recs)
	}
	return recs
}

// issueRecord is the errors.csv record of is, as a CSV reader gives it back.
func issueRecord(is convert.Issue) []string {
	cell, row := "", ""
	if is.Pos.Row > 0 && is.Pos.Col > 0 {
		cell = is.Pos.CellRef()
	}
	if is.Pos.Row != 0 {
		row = strconv.Itoa(is.Pos.Row)
	}
	msg := is.Message
	if is.Hint != "" {
		msg += " (" + is.Hint + ")"
	}
	rec := []string{filepath.Base(is.Pos.File), is.Pos.Sheet, cell, row, is.Column, is.Field, is.Value, is.Severity.String(), msg}
	for i, s := range rec {
		if i != 3 {
			rec[i] = strings.ReplaceAll(batch.GuardFormula(s), "\r\n", "\n")
		}
	}
	return rec
}

// checkErrorsCSVIsIssues: errors.csv lists the summary's issues (all of
// them: none truncated), in order.
func checkErrorsCSVIsIssues(t *testing.T, sum *convert.Summary, out string) {
	t.Helper()
	if sum.IssuesTruncated != 0 {
		t.Fatalf("%d issues truncated", sum.IssuesTruncated)
	}
	recs := readErrorsCSV(t, out)[1:]
	if len(recs) != len(sum.Issues) {
		t.Fatalf("errors.csv holds %d problems, the summary %d:\n%q\n%s", len(recs), len(sum.Issues), recs, issuesText(sum))
	}
	for i, is := range sum.Issues {
		if got, want := strings.Join(recs[i], "|"), strings.Join(issueRecord(is), "|"); got != want {
			t.Errorf("errors.csv problem %d = %q, want %q", i, got, want)
		}
	}
}

// TestScenarioErrorsCSVEveryProblem: errors.csv lists every problem, past
// the 100,000 errors the summary (report.txt, review.html) keeps; the
// report says how many it leaves out and where they all are.
func TestScenarioErrorsCSVEveryProblem(t *testing.T) {
	if testing.Short() {
		t.Skip("150,000 rows")
	}
	const n = 150_000
	var b strings.Builder
	b.WriteString("Loan ID,Client ID,Amount\n")
	for i := range n {
		fmt.Fprintf(&b, "%06d,C%d,%dx\n", i, i, i)
	}
	b.WriteString("999999,C,10\n")
	path := writeInput(t, t.TempDir(), "r.csv", []byte(b.String()))
	out := filepath.Join(t.TempDir(), "out.kiva")
	start := time.Now()
	// No annotated copy: 450,000 cells would get one, and it takes most
	// of the time.
	sum, err := convert.Run(context.Background(), convert.Options{Input: path, Mode: convert.Write,
		Candidates: mappings.Embedded(), Today: scnToday, OutDir: out, Annotate: convert.AnnotateNever})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d bad rows converted in %v", n, time.Since(start))
	checkCounts(t, sum, counts{records: 1, rejected: n, errors: n})
	if want := n - 100_000; sum.IssuesTruncated != want || len(sum.Issues) != 100_000 {
		t.Errorf("summary keeps %d issues, truncates %d; want 100000 and %d", len(sum.Issues), sum.IssuesTruncated, want)
	}
	recs := readErrorsCSV(t, out)
	if len(recs) != n+1 {
		t.Fatalf("errors.csv holds %d problems, want all %d", len(recs)-1, n)
	}
	for _, i := range []int{0, 99_999, 100_000, n - 1} {
		r := recs[i+1]
		if r[0] != "r.csv" || r[2] != "C"+strconv.Itoa(i+2) || r[6] != strconv.Itoa(i)+"x" || r[7] != "error" {
			t.Errorf("problem %d = %q", i, r)
		}
	}
	rep, err := os.ReadFile(filepath.Join(out, batch.ReportFile))
	if err != nil {
		t.Fatal(err)
	}
	if want := "… and 50000 more not listed here (errors.csv lists every problem)\n"; !bytes.Contains(rep, []byte(want)) {
		t.Errorf("report.txt does not say %q", want)
	}
}

// TestScenarioErrorsCSVLeadingBreak: a value starting with a line feed, a
// carriage return or a tab is guarded like "=" in errors.csv, and stays
// one quoted field.
func TestScenarioErrorsCSVLeadingBreak(t *testing.T) {
	path := writeInput(t, t.TempDir(), "r.csv", []byte("Loan ID,Client ID,Amount\n"+
		"001,C1,\"\n=1+1\"\n"+
		"002,C2,\"\r\n@SUM(A1)\"\n"+
		"003,C3,\"\tcmd\"\n"+
		"004,C4,10\n"))
	sum, out := mustRun(t, path, opts{})
	checkCounts(t, sum, counts{records: 1, rejected: 3, errors: 3})
	checkErrorsCSVIsIssues(t, sum, out)
	recs := readErrorsCSV(t, out)
	for i, want := range []string{"'\n=1+1", "'\n@SUM(A1)", "'\tcmd"} {
		if got := recs[i+1][6]; got != want {
			t.Errorf("value %d written as %q, want %q", i, got, want)
		}
	}
	data, _ := os.ReadFile(filepath.Join(out, batch.ErrorsFile))
	if bytes.Contains(data, []byte(",\"\r")) || bytes.Contains(data, []byte(",\"\n")) {
		t.Errorf("a cell of errors.csv starts with a line break:\n%q", data)
	}
}

// TestScenarioErrorsCSVBeforeFolder: problems found before the output
// folder is created (in the schedule sheet, read first) are in errors.csv
// in order, also past what waits in memory (the rest waits in a temporary
// file, removed after).
func TestScenarioErrorsCSVBeforeFolder(t *testing.T) {
	convert.SetMaxPending(t, 2)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dec20, jan20 := day(2026, 12, 20), day(2027, 1, 20)
	book := loanBook{
		loans: loans(
			borrower("L1", "C1", "Grace", "15000.50"),
			borrower("L2", "C2", "Ann", "10").with("Amount", "10O"),
		),
		sched: [][]any{
			inst("L1", dec20, "7500.25"), {"L1", jan20, "7500,25x", "1x"},
			{"L2", "someday", "1y", num("100")}, {"L3", dec20, "=2+2", num("100")},
		},
	}
	path := book.write(t, t.TempDir())
	sum, out := mustRun(t, path, opts{ref: testRef(t)})
	if sum.Errors < 5 {
		t.Fatalf("%d errors, want the schedule's and the loans' own:\n%s", sum.Errors, issuesText(sum))
	}
	checkErrorsCSVIsIssues(t, sum, out)
	if got := names(t, tmp); len(got) != 0 {
		t.Errorf("temporary files left: %q", got)
	}
}

// TestScenarioErrorsCSVDriftFirst: column changes are the first problems
// of errors.csv too.
func TestScenarioErrorsCSVDriftFirst(t *testing.T) {
	path := writeInput(t, t.TempDir(), "r.csv", []byte("Loan ID,Client ID,Amount Paid,Agence,Branch\n001,C1,10,X,b\n002,C2,12x,Y,b\n"))
	sum, out := mustRun(t, path, opts{mapping: parseMapping(t, driftMapping)})
	checkErrorsCSVIsIssues(t, sum, out)
	if recs := readErrorsCSV(t, out); len(recs) != 4 || recs[1][7] != "warning" || recs[3][6] != "12x" {
		t.Errorf("errors.csv: %q", recs)
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}
