package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// committedDir is samples/, seen from this package's directory.
const committedDir = ".."

// TestGenerateDeterministic runs the generator twice and checks that both
// runs write the same bytes and that they equal the committed samples: a
// sample edited by hand, or a generator changed without regenerating,
// fails here. Fix: go run ./samples/gen (from the repository root).
func TestGenerateDeterministic(t *testing.T) {
	dirA, dirB := t.TempDir(), t.TempDir()
	filesA, err := generate(dirA)
	if err != nil {
		t.Fatal(err)
	}
	filesB, err := generate(dirB)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(filesA, ",") != strings.Join(filesB, ",") {
		t.Fatalf("file lists differ: %v vs %v", filesA, filesB)
	}
	for _, name := range filesA {
		a := readFile(t, filepath.Join(dirA, filepath.FromSlash(name)))
		b := readFile(t, filepath.Join(dirB, filepath.FromSlash(name)))
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two runs differ (sha256 %x vs %x)", name, sha256.Sum256(a), sha256.Sum256(b))
			continue
		}
		committed, err := os.ReadFile(filepath.Join(committedDir, filepath.FromSlash(name)))
		if err != nil {
			t.Errorf("%s: committed sample missing: %v (run: go run ./samples/gen)", name, err)
			continue
		}
		if !bytes.Equal(a, committed) {
			t.Errorf("samples/%s is stale (sha256 %x, generator writes %x); run: go run ./samples/gen",
				name, sha256.Sum256(committed), sha256.Sum256(a))
		}
	}
}

// TestLoansWorkbook reads the generated loans.xlsx back and checks the
// properties the converter's tests rely on.
func TestLoansWorkbook(t *testing.T) {
	dir := t.TempDir()
	if _, err := generate(dir); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenFile(filepath.Join(dir, "loans.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()

	if got := strings.Join(f.GetSheetList(), ","); got != "Loans,Schedule" {
		t.Fatalf("sheets = %s", got)
	}
	for _, sheet := range f.GetSheetList() {
		if visible, _ := f.GetSheetVisible(sheet); !visible {
			t.Errorf("sheet %s is hidden", sheet)
		}
	}
	rows, err := f.GetRows("Loans", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if rows[0][0] != loansTitle || len(rows[1]) != 0 {
		t.Errorf("rows 1-2 = %q, %q", rows[0], rows[1])
	}
	if got := strings.Join(rows[2], "|"); got != strings.Join(loanHeaders, "|") {
		t.Errorf("header = %s", got)
	}
	col := func(name string) int { return indexOf(loanHeaders, name) }
	amounts := map[string]float64{} // schedule ID → sum of borrowers' amounts
	for _, r := range rows[3:] {
		for len(r) < len(loanHeaders) {
			r = append(r, "")
		}
		id := r[col("Loan ID")]
		if g := r[col("Group Loan ID")]; g != "" {
			id = g
		}
		amounts[id] += mustFloat(t, r[col("Amount")])
	}
	if len(rows)-3 != countRows(loans) {
		t.Errorf("%d data rows, want %d", len(rows)-3, countRows(loans))
	}
	for row := 4; row < 4+countRows(loans); row++ {
		for _, name := range []string{"Loan ID", "Client ID"} {
			ref, _ := excelize.CoordinatesToCellName(col(name)+1, row)
			if typ, _ := f.GetCellType("Loans", ref); typ != excelize.CellTypeSharedString {
				t.Errorf("%s (%s) is not a text cell", ref, name)
			}
		}
	}

	sched, err := f.GetRows("Schedule", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	principal := map[string]float64{}
	for _, r := range sched[1:] {
		principal[r[0]] += mustFloat(t, r[2])
	}
	if len(principal) != len(loans) {
		t.Errorf("schedule has %d loans, want %d", len(principal), len(loans))
	}
	for id, want := range amounts {
		// Compare in cents: both sides are sums of 2-decimal amounts.
		if fmt.Sprintf("%.2f", principal[id]) != fmt.Sprintf("%.2f", want) {
			t.Errorf("%s: schedule principal %.2f, amount %.2f", id, principal[id], want)
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return v
}
