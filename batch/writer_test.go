package batch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/kiva-partners/kivaconv/kiva"
)

func ptr[T any](v T) *T { return &v }

func info() ManifestInfo {
	return ManifestInfo{
		ToolVersion: "test",
		Source:      Source{Name: "/home/ana/loans.xlsx", SHA256: strings.Repeat("a", 64)},
		Mapping:     MappingInfo{Name: "repayments", Source: "embedded:repayments.yaml", SHA256: strings.Repeat("b", 64)},
		Counts:      Counts{RowsRead: 3},
	}
}

func mustCreate(t *testing.T, dir string, opts CreateOptions) *Writer {
	t.Helper()
	w, err := Create(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func mustClose(t *testing.T, w *Writer, mi ManifestInfo) *Manifest {
	t.Helper()
	m, err := w.Close(mi)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func writeRepayments(t *testing.T, dir string, n int, opts CreateOptions) *Manifest {
	t.Helper()
	opts.Kind = KindRepayments
	w := mustCreate(t, dir, opts)
	for i := range n {
		r := kiva.Repayment{LoanID: fmt.Sprintf("L%04d", i+1), Amount: kiva.MustAmount("10.5")}
		if err := w.AddRepayment(r, "KES"); err != nil {
			t.Fatal(err)
		}
	}
	return mustClose(t, w, info())
}

func TestBatchSplitting(t *testing.T) {
	for _, tc := range []struct {
		records, size int
		want          []int
	}{
		{0, 0, nil},
		{1, 0, []int{1}},
		{250, 0, []int{250}},
		{251, 0, []int{250, 1}},
		{500, 0, []int{250, 250}},
		{5, 2, []int{2, 2, 1}},
		{300, 300, []int{300}},
	} {
		t.Run(fmt.Sprintf("%d/%d", tc.records, tc.size), func(t *testing.T) {
			dir := t.TempDir()
			m := writeRepayments(t, dir, tc.records, CreateOptions{BatchSize: tc.size})
			var got []int
			for i, b := range m.Batches {
				got = append(got, b.Records)
				if want := fmt.Sprintf("repayments-%04d.json", i+1); b.File != want {
					t.Errorf("batch %d file = %s, want %s", i, b.File, want)
				}
				var body kiva.RepaymentsBody
				data, err := os.ReadFile(filepath.Join(dir, b.File))
				if err != nil {
					t.Fatal(err)
				}
				if err := json.Unmarshal(data, &body); err != nil {
					t.Fatal(err)
				}
				if len(body.Repayments) != b.Records {
					t.Errorf("%s: %d repayments, manifest says %d", b.File, len(body.Repayments), b.Records)
				}
				// No per-record state in the manifest: loan ids are listed
				// for loan drafts only.
				if b.LoanIDs != nil {
					t.Errorf("%s: loan_ids listed for a repayments batch: %v", b.File, b.LoanIDs)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("batch sizes = %v, want %v", got, tc.want)
			}
			if m.Counts.RecordsWritten != tc.records {
				t.Errorf("records_written = %d, want %d", m.Counts.RecordsWritten, tc.records)
			}
			if errs := m.Verify(dir); errs != nil {
				t.Errorf("Verify: %v", errs)
			}
		})
	}
}

func TestBatchSizeLimits(t *testing.T) {
	for _, size := range []int{-1, MaxBatchSize + 1} {
		if _, err := Create(t.TempDir(), CreateOptions{Kind: KindRepayments, BatchSize: size}); err == nil {
			t.Errorf("batch size %d accepted", size)
		}
	}
	if _, err := Create(t.TempDir(), CreateOptions{Kind: "loans"}); err == nil {
		t.Error("unknown kind accepted")
	}
}

func TestBatchFileName(t *testing.T) {
	for _, tc := range []struct {
		kind string
		n    int
		want string
	}{
		{KindLoanDraft, 1, "loan-draft-0001.json"},
		{KindRepayments, 42, "repayments-0042.json"},
		{KindJournals, 9999, "journals-9999.json"},
		{KindLoanDraft, 10000, "loan-draft-10000.json"},
	} {
		if got := BatchFileName(tc.kind, tc.n); got != tc.want {
			t.Errorf("BatchFileName(%s, %d) = %s, want %s", tc.kind, tc.n, got, tc.want)
		}
		if !IsBatchFile(tc.want) {
			t.Errorf("IsBatchFile(%s) = false", tc.want)
		}
	}
	for _, n := range []string{"repayments-001.json", "loan-draft-0001.json.bak", "notes.json", "../repayments-0001.json"} {
		if IsBatchFile(n) {
			t.Errorf("IsBatchFile(%s) = true", n)
		}
	}
}

func draft(id, currency, amount string) *kiva.LoanDraft {
	return &kiva.LoanDraft{
		ActivityID:  ptr(61),
		Location:    "São Paulo",
		Currency:    currency,
		LoanUse:     "to buy rice & beans <bulk>",
		Description: "Ana sells \"fresh\" fruit.",
		Entreps:     []kiva.Entrep{{ClientID: "C-" + id, LoanID: id, FirstName: "Ana", Gender: "female", Amount: kiva.MustAmount(amount)}},
	}
}

func TestLoanDrafts(t *testing.T) {
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindLoanDraft})
	drafts := []*kiva.LoanDraft{draft("L1", "BRL", "100"), draft("L2", "BRL", "250.50"), draft("L3", "", "7")}
	var files []string
	for i, d := range drafts {
		file, err := w.AddLoanDraft(d)
		if err != nil {
			t.Fatal(err)
		}
		if want := fmt.Sprintf("loan-draft-%04d.json", i+1); file != want {
			t.Errorf("file = %s, want %s", file, want)
		}
		files = append(files, file)
	}
	if err := w.AddRepayment(kiva.Repayment{LoanID: "x"}, ""); err == nil {
		t.Error("repayment accepted by a loan-draft writer")
	}
	if _, err := w.AddLoanDraft(nil); err == nil {
		t.Error("nil draft accepted")
	}
	m := mustClose(t, w, info())
	// The files are under their final names once Close has returned.
	for i, file := range files {
		data, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := Encode(drafts[i])
		if !bytes.Equal(data, want) {
			t.Errorf("%s is not the draft's body:\n%s", file, data)
		}
		if !bytes.Contains(data, []byte("rice & beans <bulk>")) {
			t.Errorf("%s: HTML-escaped text:\n%s", file, data)
		}
		if b := m.Batches[i]; b.File != file || b.Records != 1 || b.SHA256 != SHA256(want) {
			t.Errorf("manifest entry %+v", b)
		}
	}
	if errs := m.Verify(dir); errs != nil {
		t.Error(errs)
	}
	assertNoTemp(t, dir)
	wantTotals := []Total{
		{Currency: "", Amount: kiva.MustAmount("7"), Records: 1},
		{Currency: "BRL", Amount: kiva.MustAmount("350.5"), Records: 2},
	}
	if !totalsEqual(m.Totals, wantTotals) {
		t.Errorf("totals = %v, want %v", m.Totals, wantTotals)
	}
	if got := m.Batches[1].LoanIDs; !slices.Equal(got, []string{"L2"}) {
		t.Errorf("loan_ids = %v", got)
	}
	if _, err := w.AddLoanDraft(draft("L4", "BRL", "1")); err == nil {
		t.Error("draft accepted after Close")
	}
	if _, err := w.Close(info()); err == nil {
		t.Error("second Close succeeded")
	}
}

func totalsEqual(a, b []Total) bool {
	return slices.EqualFunc(a, b, func(x, y Total) bool {
		return x.Currency == y.Currency && x.Records == y.Records && x.Amount.Equal(y.Amount)
	})
}

func TestTotalsExact(t *testing.T) {
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments})
	for i := range 3 {
		if err := w.AddRepayment(kiva.Repayment{LoanID: fmt.Sprint(i), Amount: kiva.MustAmount("0.1")}, "USD"); err != nil {
			t.Fatal(err)
		}
	}
	m := mustClose(t, w, info())
	if len(m.Totals) != 1 || !m.Totals[0].Amount.Equal(kiva.MustAmount("0.3")) || m.Totals[0].Records != 3 {
		t.Fatalf("totals = %v, want USD 0.3 over 3 records", m.Totals)
	}
	data, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
	if !bytes.Contains(data, []byte(`"amount": 0.3,`)) {
		t.Errorf("manifest does not hold the exact total 0.3:\n%s", data)
	}
}

func TestJournalWrapper(t *testing.T) {
	journals := []kiva.Journal{
		{InternalLoanID: "L1", Subject: "Update", Body: "Sales up 20% & growing"},
		{InternalLoanID: "L2", Subject: "Update", Body: "New stall"},
		{InternalLoanID: "L3", Subject: "Update", Body: "Repaid"},
	}
	for _, wrapped := range []bool{false, true} {
		t.Run(fmt.Sprint("wrapped=", wrapped), func(t *testing.T) {
			dir := t.TempDir()
			w := mustCreate(t, dir, CreateOptions{Kind: KindJournals, BatchSize: 2, JournalWrapped: wrapped})
			for _, j := range journals {
				if err := w.AddJournal(j); err != nil {
					t.Fatal(err)
				}
			}
			m := mustClose(t, w, info())
			if len(m.Batches) != 2 || len(m.Totals) != 0 || m.Totals == nil {
				t.Fatalf("batches %v totals %#v", m.Batches, m.Totals)
			}
			data, err := os.ReadFile(filepath.Join(dir, "journals-0001.json"))
			if err != nil {
				t.Fatal(err)
			}
			var want []byte
			if wrapped {
				want, _ = Encode(kiva.JournalsBody{Journals: journals[:2]})
			} else {
				want, _ = Encode(journals[:2])
			}
			if !bytes.Equal(data, want) {
				t.Errorf("journals-0001.json =\n%s\nwant\n%s", data, want)
			}
			if wrapped != bytes.HasPrefix(data, []byte("{")) {
				t.Errorf("wrapped=%v but file starts %q", wrapped, data[:1])
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	run := func(dir string) {
		w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, BatchSize: 3})
		for i := range 7 {
			cur := []string{"KES", "UGX", ""}[i%3]
			if err := w.AddRepayment(kiva.Repayment{LoanID: fmt.Sprint("L", i), Amount: kiva.MustAmount(fmt.Sprint(i, ".25"))}, cur); err != nil {
				t.Fatal(err)
			}
		}
		mustClose(t, w, info())
		if err := w.WriteErrors([]ErrorRow{{File: "loans.xlsx", Row: 4, Message: "bad"}}); err != nil {
			t.Fatal(err)
		}
		if err := w.WriteReport("7 repayments\n"); err != nil {
			t.Fatal(err)
		}
	}
	a, b := t.TempDir(), t.TempDir()
	run(a)
	run(b)
	run(b) // a re-run over its own output gives the same folder too
	na, nb := names(t, a), names(t, b)
	if !slices.Equal(na, nb) {
		t.Fatalf("files differ: %v vs %v", na, nb)
	}
	for _, n := range na {
		da, _ := os.ReadFile(filepath.Join(a, n))
		db, _ := os.ReadFile(filepath.Join(b, n))
		if !bytes.Equal(da, db) {
			t.Errorf("%s differs between runs", n)
		}
	}
}

func TestStaleFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	writeRepayments(t, dir, 5, CreateOptions{BatchSize: 2}) // 3 files
	// Leftovers of other runs: another kind, a crashed temp file, a
	// reviewer's own notes (which must stay).
	for _, n := range []string{"loan-draft-0001.json", ".repayments-0002.json.tmp-12345", "notes.txt", ReportFile, ErrorsFile} {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, BatchSize: 2})
	// Create removed the old manifest, report, errors and temp file.
	want := []string{"loan-draft-0001.json", "notes.txt", "repayments-0001.json", "repayments-0002.json", "repayments-0003.json"}
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Errorf("after Create: %v, want %v", got, want)
	}
	if _, err := ReadManifest(dir); err == nil || !strings.Contains(err.Error(), "convert did not finish") {
		t.Errorf("ReadManifest mid-conversion: %v", err)
	}
	for i := range 3 {
		if err := w.AddRepayment(kiva.Repayment{LoanID: fmt.Sprint(i), Amount: kiva.MustAmount("1")}, "KES"); err != nil {
			t.Fatal(err)
		}
	}
	m := mustClose(t, w, info())
	want = []string{ManifestFile, "notes.txt", "repayments-0001.json", "repayments-0002.json"}
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Errorf("after Close: %v, want %v", got, want)
	}
	if errs := m.Verify(dir); errs != nil {
		t.Errorf("Verify: %v", errs)
	}
}

func TestLedgerRefusal(t *testing.T) {
	dir := t.TempDir()
	writeRepayments(t, dir, 1, CreateOptions{})
	ledger := filepath.Join(dir, LedgerFile)
	if err := os.WriteFile(ledger, []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Create(dir, CreateOptions{Kind: KindRepayments})
	if !errors.Is(err, ErrAlreadySent) {
		t.Fatalf("err = %v, want ErrAlreadySent", err)
	}
	for _, s := range []string{dir, "already been sent", "--out"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not mention %q", err, s)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); err != nil {
		t.Errorf("refused Create touched the manifest: %v", err)
	}
	w, err := Create(dir, CreateOptions{Kind: KindRepayments, Overwrite: true})
	if err != nil {
		t.Fatalf("Overwrite: %v", err)
	}
	mustClose(t, w, info())
	if data, err := os.ReadFile(ledger); err != nil || string(data) != "{}\n" {
		t.Errorf("ledger changed by an overwriting conversion: %q, %v", data, err)
	}
}

func TestManifestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	mi := info()
	mi.Counts = Counts{RowsRead: 9, RecordsWritten: 1234, RowsRejected: 2, Errors: 3, Warnings: 1}
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, BatchSize: 3})
	for i := range 7 {
		if err := w.AddRepayment(kiva.Repayment{LoanID: fmt.Sprint(i), ClientID: "C", Amount: kiva.MustAmount("-1.10")}, "PHP"); err != nil {
			t.Fatal(err)
		}
	}
	written := mustClose(t, w, mi)
	if written.Complete {
		t.Error("complete with rejected rows")
	}
	read, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normalize(read), normalize(written)) {
		t.Errorf("read back\n%+v\nwrote\n%+v", read, written)
	}
	if read.Tool != (Tool{ToolName, "test"}) || read.Source.Name != "loans.xlsx" || read.Format != ManifestFormat ||
		read.Counts != (Counts{9, 7, 2, 3, 1}) {
		t.Errorf("read %+v", read)
	}
}

// normalize makes Amounts comparable with DeepEqual.
func normalize(m *Manifest) *Manifest {
	c := *m
	c.Totals = nil
	for _, t := range m.Totals {
		c.Totals = append(c.Totals, Total{Currency: t.Currency + "=" + t.Amount.String(), Records: t.Records})
	}
	return &c
}

func TestReadManifestErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := ReadManifest(dir)
	if err == nil || err.Error() != "no manifest.json in "+dir+": convert did not finish, or this is not a kivaconv output folder" {
		t.Errorf("missing manifest: %v", err)
	}
	if _, err := ReadManifest(filepath.Join(dir, "nope")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing folder: %v", err)
	}
	valid := `{"format":1,"kind":"repayments","batches":[{"file":"repayments-0001.json","kind":"repayments","records":1,"sha256":"` + strings.Repeat("0", 64) + `"}]}`
	for _, tc := range []struct{ name, body, want string }{
		{"valid", valid, ""},
		{"not json", "{", "not a valid manifest"},
		{"trailing", valid + "{}", "unexpected data"},
		{"no format", `{"kind":"repayments"}`, "not a kivaconv manifest"},
		{"newer", `{"format":2,"kind":"repayments"}`, "update kivaconv"},
		{"kind", `{"format":1,"kind":"loans"}`, "unknown kind"},
		{"escape", strings.Replace(valid, "repayments-0001.json", "../repayments-0001.json", 1), "not a repayments batch file name"},
		{"other kind file", strings.Replace(valid, "repayments-0001.json", "journals-0001.json", 1), "not a repayments batch file name"},
		{"sha", strings.Replace(valid, strings.Repeat("0", 64), "abc", 1), "sha256"},
		{"twice", strings.Replace(valid, `]}`, `,{"file":"repayments-0001.json","kind":"repayments","records":1,"sha256":"`+strings.Repeat("0", 64)+`"}]}`, 1), "listed twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, ManifestFile), []byte(tc.body), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := ReadManifest(dir)
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestVerifyCatchesEdits(t *testing.T) {
	dir := t.TempDir()
	writeRepayments(t, dir, 5, CreateOptions{BatchSize: 2})
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if errs := m.Verify(dir); errs != nil {
		t.Fatalf("fresh folder: %v", errs)
	}
	// A reviewer edits one amount, deletes a file and adds one.
	edited := filepath.Join(dir, "repayments-0002.json")
	data, _ := os.ReadFile(edited)
	if err := os.WriteFile(edited, bytes.Replace(data, []byte("10.5"), []byte("15"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "repayments-0003.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "repayments-0004.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	errs := m.Verify(dir)
	if len(errs) != 3 {
		t.Fatalf("Verify = %v, want 3 errors", errs)
	}
	for i, tc := range []struct {
		file string
		err  error
	}{
		{"repayments-0002.json", ErrBatchModified},
		{"repayments-0003.json", ErrBatchMissing},
		{"repayments-0004.json", ErrBatchUnlisted},
	} {
		var be *BatchError
		if !errors.As(errs[i], &be) || be.File != tc.file || !errors.Is(errs[i], tc.err) {
			t.Errorf("error %d = %v, want %s: %v", i, errs[i], tc.file, tc.err)
		}
		if !strings.Contains(errs[i].Error(), tc.file) {
			t.Errorf("error %q does not name %s", errs[i], tc.file)
		}
	}
	if !strings.Contains(errs[0].Error(), "sha256") {
		t.Errorf("modified error lacks the hashes: %v", errs[0])
	}
}

func TestWriteErrorIsSticky(t *testing.T) {
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, BatchSize: 1})
	// Make the first batch file's name a non-empty directory: its rename,
	// in Close, fails.
	if err := os.MkdirAll(filepath.Join(dir, "repayments-0001.json", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := w.AddRepayment(kiva.Repayment{LoanID: fmt.Sprint("L", i), Amount: kiva.MustAmount("1")}, ""); err != nil {
			t.Fatal(err)
		}
	}
	_, err := w.Close(info())
	if err == nil {
		t.Fatal("Close succeeded writing over a directory")
	}
	if !strings.Contains(err.Error(), "repayments-0001.json") {
		t.Errorf("error %q does not name the file", err)
	}
	if err2 := w.AddRepayment(kiva.Repayment{LoanID: "L9", Amount: kiva.MustAmount("1")}, ""); err2 != err {
		t.Errorf("writer kept going after a write error: %v", err2)
	}
	if _, err2 := w.Close(info()); err2 != err {
		t.Errorf("second Close = %v, want %v", err2, err)
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("manifest written after a failure: %v", err)
	}
	assertNoTemp(t, dir)
}
