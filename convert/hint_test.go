package convert_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/convert"
	"github.com/kiva-partners/kivaconv/internal/hinttest"
	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/values"
	"github.com/kiva-partners/kivaconv/mappings"
)

// TestHintsWorkbookFirst converts files with many kinds of problems and
// checks that every hint says first what to change in the workbook, and
// advice for whoever maintains the mapping (or set up kivaconv) only
// after values.ForMapping (or values.ForSetup).
func TestHintsWorkbookFirst(t *testing.T) {
	const repYAML = `kind: repayments
fields:
  loan_id: {column: Loan ID, type: id, required: true}
  amount: {column: Amount, type: decimal, required: true}
`
	check := func(t *testing.T, sum *convert.Summary) {
		t.Helper()
		if len(sum.Issues) == 0 {
			t.Fatal("no issues")
		}
		for _, is := range sum.Issues {
			if is.Hint == "" {
				continue // some problems need no hint
			}
			if err := hinttest.Check(is.Hint); err != nil {
				t.Errorf("%s: %v", is.Text(), err)
			}
		}
	}
	t.Run("repayments", func(t *testing.T) {
		in := writeInput(t, t.TempDir(), "r.csv", []byte("Loan ID,Amount\n"+
			"001,KES 500\n002,1 234\n003,12%\n004,abc\n005,\n006,-5\n007,0\n001,10\n008,10,extra\n"+
			"1.23457E+15,10\n009,1.2.3\n010,TRUE\n"))
		sum, _ := mustRun(t, in, opts{mapping: parseMapping(t, repYAML)})
		check(t, sum)
	})
	t.Run("drift", func(t *testing.T) {
		in := writeInput(t, t.TempDir(), "r.csv", []byte("Loan ID,Amount Paid,Branch\n001,10,b\n"))
		sum, _ := mustRun(t, in, opts{mapping: parseMapping(t, driftMapping)})
		check(t, sum)
	})
	t.Run("drift renamed", func(t *testing.T) {
		m := parseMapping(t, "kind: repayments\ncolumns: [Loan ID, Montant, Agence]\nfields:\n  loan_id: {column: Loan ID}\n  amount: {column: Montant, aliases: [Amount Paid]}\n  client_id: {column: Agence}\n")
		in := writeInput(t, t.TempDir(), "r.csv", []byte("Loan ID,Amount Paid,Branch\n001,10,b\n"))
		sum, _ := mustRun(t, in, opts{mapping: m})
		check(t, sum)
	})
	t.Run("drift renamed required", func(t *testing.T) {
		m := parseMapping(t, "kind: repayments\ncolumns: [Loan ID, Amount]\nfields:\n  loan_id: {column: Loan ID}\n  amount: {column: Amount}\n")
		in := writeInput(t, t.TempDir(), "r.csv", []byte("Loan ID,Montant payé\n001,10\n"))
		_, _, err := run(t, in, opts{mapping: m})
		if err == nil {
			t.Fatal("no error")
		}
		// The advice after the question (the start is the header error's).
		_, advice, _ := strings.Cut(err.Error(), "? ")
		if err := hinttest.Check(advice); err != nil {
			t.Error(err)
		}
	})
	t.Run("loans", func(t *testing.T) {
		dec20 := day(2026, 12, 20)
		one := borrower("L1", "C1", "Grace", "15000.50")
		book := loanBook{
			loans: loans(
				one,
				borrower("L2", "C2", "Amina", "100").with("Gender", "Autre", "Client Waiver Signed", "peut-être", "Image", "missing.jpg"),
				borrower("L3", "C3", "Rose", "100").with("Activity", "Retial", "Currency", nil, "Location", nil),
				borrower("L4", "C4", "Ann", "1").with("Amount", "1,00,0.5", "Image", "/abs/photo.png"),
				group("G1", "Solo", "GC1", borrower("L5", "C5", "Joy", "100")),
				group("G2", "Pair", "GC2", borrower("L6", "C6", "Eve", "100"), borrower("L7", "C7", "Ida", "100").with("Currency", "UGX")),
				one,
			),
			sched: [][]any{inst("L1", dec20, "15000.50"), inst("L9", dec20, "1"), inst("L2", "soon", "1")},
		}
		sum, _ := mustRun(t, book.write(t, t.TempDir()), opts{ref: testRef(t)})
		check(t, sum)
		sum, _ = mustRun(t, book.write(t, t.TempDir()), opts{})
		check(t, sum)
	})
	t.Run("mapping constant", func(t *testing.T) {
		// A value the mapping gives: nothing to change in the workbook.
		src, err := mappings.EmbeddedYAML("loans")
		if err != nil {
			t.Fatal(err)
		}
		yaml := regexp.MustCompile(`(?s)\n  description_language:\n.*?\n    lookup: language\n`).
			ReplaceAllString(string(src), "\n  description_language:\n    constant: Englsh\n    lookup: language\n")
		m, err := mappings.Parse([]byte(yaml), "constant.yaml")
		if err != nil {
			t.Fatal(err)
		}
		one := borrower("L1", "C1", "Grace", "15000.50").with("Description Language", nil)
		book := loanBook{loans: loans(one), sched: [][]any{inst("L1", day(2026, 12, 20), "15000.50")}}
		sum, _ := mustRun(t, book.write(t, t.TempDir()), opts{ref: testRef(t), mapping: m})
		check(t, sum)
		found := false
		for _, is := range sum.Issues {
			if strings.Contains(is.Message, "Englsh") {
				found = true
				if !strings.HasPrefix(is.Hint, values.MappingOnly("")) {
					t.Errorf("%s: want a hint for the mapping only", is.Text())
				}
			}
		}
		if !found {
			t.Errorf("no issue for the constant; issues:\n%s", issuesText(sum))
		}
	})
	t.Run("loans without schedule", func(t *testing.T) {
		row := make([]string, len(loanCols))
		for i, c := range loanCols {
			row[i] = fmt.Sprint(borrower("L1", "C1", "Grace", "100").with("Amount", "100", "Disbursal Date", "2026-11-20")[c])
		}
		in := writeInput(t, t.TempDir(), "loans.csv", []byte(strings.Join(loanCols, ",")+"\n"+strings.Join(row, ",")+"\n"))
		_, _, err := run(t, in, opts{mapping: builtin(t, "loans")})
		var fe *input.FileError
		if !errors.As(err, &fe) {
			t.Fatalf("error %v (%T), want an *input.FileError", err, err)
		}
		if err := hinttest.Check(fe.Hint); err != nil {
			t.Error(err)
		}
	})
}
