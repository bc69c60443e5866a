//go:build unix

package batch

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// withUmask sets the process's umask for the test (tests that call it must
// not run in parallel).
func withUmask(t *testing.T, mask int) {
	t.Helper()
	old := syscall.Umask(mask)
	t.Cleanup(func() { syscall.Umask(old) })
}

// assertModes checks the mode of every file in dir.
func assertModes(t *testing.T, dir string, want fs.FileMode) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("empty folder")
	}
	for _, e := range entries {
		fi, err := e.Info()
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", e.Name(), got, want)
		}
	}
}

// TestFileModesFollowUmask: the files of an output folder get 0666 less the
// umask, as os.Create gives: new ones, files rewritten in place and the
// ledger alike.
func TestFileModesFollowUmask(t *testing.T) {
	withUmask(t, 0o022)
	path := filepath.Join(t.TempDir(), "a.json")
	if err := WriteFileAtomic(path, []byte("x")); err != nil {
		t.Fatal(err)
	}
	assertModes(t, filepath.Dir(path), 0o644)

	dir := t.TempDir()
	w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, BatchSize: 2})
	for i := range 5 {
		if err := w.AddRepayment(repayment(i, "1"), "KES"); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WriteReport("report\n"); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteErrors(nil); err != nil {
		t.Fatal(err)
	}
	mustClose(t, w, info())
	l, err := OpenLedger(dir)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	assertModes(t, dir, 0o644)

	// Converted again under another umask: the batch files rewritten in
	// place get the new mode too (the ledger, not rewritten, keeps its own).
	withUmask(t, 0o027)
	os.Remove(filepath.Join(dir, LedgerFile))
	convertN(t, dir, 5, 2, func(int) string { return "2" })
	assertModes(t, dir, 0o640)
	if err := WriteFileAtomic(path, []byte("y")); err != nil {
		t.Fatal(err)
	}
	assertModes(t, filepath.Dir(path), 0o640)
}
