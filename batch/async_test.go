package batch

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kiva-partners/kivaconv/kiva"
)

// setVar sets *p to v for the test.
func setVar[T any](t *testing.T, p *T, v T) {
	t.Helper()
	old := *p
	*p = v
	t.Cleanup(func() { *p = old })
}

func repayment(i int, amount string) kiva.Repayment {
	return kiva.Repayment{LoanID: fmt.Sprintf("L%05d", i), ClientID: fmt.Sprint("C", i%7), Amount: kiva.MustAmount(amount)}
}

// convertN writes n repayments (amount chosen by i) with batch size size.
func convertN(t *testing.T, dir string, n, size int, amount func(i int) string) *Manifest {
	t.Helper()
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, BatchSize: size, Overwrite: true})
	for i := range n {
		if err := w.AddRepayment(repayment(i, amount(i)), "KES"); err != nil {
			t.Fatal(err)
		}
	}
	return mustClose(t, w, info())
}

// sameFolder fails unless the two folders hold the same names and bytes.
func sameFolder(t *testing.T, got, want string) {
	t.Helper()
	gn, wn := names(t, got), names(t, want)
	if !slices.Equal(gn, wn) {
		t.Fatalf("files %v, want %v", gn, wn)
	}
	for _, n := range wn {
		a, _ := os.ReadFile(filepath.Join(got, n))
		b, _ := os.ReadFile(filepath.Join(want, n))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs:\n%s\nwant\n%s", n, a, b)
		}
	}
}

// Every way of making the files durable and every commit cadence give the
// same folder, byte for byte.
func TestCommitModesSameOutput(t *testing.T) {
	amount := func(i int) string { return fmt.Sprintf("%d.%02d", i, i%100) }
	ref := t.TempDir()
	convertN(t, ref, 1000, 7, amount)
	for _, syncfs := range []bool{true, false} {
		for _, every := range []int{1, 3, 256} {
			t.Run(fmt.Sprintf("syncfs=%v/every=%d", syncfs, every), func(t *testing.T) {
				setVar(t, &useSyncfs, syncfs)
				setVar(t, &commitEvery, every)
				dir := t.TempDir()
				m := convertN(t, dir, 1000, 7, amount)
				sameFolder(t, dir, ref)
				if errs := m.Verify(dir); errs != nil {
					t.Error(errs)
				}
				// And again over its own output (files reused).
				convertN(t, dir, 1000, 7, amount)
				sameFolder(t, dir, ref)
			})
		}
	}
}

func TestJournalsManyBatches(t *testing.T) {
	setVar(t, &commitEvery, 2)
	var js []kiva.Journal
	for i := range 23 {
		js = append(js, kiva.Journal{InternalLoanID: fmt.Sprint("L", i), Subject: "Update", Body: fmt.Sprintf("Week %d: \"sales\" up\n", i), ImageURL: strings.Repeat("x", i%2)})
	}
	for _, wrapped := range []bool{false, true} {
		dir := t.TempDir()
		w := mustCreate(t, dir, CreateOptions{Kind: KindJournals, BatchSize: 5, JournalWrapped: wrapped})
		for _, j := range js {
			if err := w.AddJournal(j); err != nil {
				t.Fatal(err)
			}
		}
		m := mustClose(t, w, info())
		if len(m.Batches) != 5 || m.Counts.RecordsWritten != 23 {
			t.Fatalf("%d batches, %d records", len(m.Batches), m.Counts.RecordsWritten)
		}
		for i, b := range m.Batches {
			part := js[i*5 : min(i*5+5, len(js))]
			var want []byte
			if wrapped {
				want = mustEncode(t, kiva.JournalsBody{Journals: part})
			} else {
				want = mustEncode(t, part)
			}
			got, _ := os.ReadFile(filepath.Join(dir, b.File))
			if !bytes.Equal(got, want) {
				t.Errorf("%s =\n%s\nwant\n%s", b.File, got, want)
			}
			if b.LoanIDs != nil || b.Records != len(part) || b.SHA256 != SHA256(want) {
				t.Errorf("manifest entry %+v", b)
			}
		}
		if errs := m.Verify(dir); errs != nil {
			t.Error(errs)
		}
	}
}

// Before Close (as after a crash there), the folder has no manifest; a
// file under a batch file's name holds either its complete content from
// this conversion or the previous conversion's untouched; the rest are
// temporary files, which the next Create removes.
func TestStateBeforeClose(t *testing.T) {
	setVar(t, &commitEvery, 2)
	for _, kind := range []string{KindRepayments, KindLoanDraft} {
		for _, earlier := range []int{0, 30} {
			t.Run(fmt.Sprint(kind, "/earlier=", earlier), func(t *testing.T) {
				stateBeforeClose(t, kind, earlier)
			})
		}
	}
}

// stateBeforeClose writes 9 files of kind into a folder that holds earlier
// files of a previous conversion, and looks at the folder before Close.
func stateBeforeClose(t *testing.T, kind string, earlier int) {
	dir := t.TempDir()
	old := map[string]string{}
	if earlier > 0 {
		var m *Manifest
		if kind == KindLoanDraft {
			m = convertDrafts(t, dir, earlier, "9.99")
		} else {
			m = convertN(t, dir, earlier, 1, func(int) string { return "9.99" })
		}
		for _, b := range m.Batches {
			old[b.File] = b.SHA256
		}
	}
	w := mustCreate(t, dir, CreateOptions{Kind: kind, BatchSize: 1})
	for i := range 9 {
		if err := addOne(w, i, "1.5"); err != nil {
			t.Fatal(err)
		}
	}
	fl := w.fl
	if err := fl.stop(); err != nil { // the writer is idle from here: look
		t.Fatal(err)
	}
	if earlier == 0 {
		// Every 2 files a commit starts; the next one waits for it:
		// 6 of 9 files are in place, 2 are being committed.
		if fl.committed != 6 || fl.syncEnd != 8 {
			t.Errorf("%d files committed in the background (up to %d being committed), want 6 (8)", fl.committed, fl.syncEnd)
		}
	}
	// Let the helpers finish, for a stable folder to look at.
	for fl.takeover != nil {
		if err := fl.pollTakeover(true); err != nil {
			t.Fatal(err)
		}
	}
	if err := fl.finishCommit(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("manifest before Close: %v", err)
	}
	written := map[string]string{}
	for _, b := range fl.batches[:fl.committed] {
		written[b.File] = b.SHA256
	}
	temps := 0
	for _, n := range names(t, dir) {
		switch {
		case IsBatchFile(n):
			sum, err := FileSHA256(filepath.Join(dir, n))
			if err != nil || (sum != written[n] && sum != old[n]) {
				t.Errorf("%s is under its final name with unfinished content", n)
			}
		case strings.Contains(n, ".tmp-"):
			temps++
		default:
			t.Errorf("unexpected %s", n)
		}
	}
	if temps == 0 {
		t.Error("no temporary files")
	}
	// A crash here: the next conversion starts clean.
	w2 := mustCreate(t, dir, CreateOptions{Kind: kind, BatchSize: 1})
	for _, n := range names(t, dir) {
		if strings.Contains(n, ".tmp-") {
			t.Errorf("Create left %s", n)
		}
	}
	w2.Abort()
	w.Abort()
}

// addOne adds the i-th record, of amount, to w: a repayment or a loan
// draft as w's kind is.
func addOne(w *Writer, i int, amount string) error {
	if w.kind == KindLoanDraft {
		_, err := w.AddLoanDraft(draft(fmt.Sprintf("L%05d", i), "KES", amount))
		return err
	}
	return w.AddRepayment(repayment(i, amount), "")
}

// convertDrafts writes n loan drafts (amount given) and checks each file
// is what Encode gives for its draft and what the manifest says of it.
func convertDrafts(t *testing.T, dir string, n int, amount string) *Manifest {
	t.Helper()
	w := mustCreate(t, dir, CreateOptions{Kind: KindLoanDraft, Overwrite: true})
	var want [][]byte
	for i := range n {
		d := draft(fmt.Sprintf("L%05d", i), "KES", amount)
		want = append(want, mustEncode(t, d))
		file, err := w.AddLoanDraft(d)
		if err != nil {
			t.Fatal(err)
		}
		if file != BatchFileName(KindLoanDraft, i+1) {
			t.Fatalf("file %s, want %s", file, BatchFileName(KindLoanDraft, i+1))
		}
	}
	m := mustClose(t, w, info())
	if len(m.Batches) != n || m.Counts.RecordsWritten != n {
		t.Fatalf("%d batches, %d records, want %d", len(m.Batches), m.Counts.RecordsWritten, n)
	}
	for i, b := range m.Batches {
		got, err := os.ReadFile(filepath.Join(dir, b.File))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want[i]) {
			t.Errorf("%s =\n%s\nwant\n%s", b.File, got, want[i])
		}
		if b.File != BatchFileName(KindLoanDraft, i+1) || b.Records != 1 || b.SHA256 != SHA256(want[i]) ||
			!slices.Equal(b.LoanIDs, []string{fmt.Sprintf("L%05d", i)}) {
			t.Errorf("manifest entry %+v", b)
		}
	}
	if errs := m.Verify(dir); errs != nil {
		t.Error(errs)
	}
	assertNoTemp(t, dir)
	return m
}

// Loan drafts take the repayments' path: every way of making the files
// durable and every commit cadence give the same files, into a new folder
// or over a previous conversion's (of more, fewer, or other files).
func TestLoanDraftCommitModes(t *testing.T) {
	for _, syncfs := range []bool{true, false} {
		for _, every := range []int{1, 3, 256} {
			t.Run(fmt.Sprintf("syncfs=%v/every=%d", syncfs, every), func(t *testing.T) {
				setVar(t, &useSyncfs, syncfs)
				setVar(t, &commitEvery, every)
				dir := t.TempDir()
				convertDrafts(t, dir, 40, "12.5")
				convertDrafts(t, dir, 55, "1234567.25") // longer files, more of them
				convertDrafts(t, dir, 17, "3")          // shorter, fewer
				drafts := func(n int) []string {
					var want []string
					for i := range n {
						want = append(want, BatchFileName(KindLoanDraft, i+1))
					}
					return append(want, ManifestFile)
				}
				if got, want := names(t, dir), drafts(17); !slices.Equal(got, want) {
					t.Errorf("files %v, want %v", got, want)
				}
				// Over another kind's folder.
				convertN(t, dir, 30, 2, func(int) string { return "5" })
				convertDrafts(t, dir, 4, "8")
				if got, want := names(t, dir), drafts(4); !slices.Equal(got, want) {
					t.Errorf("files %v, want %v", got, want)
				}
			})
		}
	}
}

func TestLoanDraftWriteErrorSurfaces(t *testing.T) {
	boom := errors.New("disk full")
	calls := 0
	setVar(t, &createTemp, func(dir, pattern string) (*os.File, error) {
		if calls++; calls == 3 {
			return nil, boom
		}
		return os.CreateTemp(dir, pattern)
	})
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindLoanDraft})
	var err error
	for i := range 2000 {
		if err = addOne(w, i, "1"); err != nil {
			break
		}
		if i > 100 {
			time.Sleep(time.Millisecond)
		}
	}
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "loan-draft-0003.json") {
		t.Fatalf("err = %v, want %v naming loan-draft-0003.json", err, boom)
	}
	if _, err2 := w.Close(info()); err2 != err {
		t.Errorf("Close = %v", err2)
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("manifest written after a failure: %v", err)
	}
	assertNoTemp(t, dir)
}

// addUntilError adds repayments until one fails (the background writer
// reports asynchronously), or gives up.
func addUntilError(t *testing.T, w *Writer) error {
	t.Helper()
	for i := range 2000 {
		if err := w.AddRepayment(repayment(i, "1"), ""); err != nil {
			return err
		}
		if i > 100 {
			time.Sleep(time.Millisecond)
		}
	}
	t.Fatal("no error reported by Add")
	return nil
}

func TestBackgroundWriteErrorSurfaces(t *testing.T) {
	boom := errors.New("disk full")
	calls := 0
	setVar(t, &createTemp, func(dir, pattern string) (*os.File, error) {
		if calls++; calls == 3 {
			return nil, boom
		}
		return os.CreateTemp(dir, pattern)
	})
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, BatchSize: 1})
	err := addUntilError(t, w)
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), "repayments-0003.json") {
		t.Fatalf("err = %v, want %v naming repayments-0003.json", err, boom)
	}
	if err2 := w.AddRepayment(repayment(0, "1"), ""); err2 != err {
		t.Errorf("next Add = %v", err2)
	}
	if _, err2 := w.Close(info()); err2 != err {
		t.Errorf("Close = %v", err2)
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("manifest written after a failure: %v", err)
	}
	assertNoTemp(t, dir)
}

func TestBackgroundCommitErrorSurfaces(t *testing.T) {
	setVar(t, &commitEvery, 1)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "repayments-0002.json", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, BatchSize: 1})
	err := addUntilError(t, w)
	if !strings.Contains(err.Error(), "repayments-0002.json") {
		t.Fatalf("err = %v, want it to name repayments-0002.json", err)
	}
	if _, err2 := w.Close(info()); err2 != err {
		t.Errorf("Close = %v", err2)
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("manifest written after a failure: %v", err)
	}
	assertNoTemp(t, dir)
}

func TestAbort(t *testing.T) {
	setVar(t, &commitEvery, 2)
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, BatchSize: 1})
	for i := range 7 {
		if err := w.AddRepayment(repayment(i, "1"), ""); err != nil {
			t.Fatal(err)
		}
	}
	w.Abort()
	w.Abort()
	if err := w.AddRepayment(repayment(9, "1"), ""); !errors.Is(err, ErrAborted) {
		t.Errorf("Add after Abort = %v", err)
	}
	if _, err := w.Close(info()); !errors.Is(err, ErrAborted) {
		t.Errorf("Close after Abort = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, ManifestFile)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("manifest after Abort: %v", err)
	}
	assertNoTemp(t, dir)

	// After a successful Close, Abort changes nothing.
	m := writeRepayments(t, dir, 3, CreateOptions{})
	w = mustCreate(t, t.TempDir(), CreateOptions{Kind: KindLoanDraft})
	w.Abort()
	if errs := m.Verify(dir); errs != nil {
		t.Error(errs)
	}
}

func TestAbortAfterClose(t *testing.T) {
	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments})
	if err := w.AddRepayment(repayment(1, "1"), ""); err != nil {
		t.Fatal(err)
	}
	m := mustClose(t, w, info())
	w.Abort()
	if _, err := ReadManifest(dir); err != nil {
		t.Errorf("Abort after Close: %v", err)
	}
	if errs := m.Verify(dir); errs != nil {
		t.Error(errs)
	}
}

// A Writer dropped half way (its caller failed and returned) does not leave
// its goroutine behind.
func TestAbandonedWriterStops(t *testing.T) {
	before := runtime.NumGoroutine()
	dir := t.TempDir()
	func() {
		w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, BatchSize: 10})
		for i := range 95 {
			if err := w.AddRepayment(repayment(i, "1"), ""); err != nil {
				t.Fatal(err)
			}
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		temps := 0
		for _, n := range names(t, dir) {
			if strings.Contains(n, ".tmp-") {
				temps++
			}
		}
		if runtime.NumGoroutine() <= before && temps == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines (was %d), %d temporary files", runtime.NumGoroutine(), before, temps)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
