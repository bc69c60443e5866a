package loanlist_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/internal/loanlist"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// writeXLSX writes a workbook for Read: a hidden sheet first, then a
// sheet with a title row, a number-cell ID formatted with leading zeros,
// a status column and a blank row.
func writeXLSX(t *testing.T, loanIDText string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "list.xlsx")
	f := excelize.NewFile()
	defer f.Close()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetSheetName("Sheet1", "Old"))
	must(f.SetSheetRow("Old", "A1", &[]any{"Loan ID", "Client ID"}))
	must(f.SetSheetRow("Old", "A2", &[]any{"OLD-1", "X"}))
	_, err := f.NewSheet("Portfolio")
	must(err)
	must(f.SetSheetRow("Portfolio", "A1", &[]any{"Portfolio at 30 November 2026"}))
	must(f.SetSheetRow("Portfolio", "A3", &[]any{"Numéro de prêt", "Code Client", "Nom", "Loan status"}))
	must(f.SetSheetRow("Portfolio", "A4", &[]any{123, "C1", "Awa Diop", "payingBack"}))
	fmtZeros := "000000"
	zeros, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtZeros})
	must(err)
	must(f.SetCellStyle("Portfolio", "A4", "A4", zeros))
	must(f.SetSheetRow("Portfolio", "A5", &[]any{loanIDText, "C2", "Ended One", "Ended"}))
	must(f.SetSheetRow("Portfolio", "A7", &[]any{"L-7", nil, "  Moussa  ", nil}))
	must(f.SetSheetRow("Portfolio", "A8", &[]any{nil, "C9", "no loan id"}))
	f.SetActiveSheet(1) // the active sheet cannot be hidden
	must(f.SetSheetVisible("Old", false))
	must(f.SaveAs(path))
	return path
}

func TestReadTolerant(t *testing.T) {
	for _, tc := range []struct {
		name    string
		path    func(t *testing.T) string
		want    []loanlist.Entry
		ignored int
	}{
		{
			name: "French semicolon CSV",
			path: func(t *testing.T) string {
				return writeFile(t, "liste.csv", "N° Prêt;Code Client;Nom;Montant\r\n000123;00045;Awa;\r\n;;;\r\nL-9;;Zoë;12\r\n")
			},
			want: []loanlist.Entry{{LoanID: "000123", ClientID: "00045", Name: "Awa"}, {LoanID: "L-9", Name: "Zoë"}},
		},
		{
			name: "workbook: hidden sheet skipped, title row, number ID, status",
			path: func(t *testing.T) string { return writeXLSX(t, "L-5") },
			want: []loanlist.Entry{
				{LoanID: "000123", ClientID: "C1", Name: "Awa Diop"},
				{LoanID: "L-7", Name: "Moussa"},
			},
			ignored: 1,
		},
		{
			name: "JSON with other key spellings, numbers and nulls",
			path: func(t *testing.T) string {
				return writeFile(t, "list.json", `[{"Loan ID": 123, "Client ID": "C1", "Borrower name": "Awa"},
					{"loan_id": "L-2", "client_id": null, "status": "defaulted"},
					{"loan_id": "L-3", "status": "ended"},
					{"loan_id": "", "name": "no id"},
					{"loan_id": 123, "name": "again"}]`)
			},
			want:    []loanlist.Entry{{LoanID: "123", ClientID: "C1", Name: "Awa"}, {LoanID: "L-2"}},
			ignored: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := loanlist.Read(tc.path(t))
			if err != nil {
				t.Fatal(err)
			}
			if got := set.Entries(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("entries = %q\nwant %q", got, tc.want)
			}
			if set.Ignored != tc.ignored {
				t.Errorf("ignored = %d, want %d", set.Ignored, tc.ignored)
			}
		})
	}
}

func TestReadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		path func(t *testing.T) string
		want []string // fragments of the error
	}{
		{
			name: "no loan ID column",
			path: func(t *testing.T) string { return writeFile(t, "x.csv", "Name,Amount\nAwa,10\n") },
			want: []string{"x.csv", "no loan ID column", `"Loan ID"`},
		},
		{
			name: "ID that lost digits",
			path: func(t *testing.T) string { return writeXLSX(t, "1.23457E+18") },
			want: []string{"list.xlsx: Portfolio!A5", "loan ID", "lost digits"},
		},
		{
			name: "CSV ID with a line break",
			path: func(t *testing.T) string { return writeFile(t, "x.csv", "loan_id,name\n\"L\n1\",Awa\n") },
			want: []string{"x.csv:2:1", "line break"},
		},
		{
			name: "JSON object, not a list",
			path: func(t *testing.T) string { return writeFile(t, "x.json", `{"loan_id": "1"}`) },
			want: []string{"x.json", "not a list of loans"},
		},
		{
			name: "JSON item without a loan ID key",
			path: func(t *testing.T) string { return writeFile(t, "x.json", `[{"loan_id": "1"}, {"id": "2"}]`) },
			want: []string{"x.json: item 2", `"loan_id"`},
		},
		{
			name: "JSON value of the wrong type",
			path: func(t *testing.T) string { return writeFile(t, "x.json", `[{"loan_id": {"a": 1}}]`) },
			want: []string{"x.json: item 1", "must be a string"},
		},
		{
			name: "missing file",
			path: func(t *testing.T) string { return filepath.Join(t.TempDir(), "nope.csv") },
			want: []string{"nope.csv"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := loanlist.Read(tc.path(t))
			if err == nil {
				t.Fatalf("no error; read %q", set.Entries())
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
		})
	}
}

func TestNewSet(t *testing.T) {
	s := loanlist.NewSet("", []loanlist.Entry{{LoanID: "B"}, {LoanID: ""}, {LoanID: "A", Name: "first"}, {LoanID: "A", Name: "second"}})
	if got := s.Entries(); !reflect.DeepEqual(got, []loanlist.Entry{{LoanID: "B"}, {LoanID: "A", Name: "first"}}) {
		t.Errorf("entries = %q", got)
	}
}
