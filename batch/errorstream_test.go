package batch

import (
	"bytes"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readErrorsCSV parses errors.csv in dir (after its BOM) into records.
func readErrorsCSV(t *testing.T, dir string) [][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, ErrorsFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte(utf8BOM)) {
		t.Fatalf("errors.csv does not start with the BOM: %q", data[:min(len(data), 8)])
	}
	r := csv.NewReader(bytes.NewReader(data[len(utf8BOM):]))
	r.FieldsPerRecord = len(errorsHeader)
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("errors.csv is not valid CSV of %d columns: %v", len(errorsHeader), err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != "file,sheet,cell,row,column,field,value,severity,message" {
		t.Fatalf("errors.csv header = %q", recs)
	}
	return recs
}

// bigErrorRow is the i-th of many generated problems.
func bigErrorRow(i int) ErrorRow {
	n := strconv.Itoa(i + 2)
	return ErrorRow{File: "loans.csv", Cell: "C" + n, Row: i + 2, Column: "Amount", Field: "amount",
		Value: "x" + n, Severity: "error", Message: "amount is not a number"}
}

// TestStreamErrorsPastCap: a Writer streams every problem to errors.csv,
// well past the 100,000 that used to be kept, without keeping them: the
// live heap does not grow with the rows added.
func TestStreamErrorsPastCap(t *testing.T) {
	const n = 150_000
	dir := t.TempDir()
	start := time.Now()
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, Errors: true})
	if err := w.AddRepayment(repayment(1, "10"), "KES"); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range n {
		if err := w.AddError(bigErrorRow(i)); err != nil {
			t.Fatal(err)
		}
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	// 150,000 rows kept would be 150,000 × 136 bytes of ErrorRow at least
	// (20 MB), and their strings as much again.
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 4<<20 {
		t.Errorf("live heap grew by %d bytes over %d AddError calls: rows are kept", grew, n)
	}
	// Nothing under the final name before Close.
	if _, err := os.Lstat(filepath.Join(dir, ErrorsFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("errors.csv exists before Close: %v", err)
	}
	mustClose(t, w, info())
	t.Logf("%d problems streamed in %v; live heap %d → %d bytes, %d bytes allocated",
		n, time.Since(start), before.HeapAlloc, after.HeapAlloc, after.TotalAlloc-before.TotalAlloc)
	recs := readErrorsCSV(t, dir)
	if len(recs) != n+1 {
		t.Fatalf("errors.csv holds %d problems, want all %d", len(recs)-1, n)
	}
	for _, i := range []int{0, 99_999, 100_000, n - 1} {
		r := bigErrorRow(i)
		want := []string{r.File, r.Sheet, r.Cell, strconv.Itoa(r.Row), r.Column, r.Field, r.Value, r.Severity, r.Message}
		if got := recs[i+1]; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("problem %d = %q, want %q", i, got, want)
		}
	}
	assertNoTemp(t, dir)
	if _, err := ReadManifest(dir); err != nil {
		t.Error(err)
	}
}

// TestStreamErrorsSameBytes: streaming gives the bytes MarshalErrors gives.
func TestStreamErrorsSameBytes(t *testing.T) {
	rows := []ErrorRow{
		{File: "loans.xlsx", Sheet: "Loans", Cell: "F17", Row: 17, Column: "Amount", Field: "amount", Value: "12,5x", Severity: "error", Message: `"12,5x" is not a number`},
		{File: "loans.xlsx", Sheet: "Loans", Cell: "C3", Row: 3, Column: "Nom", Field: "entreps[0].first_name", Value: "\n=HYPERLINK(\"http://x\")", Severity: "warning", Message: "Zoë: line one\nline two"},
		{File: "loans.csv", Severity: "error", Message: "no column for loan_id"},
	}
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindJournals, Errors: true})
	for _, r := range rows {
		if err := w.AddError(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WriteErrors(rows); err == nil {
		t.Error("WriteErrors accepted by a writer that streams errors.csv")
	}
	mustClose(t, w, info())
	if err := w.WriteErrors(nil); err == nil {
		t.Error("WriteErrors after Close replaced the streamed errors.csv")
	}
	got, _ := os.ReadFile(filepath.Join(dir, ErrorsFile))
	want, err := MarshalErrors(rows)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("streamed errors.csv =\n%q\nMarshalErrors =\n%q", got, want)
	}
	if err := w.AddError(rows[0]); err == nil {
		t.Error("AddError after Close accepted")
	}
}

// TestStreamErrorsNone: with no problem, errors.csv is the header alone.
func TestStreamErrorsNone(t *testing.T) {
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, Errors: true})
	mustClose(t, w, info())
	got, _ := os.ReadFile(filepath.Join(dir, ErrorsFile))
	if string(got) != "\ufefffile,sheet,cell,row,column,field,value,severity,message\r\n" {
		t.Errorf("errors.csv = %q", got)
	}
	assertNoTemp(t, dir)
}

func TestAddErrorNeedsOption(t *testing.T) {
	w := mustCreate(t, t.TempDir(), CreateOptions{Kind: KindRepayments})
	if err := w.AddError(ErrorRow{Message: "x"}); err == nil {
		t.Error("AddError accepted without CreateOptions.Errors")
	}
	w.Abort()
}

// TestStreamErrorsAbort: an aborted conversion leaves no errors.csv and no
// temporary file.
func TestStreamErrorsAbort(t *testing.T) {
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, Errors: true})
	for i := range 5000 { // more than the buffer: some went to the file
		if err := w.AddError(bigErrorRow(i)); err != nil {
			t.Fatal(err)
		}
	}
	w.Abort()
	if err := w.AddError(bigErrorRow(0)); !errors.Is(err, ErrAborted) {
		t.Errorf("AddError after Abort = %v", err)
	}
	if got := names(t, dir); len(got) != 0 {
		t.Errorf("folder holds %q after Abort", got)
	}
}

// TestStreamErrorsWriteFailure: a failure writing errors.csv ends the
// conversion like a failing batch: the error names the file, no manifest
// is written, no temporary file stays.
func TestStreamErrorsWriteFailure(t *testing.T) {
	orig := createTemp
	setVar(t, &createTemp, func(dir, pattern string) (*os.File, error) {
		f, err := orig(dir, pattern)
		if err != nil || !strings.HasPrefix(pattern, "."+ErrorsFile+".") {
			return f, err
		}
		// Read-only: every write fails.
		name := f.Name()
		f.Close()
		return os.Open(name)
	})
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, Errors: true})
	var err error
	for i := range 100_000 {
		if err = w.AddError(bigErrorRow(i)); err != nil {
			break
		}
	}
	if err == nil {
		_, err = w.Close(info())
	} else if _, err2 := w.Close(info()); err2 != err {
		t.Errorf("Close = %v, want %v", err2, err)
	}
	if err == nil || !strings.Contains(err.Error(), ErrorsFile) {
		t.Fatalf("err = %v, want an error naming %s", err, ErrorsFile)
	}
	for _, n := range []string{ManifestFile, ErrorsFile} {
		if _, err := os.Stat(filepath.Join(dir, n)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s written after a failure: %v", n, err)
		}
	}
	assertNoTemp(t, dir)
}

// TestErrorsCSVLeadingBreaks: values starting with a line feed, a carriage
// return or a tab are guarded like "=", and stay valid quoted fields of
// the nine columns.
func TestErrorsCSVLeadingBreaks(t *testing.T) {
	values := []string{"\n=1+1", "\r\n@SUM(A1)", "\tx", "\ncmd|' /C calc'!A0", "=1"}
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, Errors: true})
	for i, v := range values {
		if err := w.AddError(ErrorRow{File: "l.csv", Row: i + 2, Value: v, Severity: "error", Message: "\nbad"}); err != nil {
			t.Fatal(err)
		}
	}
	mustClose(t, w, info())
	recs := readErrorsCSV(t, dir)
	if len(recs) != len(values)+1 {
		t.Fatalf("%d records, want %d", len(recs), len(values)+1)
	}
	for i, v := range values {
		got := recs[i+1]
		// The CSV reader gives a quoted CRLF back as LF.
		if want := "'" + strings.ReplaceAll(v, "\r\n", "\n"); got[6] != want {
			t.Errorf("value %q written as %q, want %q", v, got[6], want)
		}
		if got[8] != "'\nbad" {
			t.Errorf("message written as %q", got[8])
		}
		if got[3] != strconv.Itoa(i+2) {
			t.Errorf("row = %q", got[3])
		}
	}
	// No cell of the file starts with a line break: each starts with the
	// quote of the field or the guard's apostrophe.
	data, _ := os.ReadFile(filepath.Join(dir, ErrorsFile))
	if bytes.Contains(data, []byte(",\"\r")) || bytes.Contains(data, []byte(",\"\n")) || bytes.Contains(data, []byte(",\r")) {
		t.Errorf("a cell starts with a line break:\n%q", data)
	}
}

// BenchmarkStreamErrors: the cost of one problem in errors.csv.
func BenchmarkStreamErrors(b *testing.B) {
	dir := b.TempDir()
	w, err := Create(dir, CreateOptions{Kind: KindRepayments, Errors: true})
	if err != nil {
		b.Fatal(err)
	}
	r := bigErrorRow(12345)
	b.ReportAllocs()
	for b.Loop() {
		if err := w.AddError(r); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if _, err := w.Close(info()); err != nil {
		b.Fatal(err)
	}
}
