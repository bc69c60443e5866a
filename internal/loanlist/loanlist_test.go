package loanlist_test

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/kiva-partners/kivaconv/internal/input"
	"github.com/kiva-partners/kivaconv/internal/loanlist"
	"github.com/kiva-partners/kivaconv/internal/partnerapi"
)

// testLoans covers leading zeros, a formula-like name, a client ID that
// starts with "+", accents, an amount no double holds exactly, a status
// that expects no repayment, a loan with no partner loan ID and a partner
// loan ID shared by two Kiva loans. They are not in loan ID order.
var testLoans = []partnerapi.Loan{
	{ID: "2345", InternalLoanID: "L-10", InternalClientID: "C-010", Name: "Wanjiru Kamau", Status: "payingBack", Currency: "KES", Amount: "50000.00"},
	{ID: "2301", InternalLoanID: "000123", InternalClientID: "00045", Name: `=HYPERLINK("http://x")`, Status: "defaulted", Currency: "KES", Amount: "12000.5"},
	{ID: "2399", InternalLoanID: "L-2", InternalClientID: "+254712345678", Name: "Zoë Ñúñez", Status: "payingBack", Currency: "XOF", Amount: "12345678901234567.89"},
	{ID: "2400", InternalLoanID: "L-3", InternalClientID: "C-3", Name: "Ended Loan", Status: "ended", Currency: "KES", Amount: "100"},
	{ID: "2401", InternalClientID: "C-9", Name: "No Internal", Status: "payingBack", Currency: "KES"},
	{ID: "2402", InternalLoanID: "L-2", InternalClientID: "C-2b", Name: "Second L-2", Status: "payingBack", Currency: "XOF", Amount: "300"},
}

// wantExpected is what Read gives for any export of testLoans: sorted by
// loan ID, the ended loan ignored, the loan without ID skipped, L-2 once.
var wantExpected = []loanlist.Entry{
	{LoanID: "000123", ClientID: "00045", Name: `=HYPERLINK("http://x")`},
	{LoanID: "L-2", ClientID: "+254712345678", Name: "Zoë Ñúñez"},
	{LoanID: "L-10", ClientID: "C-010", Name: "Wanjiru Kamau"},
}

func reversed(loans []partnerapi.Loan) []partnerapi.Loan {
	r := slices.Clone(loans)
	slices.Reverse(r)
	return r
}

func TestRoundTrip(t *testing.T) {
	for _, ext := range []string{".csv", ".xlsx", ".json"} {
		t.Run(ext, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "loans"+ext)
			f, err := loanlist.Write(path, testLoans)
			if err != nil {
				t.Fatal(err)
			}
			if "."+string(f) != ext {
				t.Errorf("format = %q", f)
			}
			set, err := loanlist.Read(path)
			if err != nil {
				t.Fatal(err)
			}
			if got := set.Entries(); !reflect.DeepEqual(got, wantExpected) {
				t.Errorf("read back\n%q\nwant\n%q", got, wantExpected)
			}
			if set.Ignored != 1 || set.Len() != 3 || set.Path != path {
				t.Errorf("Ignored = %d, Len = %d, Path = %q", set.Ignored, set.Len(), set.Path)
			}
			if i, ok := set.Index("L-2"); !ok || set.At(i).Name != "Zoë Ñúñez" {
				t.Errorf("Index(L-2) = %d, %v", i, ok)
			}
			for _, id := range []string{"123", "L-3", "", "l-2"} {
				if _, ok := set.Index(id); ok {
					t.Errorf("Index(%q) found", id)
				}
			}
		})
	}
}

func TestCSVBytes(t *testing.T) {
	data, err := loanlist.Marshal(loanlist.CSV, testLoans)
	if err != nil {
		t.Fatal(err)
	}
	want := "\ufeff" +
		"loan_id,client_id,kiva_id,name,status,currency,loan_amount\r\n" +
		",C-9,2401,No Internal,payingBack,KES,\r\n" +
		"000123,00045,2301,\"'=HYPERLINK(\"\"http://x\"\")\",defaulted,KES,12000.5\r\n" +
		"L-2,'+254712345678,2399,Zoë Ñúñez,payingBack,XOF,12345678901234567.89\r\n" +
		"L-2,C-2b,2402,Second L-2,payingBack,XOF,300\r\n" +
		"L-3,C-3,2400,Ended Loan,ended,KES,100\r\n" +
		"L-10,C-010,2345,Wanjiru Kamau,payingBack,KES,50000.00\r\n"
	if string(data) != want {
		t.Errorf("CSV =\n%q\nwant\n%q", data, want)
	}
	empty, err := loanlist.Marshal(loanlist.CSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(empty) != "\ufeffloan_id,client_id,kiva_id,name,status,currency,loan_amount\r\n" {
		t.Errorf("no loans: %q", empty)
	}
}

func TestJSONBytes(t *testing.T) {
	data, err := loanlist.Marshal(loanlist.JSON, testLoans[:2])
	if err != nil {
		t.Fatal(err)
	}
	want := `[
  {
    "loan_id": "000123",
    "client_id": "00045",
    "kiva_id": "2301",
    "name": "=HYPERLINK(\"http://x\")",
    "status": "defaulted",
    "currency": "KES",
    "loan_amount": "12000.5"
  },
  {
    "loan_id": "L-10",
    "client_id": "C-010",
    "kiva_id": "2345",
    "name": "Wanjiru Kamau",
    "status": "payingBack",
    "currency": "KES",
    "loan_amount": "50000.00"
  }
]
`
	if string(data) != want {
		t.Errorf("JSON =\n%s\nwant\n%s", data, want)
	}
	empty, err := loanlist.Marshal(loanlist.JSON, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(empty) != "[]\n" {
		t.Errorf("no loans: %q", empty)
	}
}

// readCells reads a sheet the way convert does.
func readCells(t *testing.T, path, sheet string) [][]input.Cell {
	t.Helper()
	book, err := input.Open(path, input.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	rs, err := book.Open(sheet)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var rows [][]input.Cell
	for rs.Next() {
		rows = append(rows, slices.Clone(rs.Row().Cells))
	}
	if err := rs.Err(); err != nil {
		t.Fatal(err)
	}
	return rows
}

// cellStyle returns the style of a cell: whether its font is bold, and its
// built-in number format.
func cellStyle(t *testing.T, f *excelize.File, sheet, ref string) (bold bool, numFmt int) {
	t.Helper()
	id, err := f.GetCellStyle(sheet, ref)
	if err != nil {
		t.Fatal(err)
	}
	st, err := f.GetStyle(id)
	if err != nil {
		t.Fatal(err)
	}
	return st.Font != nil && st.Font.Bold, st.NumFmt
}

func TestXLSXCells(t *testing.T) {
	path := filepath.Join(t.TempDir(), "loans.xlsx")
	if _, err := loanlist.Write(path, testLoans); err != nil {
		t.Fatal(err)
	}
	rows := readCells(t, path, "Loans")
	if len(rows) != 7 {
		t.Fatalf("%d rows, want header + 6", len(rows))
	}
	var hdr []string
	for _, c := range rows[0] {
		hdr = append(hdr, c.Text)
	}
	if !slices.Equal(hdr, []string{"loan_id", "client_id", "kiva_id", "name", "status", "currency", "loan_amount"}) {
		t.Errorf("header = %q", hdr)
	}
	// Row 3 is loan 000123: IDs are text, the amount a number holding
	// exactly the decimal; row 4 (L-2) has an amount no double holds,
	// kept as text; row 2 has no loan ID and no amount.
	for _, tc := range []struct {
		row, col int
		typ      input.CellType
		text     string
	}{
		{2, 0, input.Blank, ""},
		{2, 6, input.Blank, ""},
		{3, 0, input.Text, "000123"},
		{3, 1, input.Text, "00045"},
		{3, 2, input.Text, "2301"},
		{3, 3, input.Text, `=HYPERLINK("http://x")`},
		{3, 6, input.Number, "12000.5"},
		{4, 1, input.Text, "+254712345678"},
		{4, 6, input.Text, "12345678901234567.89"},
		{7, 6, input.Number, "50000"},
	} {
		c := rows[tc.row-1]
		var got input.Cell
		if tc.col < len(c) {
			got = c[tc.col]
		}
		if got.Type != tc.typ || got.Text != tc.text || got.Formula {
			t.Errorf("row %d col %d = %v %q (formula %v), want %v %q", tc.row, tc.col+1, got.Type, got.Text, got.Formula, tc.typ, tc.text)
		}
	}

	f, err := excelize.OpenFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if bold, _ := cellStyle(t, f, "Loans", "A1"); !bold {
		t.Error("header not bold")
	}
	if bold, nf := cellStyle(t, f, "Loans", "A3"); bold || nf != 49 {
		t.Errorf("loan ID cell: bold %v, number format %d; want text format 49", bold, nf)
	}
	if props, err := f.GetDocProps(); err != nil || props.Created != "2026-01-01T00:00:00Z" || props.Creator != "kivaconv" {
		t.Errorf("doc props = %+v, %v", props, err)
	}
}

func TestDeterministic(t *testing.T) {
	for _, f := range []loanlist.Format{loanlist.CSV, loanlist.XLSX, loanlist.JSON} {
		a, err := loanlist.Marshal(f, testLoans)
		if err != nil {
			t.Fatal(err)
		}
		b, err := loanlist.Marshal(f, reversed(testLoans))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: the bytes depend on the order of the loans or on the time", f)
		}
	}
	a, _, err := loanlist.Template(testLoans)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := loanlist.Template(reversed(testLoans))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("template: the bytes depend on the order of the loans or on the time")
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if _, err := loanlist.Write(filepath.Join(dir, "loans.xls"), testLoans); err == nil || !strings.Contains(err.Error(), ".csv, .xlsx or .json") {
		t.Errorf("unknown extension: %v", err)
	}
	if _, err := loanlist.WriteTemplate(filepath.Join(dir, "template.csv"), testLoans); err == nil || !strings.Contains(err.Error(), ".xlsx") {
		t.Errorf("template as CSV: %v", err)
	}
	if _, err := loanlist.Write(filepath.Join(dir, "missing", "loans.csv"), testLoans); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
	// Overwriting replaces the file whole; no temporary file is left.
	path := filepath.Join(dir, "loans.json")
	if err := os.WriteFile(path, bytes.Repeat([]byte("x"), 10000), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loanlist.Write(path, testLoans[:1]); err != nil {
		t.Fatal(err)
	}
	want, _ := loanlist.Marshal(loanlist.JSON, testLoans[:1])
	if got, _ := os.ReadFile(path); !bytes.Equal(got, want) {
		t.Errorf("file = %q", got)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if !slices.Equal(names, []string{"loans.json"}) {
		t.Errorf("folder holds %q", names)
	}
}
