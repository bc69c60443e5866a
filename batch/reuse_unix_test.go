//go:build unix

package batch

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestRewriteReusesFiles(t *testing.T) {
	setVar(t, &commitEvery, 3)
	dir := t.TempDir()
	long := func(i int) string { return "123456789.123456" }
	convertN(t, dir, 20, 2, long) // 10 files, longer than what follows
	inodes := map[uint64]bool{}
	for i := 3; i <= 10; i++ {
		inodes[ino(t, filepath.Join(dir, BatchFileName(KindRepayments, i)))] = true
	}
	// Another name for repayments-0001.json: it may not be written
	// through. (A symbolic link in the place of a batch file is refused:
	// see TestCreateRefusesSymlinks.)
	outside := t.TempDir()
	first, _ := os.ReadFile(filepath.Join(dir, "repayments-0001.json"))
	if err := os.Link(filepath.Join(dir, "repayments-0001.json"), filepath.Join(outside, "kept.json")); err != nil {
		t.Fatal(err)
	}

	short := func(i int) string { return fmt.Sprint(i) }
	m := convertN(t, dir, 17, 2, short) // 9 files
	ref := t.TempDir()
	convertN(t, ref, 17, 2, short)
	sameFolder(t, dir, ref)
	if errs := m.Verify(dir); errs != nil {
		t.Error(errs)
	}
	linked := ino(t, filepath.Join(outside, "kept.json"))
	reused := 0
	for _, b := range m.Batches {
		switch i := ino(t, filepath.Join(dir, b.File)); {
		case i == linked:
			t.Errorf("%s written through another file's hard link", b.File)
		case inodes[i]:
			reused++
		}
	}
	if reused != 8 { // the old files 0003 to 0010 (0002 is reused too, 0001 is not)
		t.Errorf("%d of 9 files reused, want 8", reused)
	}
	if got, _ := os.ReadFile(filepath.Join(outside, "kept.json")); !bytes.Equal(got, first) {
		t.Errorf("hard link changed:\n%s", got)
	}
}

func ino(t *testing.T, path string) uint64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return uint64(fi.Sys().(*syscall.Stat_t).Ino)
}

// Loan drafts are rewritten in place too.
func TestRewriteReusesDraftFiles(t *testing.T) {
	setVar(t, &commitEvery, 4)
	dir := t.TempDir()
	m := convertDrafts(t, dir, 12, "1234567.125")
	inodes := map[uint64]bool{}
	for _, b := range m.Batches {
		inodes[ino(t, filepath.Join(dir, b.File))] = true
	}
	m = convertDrafts(t, dir, 10, "5")
	for _, b := range m.Batches {
		if !inodes[ino(t, filepath.Join(dir, b.File))] {
			t.Errorf("%s is a new file", b.File)
		}
	}
	if n := len(names(t, dir)); n != 11 {
		t.Errorf("%d files, want 10 drafts and the manifest", n)
	}
}
