package convert_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/internal/loanlist"
	"github.com/kiva-partners/kivaconv/mappings"
)

// Scenarios of convert --expected: a repayments report compared with the
// list of loans Kiva expects a repayment for.

// expectedList is the list most scenarios compare with.
func expectedList() *loanlist.Set {
	return loanlist.NewSet("lists/expected.csv", []loanlist.Entry{
		{LoanID: "001", ClientID: "C1", Name: "Awa Diop"},
		{LoanID: "002", ClientID: "C2", Name: "Bintou Sow"},
		{LoanID: "003", ClientID: "C3"},
		{LoanID: "004"},
	})
}

// runExpected converts input with expected and the given mapping (nil:
// the best fit).
func runExpected(t *testing.T, input string, expected *loanlist.Set, o opts) (*convert.Summary, string, error) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out.kiva")
	mode := convert.Write
	if o.dryRun {
		mode, out = convert.DryRun, ""
	}
	sum, err := convert.Run(context.Background(), convert.Options{
		Input: input, Mode: mode, Mapping: o.mapping, Candidates: mappings.Embedded(),
		Today: scnToday, Strict: o.strict, OutDir: out, Version: "scenario", Expected: expected,
	})
	return sum, out, err
}

func TestScenarioExpected(t *testing.T) {
	none := []convert.ExpectedLoan{}
	for _, tc := range []struct {
		name       string
		input      func(*testing.T, string) string
		o          opts
		counts     counts
		issues     []want
		reps       []rep
		missing    []convert.ExpectedLoan
		unexpected []convert.UnexpectedLoan
	}{
		{
			name:    "every expected loan reported",
			input:   csvIn("r.csv", "Loan ID,Amount\n004,1\n003,2\n002,3\n001,4\n"),
			counts:  counts{records: 4},
			reps:    []rep{{"004", "", "1"}, {"003", "", "2"}, {"002", "", "3"}, {"001", "", "4"}},
			missing: none,
		},
		{
			name:   "missing loans warn, an unknown loan is an error on its cell",
			input:  csvIn("r.csv", "Loan ID,Amount\n001,10\n009,5\n002,20\n"),
			counts: counts{records: 2, rejected: 1, errors: 1, warnings: 2},
			issues: []want{
				e("r.csv:3:1", "loan 009 is not in expected.csv, the list of loans Kiva expects a repayment for"),
				w("r.csv", "loan 003 (client C3) is in expected.csv but not in this report"),
				w("r.csv", "leave it out if the borrower repaid nothing this period"),
			},
			reps:       []rep{{"001", "", "10"}, {"002", "", "20"}},
			missing:    []convert.ExpectedLoan{{LoanID: "003", ClientID: "C3"}, {LoanID: "004"}},
			unexpected: []convert.UnexpectedLoan{{LoanID: "009", Cell: "A3", Row: 3, Line: 3}},
		},
		{
			name: "a rejected row still counts as reported; an unknown loan with a bad amount has both errors",
			input: csvIn("r.csv", "Loan ID,Amount\n001,12x\n002,1\n003,2\n004,3\n"+
				"010,1y\n"),
			counts: counts{records: 3, rejected: 2, errors: 3},
			issues: []want{
				e("r.csv:2:5", "12x"),
				e("r.csv:6:5", "1y"),
				e("r.csv:6:1", "loan 010 is not in expected.csv"),
			},
			reps:       []rep{{"002", "", "1"}, {"003", "", "2"}, {"004", "", "3"}},
			missing:    none,
			unexpected: []convert.UnexpectedLoan{{LoanID: "010", Cell: "A6", Row: 6, Line: 6}},
		},
		{
			name:   "IDs compare exactly: 1 is not 001",
			input:  csvIn("r.csv", "Loan ID,Amount\n1,10\n002,1\n003,2\n004,3\n"),
			counts: counts{records: 3, rejected: 1, errors: 1, warnings: 1},
			issues: []want{
				e("r.csv:2:1", "loan 1 is not in expected.csv"),
				w("r.csv", "loan 001 (client C1, Awa Diop) is in expected.csv but not in this report"),
			},
			reps:       []rep{{"002", "", "1"}, {"003", "", "2"}, {"004", "", "3"}},
			missing:    []convert.ExpectedLoan{{LoanID: "001", ClientID: "C1", Name: "Awa Diop"}},
			unexpected: []convert.UnexpectedLoan{{LoanID: "1", Cell: "A2", Row: 2, Line: 2}},
		},
		{
			name:    "strict: missing loans are errors",
			input:   csvIn("r.csv", "Loan ID,Amount\n001,10\n002,1\n003,2\n"),
			o:       opts{strict: true},
			counts:  counts{records: 3, errors: 1},
			issues:  []want{e("r.csv", "loan 004 is in expected.csv but not in this report")},
			reps:    []rep{{"001", "", "10"}, {"002", "", "1"}, {"003", "", "2"}},
			missing: []convert.ExpectedLoan{{LoanID: "004"}},
		},
		{
			name: "workbook: cells named on their sheet; a duplicate unknown loan is listed twice",
			input: xlsxIn("r.xlsx", bookSpec{sheets: []sheetSpec{repSheet(
				[]any{"001", "C1", 10}, []any{"002", "C2", 1}, []any{"X-9", "C9", 1}, []any{"003", "C3", 1},
				[]any{"004", "C4", 1}, []any{"X-9", "C9", 2})}}),
			counts: counts{records: 4, rejected: 2, errors: 3},
			issues: []want{
				e("Repayments!A4", "loan X-9 is not in expected.csv"),
				e("Repayments!A7", "loan X-9 is not in expected.csv"),
				e("Repayments!A7", "already reported on row 4"),
			},
			reps:    []rep{{"001", "", "10"}, {"002", "", "1"}, {"003", "", "1"}, {"004", "", "1"}},
			missing: none,
			unexpected: []convert.UnexpectedLoan{
				{LoanID: "X-9", Sheet: "Repayments", Cell: "A4", Row: 4},
				{LoanID: "X-9", Sheet: "Repayments", Cell: "A7", Row: 7},
			},
		},
		{
			name:    "dry run compares too",
			input:   csvIn("r.csv", "Loan ID,Amount\n001,10\n002,1\n003,2\n"),
			o:       opts{dryRun: true},
			counts:  counts{records: 3, warnings: 1},
			issues:  []want{w("r.csv", "loan 004 is in expected.csv")},
			missing: []convert.ExpectedLoan{{LoanID: "004"}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input := tc.input(t, t.TempDir())
			sum, out, err := runExpected(t, input, expectedList(), tc.o)
			if err != nil {
				t.Fatal(err)
			}
			checkCounts(t, sum, tc.counts)
			checkIssues(t, sum, tc.issues...)
			if !tc.o.dryRun {
				equalSlices(t, "repayments", readRepayments(t, out), tc.reps)
			}
			e := sum.Expected
			if e == nil {
				t.Fatal("no Expected in the summary")
			}
			if tc.unexpected == nil {
				tc.unexpected = []convert.UnexpectedLoan{}
			}
			if e.File != "lists/expected.csv" || e.Expected != 4 || e.UnexpectedCount != len(tc.unexpected) {
				t.Errorf("expected summary = %+v", e)
			}
			if !reflect.DeepEqual(e.Missing, tc.missing) {
				t.Errorf("missing = %+v, want %+v", e.Missing, tc.missing)
			}
			if !reflect.DeepEqual(e.Unexpected, tc.unexpected) {
				t.Errorf("unexpected = %+v, want %+v", e.Unexpected, tc.unexpected)
			}
		})
	}
}

// TestScenarioExpectedJSON checks the summary's "expected" object as
// kivaconv --json prints it.
func TestScenarioExpectedJSON(t *testing.T) {
	input := writeInput(t, t.TempDir(), "r.csv", []byte("Loan ID,Amount\n001,10\n009,5\n002,20\n003,1\n"))
	sum, _, err := runExpected(t, input, expectedList(), opts{dryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(sum)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Expected json.RawMessage `json:"expected"`
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	want := `{"file":"lists/expected.csv","expected":4,"missing":[{"loan_id":"004"}],` +
		`"unexpected":[{"loan_id":"009","cell":"A3","row":3,"line":3}],"unexpected_count":1}`
	if string(got.Expected) != want {
		t.Errorf("expected =\n%s\nwant\n%s", got.Expected, want)
	}

	// Without a list the key is absent.
	sum, _, err = runExpected(t, input, nil, opts{dryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if data, _ := json.Marshal(sum); strings.Contains(string(data), `"expected"`) || sum.Expected != nil {
		t.Errorf("no list, but: %s", data)
	}
}

// TestScenarioExpectedKind refuses --expected for anything but
// repayments, before the output folder is made.
func TestScenarioExpectedKind(t *testing.T) {
	dir := t.TempDir()
	input := writeInput(t, dir, "j.csv", []byte("Loan ID,Subject,Body\n001,Hello,A story\n"))
	sum, out, err := runExpected(t, input, expectedList(), opts{})
	var ke *convert.ExpectedKindError
	if !errors.As(err, &ke) || sum != nil {
		t.Fatalf("err = %v, summary %v", err, sum)
	}
	if !convert.IsInputError(err) {
		t.Error("not an input error")
	}
	for _, s := range []string{"j.csv", "read as journals (mapping journals)", "leave out --expected"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not contain %q", err, s)
		}
	}
	if _, statErr := os.Stat(out); !os.IsNotExist(statErr) {
		t.Errorf("output folder made: %v", statErr)
	}
}

// TestExpectedGolden converts the bundled repayments sample against a
// loans export (kivaconv loans --out loans.csv: two loans missing from the
// report, two of the report's loans not listed, one ended loan ignored)
// and compares every output file with testdata/expected/repayments.xlsx/.
func TestExpectedGolden(t *testing.T) {
	set, err := loanlist.Read(filepath.Join("testdata", "expected", "loans.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if set.Len() != 12 || set.Ignored != 1 {
		t.Fatalf("list: %d loans, %d ignored", set.Len(), set.Ignored)
	}
	out := t.TempDir()
	sum, err := convert.Run(context.Background(), convert.Options{
		Input:      filepath.Join(samplesDir, "repayments.xlsx"),
		Candidates: mappings.Embedded(),
		Today:      today,
		OutDir:     out,
		Version:    "golden",
		Expected:   set,
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Records != 10 || sum.Rejected != 2 || sum.Errors != 2 || sum.Warnings != 2 {
		t.Errorf("records/rejected/errors/warnings = %d/%d/%d/%d\n%s", sum.Records, sum.Rejected, sum.Errors, sum.Warnings, convert.Report(sum))
	}
	compareDir(t, out, filepath.Join("testdata", "expected", "repayments.xlsx"))
}
