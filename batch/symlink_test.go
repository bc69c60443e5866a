package batch

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// outsideContent is what the file a planted link points to holds; no
// newline at its end, so that a ledger opened through the link would be
// cut (cutTornLine).
const outsideContent = "not kivaconv's: must stay as it is"

// plantLink puts a symbolic link at path to a file outside the folder
// holding outsideContent, and returns that file.
func plantLink(t *testing.T, path string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges on Windows")
	}
	outside := filepath.Join(t.TempDir(), "outside.txt")
	if err := os.WriteFile(outside, []byte(outsideContent), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(path)
	if err := os.Symlink(outside, path); err != nil {
		t.Fatal(err)
	}
	return outside
}

// assertRefusedLink checks that err is the refusal of the link at path,
// that the file it points to is unchanged and that the link is still
// there (neither written through nor replaced).
func assertRefusedLink(t *testing.T, err error, path, outside string) {
	t.Helper()
	if !errors.Is(err, ErrSymlink) {
		t.Fatalf("err = %v, want the refusal of the symbolic link %s", err, path)
	}
	if want := path + " is a symbolic link: kivaconv does not write through links"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q lacks %q", err, want)
	}
	assertOutsideKept(t, outside)
	if fi, err := os.Lstat(path); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer the link: %v, %v", path, fi, err)
	}
}

func assertOutsideKept(t *testing.T, outside string) {
	t.Helper()
	fi, err := os.Stat(outside)
	if err != nil {
		t.Fatalf("the file outside the folder: %v", err)
	}
	got, _ := os.ReadFile(outside)
	if string(got) != outsideContent || fi.Size() != int64(len(outsideContent)) {
		t.Errorf("the file outside the folder changed: %d bytes, %q", fi.Size(), got)
	}
}

func TestWriteFileAtomicRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ManifestFile)
	outside := plantLink(t, path)
	assertRefusedLink(t, WriteFileAtomic(path, []byte("new\n")), path, outside)
	assertNoTemp(t, dir)

	// A link to nothing: the write must not create the file it names.
	dangling := filepath.Join(dir, ReportFile)
	target := filepath.Join(t.TempDir(), "created.txt")
	if err := os.Symlink(target, dangling); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(dangling, []byte("new\n")); !errors.Is(err, ErrSymlink) {
		t.Errorf("dangling link: err = %v", err)
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was created through the dangling link: %v", err)
	}
	assertNoTemp(t, dir)
}

// TestCreateRefusesSymlinks: a link in the place of any file of the folder
// is refused before anything changes, with or without --overwrite.
func TestCreateRefusesSymlinks(t *testing.T) {
	for _, name := range []string{ManifestFile, ReportFile, ErrorsFile, LedgerFile, "repayments-0001.json", "repayments-0007.json"} {
		for _, overwrite := range []bool{false, true} {
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				convertN(t, dir, 4, 2, func(int) string { return "1" })
				path := filepath.Join(dir, name)
				outside := plantLink(t, path)
				before := names(t, dir)
				_, err := Create(dir, CreateOptions{Kind: KindRepayments, BatchSize: 2, Overwrite: overwrite})
				assertRefusedLink(t, err, path, outside)
				if got := names(t, dir); strings.Join(got, " ") != strings.Join(before, " ") {
					t.Errorf("folder changed from %q to %q", before, got)
				}
			})
		}
	}
}

// TestWriterRefusesSymlinksPlantedLater: a link planted after Create, in
// the place of a file the Writer is about to write, fails the write.
func TestWriterRefusesSymlinksPlantedLater(t *testing.T) {
	t.Run("batch file", func(t *testing.T) {
		dir := t.TempDir()
		w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments, BatchSize: 1})
		path := filepath.Join(dir, "repayments-0002.json")
		outside := plantLink(t, path)
		for i := range 3 {
			if w.AddRepayment(repayment(i, "1"), "KES") != nil {
				break
			}
		}
		_, err := w.Close(info())
		assertRefusedLink(t, err, path, outside)
		if _, err := os.Stat(filepath.Join(dir, ManifestFile)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("manifest written after the refusal: %v", err)
		}
		assertNoTemp(t, dir)
	})
	t.Run("loan draft", func(t *testing.T) {
		dir := t.TempDir()
		w := mustCreate(t, dir, CreateOptions{Kind: KindLoanDraft})
		path := filepath.Join(dir, "loan-draft-0001.json")
		outside := plantLink(t, path)
		addOne(w, 1, "1")
		_, err := w.Close(info())
		assertRefusedLink(t, err, path, outside)
	})
	for _, name := range []string{ManifestFile, ReportFile, ErrorsFile} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			w := mustCreate(t, dir, CreateOptions{Kind: KindRepayments})
			if err := w.AddRepayment(repayment(1, "1"), "KES"); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, name)
			outside := plantLink(t, path)
			var err error
			switch name {
			case ReportFile:
				err = w.WriteReport("report\n")
			case ErrorsFile:
				err = w.WriteErrors(nil)
			default:
				_, err = w.Close(info())
			}
			assertRefusedLink(t, err, path, outside)
			assertNoTemp(t, dir)
		})
	}
}

// TestLedgerRefusesSymlink: send's ledger is never opened, read, cut or
// appended to through a link (one to a file elsewhere would be damaged).
func TestLedgerRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, LedgerFile)
	outside := plantLink(t, path)
	l, err := OpenLedger(dir)
	if err == nil {
		l.Append(LedgerEntry{File: "repayments-0001.json", State: StateSending})
		l.Close()
	}
	assertRefusedLink(t, err, path, outside)
	if !strings.Contains(err.Error(), "send ledger") {
		t.Errorf("error %q does not say it is the send ledger", err)
	}
	_, err = ReadLedger(dir)
	assertRefusedLink(t, err, path, outside)

	// A link to nothing: no file is created where it points.
	os.Remove(path)
	target := filepath.Join(t.TempDir(), "created.jsonl")
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
	if l, err := OpenLedger(dir); !errors.Is(err, ErrSymlink) {
		t.Errorf("dangling link: err = %v", err)
		if l != nil {
			l.Close()
		}
	}
	if _, err := os.Lstat(target); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was created through the dangling link: %v", err)
	}
}

func TestOpenNoFollow(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "send.lock")
	f, err := OpenNoFollow(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	outside := plantLink(t, path)
	_, err = OpenNoFollow(path, os.O_RDWR|os.O_CREATE, 0o644)
	assertRefusedLink(t, err, path, outside)
	if RefuseSymlink(filepath.Join(dir, "missing")) != nil {
		t.Error("RefuseSymlink refuses a missing file")
	}
}
