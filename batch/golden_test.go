package batch

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kiva-partners/kivaconv/kiva"
)

var update = flag.Bool("update", false, "rewrite golden files")

// checkGolden compares every file of got (a fresh output folder) with
// testdata/name, or rewrites testdata/name with -update.
func checkGolden(t *testing.T, got, name string) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.RemoveAll(golden); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(golden, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, n := range names(t, got) {
			data, err := os.ReadFile(filepath.Join(got, n))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(golden, n), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	gotNames, wantNames := names(t, got), names(t, golden)
	if !slices.Equal(gotNames, wantNames) {
		t.Errorf("files = %v, golden has %v (run go test ./batch/ -run Golden -update)", gotNames, wantNames)
	}
	for _, n := range wantNames {
		want, err := os.ReadFile(filepath.Join(golden, n))
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(filepath.Join(got, n))
		if err != nil {
			t.Error(err)
			continue
		}
		if !bytes.Equal(data, want) {
			t.Errorf("%s differs from %s:\n--- got\n%s\n--- want\n%s", n, filepath.Join(golden, n), data, want)
		}
	}
}

func TestGoldenRepayments(t *testing.T) {
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, BatchSize: 2})
	for _, r := range []kiva.Repayment{
		{LoanID: "KE-1001", ClientID: "C-77", Amount: kiva.MustAmount("1500.50")},
		{LoanID: "KE-1002", ClientID: "C-78", Amount: kiva.MustAmount("0.1")},
		{LoanID: "KE-1003", ClientID: "C-79", Amount: kiva.MustAmount("2000")},
	} {
		if err := w.AddRepayment(r, "KES"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Close(ManifestInfo{
		ToolVersion: "1.0.0",
		Source:      Source{Name: "repayments-2025-06.xlsx", SHA256: SHA256([]byte("workbook"))},
		Mapping:     MappingInfo{Name: "repayments", Source: "embedded:repayments.yaml", SHA256: SHA256([]byte("mapping"))},
		Counts:      Counts{RowsRead: 4, RowsRejected: 1, Errors: 1},
	}); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteErrors([]ErrorRow{{
		File: "repayments-2025-06.xlsx", Sheet: "Juin", Cell: "C5", Row: 5, Column: "Montant",
		Field: "amount", Value: "-12.5", Severity: "error", Message: "amount must be greater than 0",
	}}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, dir, "repayments")
}

func TestGoldenLoanDraft(t *testing.T) {
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindLoanDraft})
	d := draft("BR-9", "BRL", "1200")
	d.DisburseTime = "2025-06-02"
	d.Schedule = []kiva.ScheduleItem{
		{Date: "2025-07-02", Principal: kiva.MustAmount("600"), Interest: kiva.MustAmount("12.5")},
		{Date: "2025-08-02", Principal: kiva.MustAmount("600"), Interest: kiva.MustAmount("6.25")},
	}
	if _, err := w.AddLoanDraft(d); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Close(ManifestInfo{
		ToolVersion: "1.0.0",
		Source:      Source{Name: "emprestimos.xlsx", SHA256: SHA256([]byte("workbook"))},
		Mapping:     MappingInfo{Name: "loans", Source: "mappings/loans.yaml", SHA256: SHA256([]byte("mapping"))},
		Counts:      Counts{RowsRead: 1, Warnings: 1},
	}); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, dir, "loan_draft")
}
