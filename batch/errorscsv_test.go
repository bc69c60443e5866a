package batch

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gocarina/gocsv"
)

func TestErrorsCSV(t *testing.T) {
	rows := []ErrorRow{
		{File: "loans.xlsx", Sheet: "Loans", Cell: "F17", Row: 17, Column: "Amount", Field: "amount", Value: "12,5x", Severity: "error", Message: `"12,5x" is not a number`},
		{File: "loans.xlsx", Sheet: "Loans", Cell: "C3", Row: 3, Column: "Nom", Field: "entreps[0].first_name", Value: "=HYPERLINK(\"http://x\")", Severity: "warning", Message: "Zoë: line one\nline two"},
		{File: "loans.csv", Cell: "", Row: 0, Field: "", Severity: "error", Message: "no column for loan_id"},
	}
	data, err := MarshalErrors(rows)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Errorf("no UTF-8 BOM: %q", data[:8])
	}
	text := strings.TrimPrefix(string(data), "\ufeff")
	lines := strings.Split(text, "\r\n")
	if lines[0] != "file,sheet,cell,row,column,field,value,severity,message" {
		t.Errorf("header = %q", lines[0])
	}
	want := "" +
		"file,sheet,cell,row,column,field,value,severity,message\r\n" +
		"loans.xlsx,Loans,F17,17,Amount,amount,\"12,5x\",error,\"\"\"12,5x\"\" is not a number\"\r\n" +
		"loans.xlsx,Loans,C3,3,Nom,entreps[0].first_name,\"'=HYPERLINK(\"\"http://x\"\")\",warning,\"Zoë: line one\r\nline two\"\r\n" +
		"loans.csv,,,,,,,error,no column for loan_id\r\n"
	if text != want {
		t.Errorf("errors.csv =\n%q\nwant\n%q", text, want)
	}

	// It reads back (through the same gocsv tags), in order, values guarded.
	var back []ErrorRow
	if err := gocsv.UnmarshalBytes([]byte(text), &back); err != nil {
		t.Fatal(err)
	}
	if len(back) != 3 || back[0] != rows[0] || back[2] != rows[2] || back[1].Value != "'"+rows[1].Value {
		t.Errorf("read back %+v", back)
	}

	empty, err := MarshalErrors(nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(empty) != "\ufefffile,sheet,cell,row,column,field,value,severity,message\r\n" {
		t.Errorf("no rows: %q", empty)
	}
}

func TestGuardFormula(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"Ana":                    "Ana",
		"=1+1":                   "'=1+1",
		"+254712345678":          "'+254712345678",
		"@SUM(A1)":               "'@SUM(A1)",
		"\tx":                    "'\tx",
		"\rx":                    "'\rx",
		"\nx":                    "'\nx",
		"\r\n=1+1":               "'\r\n=1+1",
		"\x00=1":                 "'\x00=1",
		"a\nb":                   "a\nb",
		"-12.50":                 "-12.50",
		"-1 234,50":              "-1 234,50",
		"-.5":                    "-.5",
		"-5":                     "-5",
		"-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0",
		"-":                      "'-",
		"- see note":             "'- see note",
		"-A1":                    "'-A1",
		"-,":                     "'-,",
		"12=3":                   "12=3",
		"a\tb":                   "a\tb",
	} {
		got := GuardFormula(in)
		if got != want {
			t.Errorf("GuardFormula(%q) = %q, want %q", in, got, want)
		}
		if back := UnguardFormula(got); back != in {
			t.Errorf("UnguardFormula(%q) = %q, want %q", got, back, in)
		}
	}
}

func TestWriteErrorsAndReport(t *testing.T) {
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindJournals})
	if err := w.WriteErrors([]ErrorRow{{File: "j.csv", Row: 2, Value: "@x", Severity: "error", Message: "empty subject"}}); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteReport("Journals: 0 written\n"); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(filepath.Join(dir, ErrorsFile))
	if !bytes.Contains(got, []byte("j.csv,,,2,,,'@x,error,empty subject\r\n")) {
		t.Errorf("errors.csv = %q", got)
	}
	rep, _ := os.ReadFile(filepath.Join(dir, ReportFile))
	if string(rep) != "Journals: 0 written\n" {
		t.Errorf("report.txt = %q", rep)
	}
	assertNoTemp(t, dir)
}
