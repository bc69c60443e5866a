package convert

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/mappings"
)

// A fixed header_row names the row a person sees, even when rows above it
// are empty (a workbook does not store them).
func TestFixedHeaderRowCountsSpreadsheetRows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gap.xlsx")
	f := excelize.NewFile()
	f.SetCellStr("Sheet1", "A1", "ACME repayments, November")
	// Row 2 is empty: not stored in the file.
	f.SetSheetRow("Sheet1", "A3", &[]any{"Loan ID", "Amount"})
	f.SetSheetRow("Sheet1", "A4", &[]any{"L-1", 10.5})
	f.SetSheetRow("Sheet1", "A5", &[]any{"L-2", 20})
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	base, err := mappings.Get("repayments")
	if err != nil {
		t.Fatal(err)
	}
	m := base.Clone()
	m.HeaderRow = 3
	sum, err := Run(context.Background(), Options{Input: path, Mapping: m, Mode: DryRun, Today: time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if sum.HeaderRow != 3 || sum.Records != 2 || sum.Errors != 0 {
		t.Fatalf("header row %d, records %d, errors %d: %v", sum.HeaderRow, sum.Records, sum.Errors, sum.Issues)
	}
}
